package chisme.node.security;

import java.util.ArrayList;
import java.util.List;

/**
 * The network keys a node holds (Serf's keyring model): every installed key opens datagrams, the
 * primary one seals them. Rotation without downtime: install the new key on every node, make it primary
 * on every node, remove the old one. Changes publish a new immutable {@link Snapshot} through a volatile
 * field: the node thread reads it per datagram without locking; admin threads change it.
 */
public final class Keyring {
    /** Keys by id (null: none) and the primary id (-1: no key, the node runs open). */
    public record Snapshot(NetworkKey[] byId, int primaryId) {
        public boolean open() {
            return primaryId < 0;
        }

        public NetworkKey primary() {
            return primaryId < 0 ? null : byId[primaryId];
        }
    }

    private static final Snapshot OPEN = new Snapshot(new NetworkKey[256], -1);
    private volatile Snapshot snapshot = OPEN;

    /** The current keys (node thread: once per datagram). */
    public Snapshot snapshot() {
        return snapshot;
    }

    /** True when no key is installed: datagrams go out and are accepted in the clear. */
    public boolean open() {
        return snapshot.open();
    }

    /**
     * Installs a key; the first key becomes primary. Installing a key already held is a no-op.
     *
     * @throws IllegalArgumentException when another installed key has the same id
     */
    public synchronized void install(final NetworkKey key) {
        final Snapshot s = snapshot;
        final NetworkKey held = s.byId[key.id()];
        if (held != null) {
            if (held.equals(key)) {
                return;
            }
            throw new IllegalArgumentException("another installed key has id " + key.idHex() + ": remove it first");
        }
        final NetworkKey[] next = s.byId.clone();
        next[key.id()] = key;
        snapshot = new Snapshot(next, s.open() ? key.id() : s.primaryId());
    }

    /** Makes an installed key the one that seals outgoing datagrams. */
    public synchronized void use(final int id) {
        final Snapshot s = snapshot;
        if (id < 0 || id > 255 || s.byId[id] == null) {
            throw new IllegalArgumentException("no installed key has id " + String.format("%02x", id & 0xFF));
        }
        snapshot = new Snapshot(s.byId, id);
    }

    /**
     * Removes a key. The primary key can be removed only when it is the last one (the node then runs
     * open again): removing it while others are installed would leave nothing to seal with.
     */
    public synchronized void remove(final int id) {
        final Snapshot s = snapshot;
        if (id < 0 || id > 255 || s.byId[id] == null) {
            throw new IllegalArgumentException("no installed key has id " + String.format("%02x", id & 0xFF));
        }
        if (id == s.primaryId() && keys().size() > 1) {
            throw new IllegalArgumentException("key " + String.format("%02x", id) + " is in use: 'keys use' another key first");
        }
        final NetworkKey[] next = s.byId.clone();
        next[id] = null;
        snapshot = new Snapshot(next, id == s.primaryId() ? -1 : s.primaryId());
    }

    /** Installed keys in id order. */
    public List<NetworkKey> keys() {
        final List<NetworkKey> out = new ArrayList<>();
        for (final NetworkKey k : snapshot.byId) {
            if (k != null) {
                out.add(k);
            }
        }
        return out;
    }
}
