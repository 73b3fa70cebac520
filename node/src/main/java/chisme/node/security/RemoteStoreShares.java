package chisme.node.security;

import chisme.store.TupleMeta;
import chisme.store.TupleStore;
import chisme.wire.NodeId;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Fair store space per source prefix (issue 12 item 6: one remote address filled the value store with 255
 * STOREs of 64 KiB). Remote STOREs already may not take the share kept for local writes
 * ({@link LocalWriteReserve}); on top of that, the new values one source prefix (an IPv4 /24, an IPv6 /64;
 * loopback and link-local per address, as {@link chisme.node.rpc.SourcePrefix} keys them) has added may take at
 * most {@code share} of that remote space, in entries and in bytes. One host or subnet then leaves the rest
 * to every other source: with the default quarter, at least three quarters of the remote space stays for
 * others, whatever one prefix sends.
 * <p>
 * The node remembers which prefix added each value it holds (one small map entry per remotely added value,
 * at most the store's entry quota). Values leave the store by expiry without telling us, so a prefix at its
 * cap is checked against the store again (entries no longer held are forgotten) at most once per
 * {@link #RECOUNT_INTERVAL_MS}: an attacker at its cap cannot make every refused STORE cost a scan. Replacing a
 * value already held adds nothing and is not counted. Not thread-safe: the node thread only.
 */
public final class RemoteStoreShares {
    /** Least time between two recounts of the remembered values (each reads the store's metadata of each). */
    static final long RECOUNT_INTERVAL_MS = 10_000;

    private record Added(long prefix, int bytes) {
    }

    private final double share;
    private final Map<NodeId, Added> added = new HashMap<>();
    /** Per prefix: {values, bytes} it added and we still count. */
    private final Map<Long, long[]> held = new HashMap<>();
    private final TupleMeta meta = new TupleMeta();
    private long lastRecountMs;
    private boolean recounted;

    /** {@code share} in (0, 1]: 1 turns the per-prefix limit off (the reserve for local writes stays). */
    public RemoteStoreShares(final double share) {
        if (!(share > 0 && share <= 1)) {
            throw new IllegalArgumentException("share of the remote store space per source prefix must be in (0, 1], got " + share);
        }
        this.share = share;
    }

    /** True when source {@code prefix} may add a new value of {@code valueBytes} to {@code store}. */
    public boolean mayAdd(final TupleStore store, final long prefix, final int valueBytes, final long nowMs) {
        if (share >= 1) {
            return true;
        }
        if (fits(store, prefix, valueBytes)) {
            return true;
        }
        if (recounted && nowMs - lastRecountMs < RECOUNT_INTERVAL_MS) {
            return false;
        }
        recounted = true;
        lastRecountMs = nowMs;
        recount(store, nowMs);
        return fits(store, prefix, valueBytes);
    }

    /** Records that {@code prefix} added {@code key} (a value the store did not hold) of {@code valueBytes}. */
    public void onAdded(final NodeId key, final long prefix, final int valueBytes) {
        if (share >= 1) {
            return;
        }
        final Added before = added.put(key, new Added(prefix, valueBytes));
        if (before != null) {
            count(before, -1); // expired meanwhile and stored again: the old record no longer holds space
        }
        count(added.get(key), 1);
    }

    /** Values {@code prefix} is counted for (tests, status). */
    public long valuesOf(final long prefix) {
        final long[] h = held.get(prefix);
        return h == null ? 0 : h[0];
    }

    private boolean fits(final TupleStore store, final long prefix, final int valueBytes) {
        final long[] h = held.get(prefix);
        final long values = h == null ? 0 : h[0];
        final long bytes = h == null ? 0 : h[1];
        final double remote = 1 - LocalWriteReserve.SHARE;
        return values + 1 <= Math.max(1, (long) (store.maxTuples() * remote * share))
            && bytes + valueBytes <= Math.max(store.maxValueBytes(), (long) (store.maxTupleBytes() * remote * share));
    }

    /** Forgets values the store no longer holds (removed, or expired and not yet swept). */
    private void recount(final TupleStore store, final long nowMs) {
        final Iterator<Map.Entry<NodeId, Added>> it = added.entrySet().iterator();
        while (it.hasNext()) {
            final Map.Entry<NodeId, Added> e = it.next();
            final NodeId k = e.getKey();
            if (!store.readMeta(k.hi(), k.mid(), k.lo(), meta) || meta.expiresAtMs() <= nowMs) {
                count(e.getValue(), -1);
                it.remove();
            }
        }
    }

    private void count(final Added a, final int delta) {
        final long[] h = held.computeIfAbsent(a.prefix(), x -> new long[2]);
        h[0] += delta;
        h[1] += (long) delta * a.bytes();
        if (h[0] <= 0) {
            held.remove(a.prefix());
        }
    }
}
