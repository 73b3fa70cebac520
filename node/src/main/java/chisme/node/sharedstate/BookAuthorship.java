package chisme.node.sharedstate;

import chisme.node.security.BookSigner;
import chisme.store.Book;
import chisme.wire.NodeId;

import java.io.IOException;
import java.util.Arrays;

/**
 * Signs the books this node writes and decides whether a remote book may replace what we hold (issue 12
 * item 2; {@link WritePolicy}). Called by the merge only for books that would change our state, so an
 * anti-entropy round over equal shelves verifies nothing. Node thread only.
 */
final class BookAuthorship {
    private final BookSigner signer;
    private final SharedStateCounters counters;

    private BookAuthorship(final BookSigner signer, final SharedStateCounters counters) {
        this.signer = signer;
        this.counters = counters;
    }

    /** The node's signer from DATA/book-signing.key (created on first start), a process key without a data dir, none when signing is off. */
    static BookAuthorship create(final SharedStateConfig config, final SharedStateCounters counters) {
        if (!config.signing()) {
            return new BookAuthorship(null, counters);
        }
        if (config.dataDir() == null) {
            return new BookAuthorship(BookSigner.ephemeral(), counters);
        }
        try {
            return new BookAuthorship(BookSigner.loadOrCreate(config.dataDir()), counters);
        } catch (final IOException e) {
            throw new SharedStateException(SharedStateException.Code.BAD_CONFIG, "book signing key: " + e.getMessage());
        }
    }

    /** This node's key id, or null when it does not sign. */
    String keyId() {
        return signer == null ? null : signer.keyId();
    }

    boolean signs() {
        return signer != null;
    }

    /** The signature block for a book we write (null when not signing). */
    byte[] sign(final String shelf, final String key, final NodeId author, final long version, final long ttlMs,
                final boolean tombstone, final byte[] data) {
        return signer == null ? null : signer.sign(shelf, key, author, version, GossipCodec.ttlSeconds(ttlMs), tombstone, data);
    }

    /**
     * Whether {@code remote} may replace {@code local} (null: we hold none) under the shelf's policy; a
     * refusal is counted by reason.
     */
    boolean mayWrite(final ShelfConfig sc, final String shelf, final GossipCodec.WireBook remote, final Book local) {
        final byte[] sig = remote.signature();
        if (sig != null) {
            if (!verifier().verify(shelf, remote.key(), remote.authorId(), remote.version(), remote.tombstone(), remote.data(), sig)) {
                counters.increment(SharedStateCounter.DROP_BAD_SIGNATURE);
                return false;
            }
            counters.increment(SharedStateCounter.SIGNATURES_VERIFIED);
        }
        final WritePolicy policy = sc.writers(signs());
        if (policy.kind() == WritePolicy.Kind.OPEN) {
            return true;
        }
        if (sig == null) {
            counters.increment(SharedStateCounter.DROP_UNSIGNED);
            return false;
        }
        final boolean allowed = policy.kind() == WritePolicy.Kind.KEYS
            ? policy.keyIds().contains(BookSigner.keyIdOf(sig))
            : local == null || local.signature() == null || sameKey(local.signature(), sig);
        if (!allowed) {
            counters.increment(SharedStateCounter.DROP_NOT_AUTHOR);
        }
        return allowed;
    }

    /**
     * Whether an unsigned entry from outside the gossip may change what we hold: a Lua node's post (the CGI
     * bridge's reqsync) or another author's entry found in this node's own Lua file. Lua cannot sign, so only
     * where every peer takes unsigned books ({@code writers open}); under {@code author} or a key list each
     * peer drops it ({@link #mayWrite}: DROP_UNSIGNED) and it would live, and could pin a multiwriter key, on
     * this node alone (docs/security.md, "Multiwriter shelves on a hostile network").
     */
    boolean takesUnsigned(final ShelfConfig sc) {
        return sc.writers(signs()).kind() == WritePolicy.Kind.OPEN;
    }

    /**
     * Refuses a local edit of {@code held} that every other node would refuse under the shelf's policy, so an
     * acknowledged insert or remove is one the mesh takes.
     */
    void requireLocalWrite(final ShelfConfig sc, final String shelf, final Book held) {
        final WritePolicy policy = sc.writers(signs());
        if (policy.kind() == WritePolicy.Kind.OPEN) {
            return;
        }
        if (signer == null) {
            throw new SharedStateException(SharedStateException.Code.NOT_AUTHOR, "shelf " + shelf
                + " takes signed books only (writers " + policy.kind().name().toLowerCase(java.util.Locale.ROOT) + ") and book-signing is off");
        }
        final boolean ok = policy.kind() == WritePolicy.Kind.KEYS
            ? policy.keyIds().contains(signer.keyId())
            : held == null || held.signature() == null || signer.keyId().equals(BookSigner.keyIdOf(held.signature()));
        if (!ok) {
            throw new SharedStateException(SharedStateException.Code.NOT_AUTHOR, policy.kind() == WritePolicy.Kind.KEYS
                ? "this node's key " + signer.keyId() + " is not among the writers of shelf " + shelf
                : "book '" + ShelfNames.abbreviate(held.key()) + "' of shelf " + shelf + " belongs to key "
                    + BookSigner.keyIdOf(held.signature()) + " (writers author); nothing written");
        }
    }

    /** The most a signed book may live here from now: its author's TTL (a relay cannot extend it). */
    static long maxTtlMs(final GossipCodec.WireBook remote) {
        return remote.signature() == null ? Long.MAX_VALUE : BookSigner.signedTtlSeconds(remote.signature()) * 1_000L;
    }

    private BookSigner fallbackVerifier;

    private BookSigner verifier() {
        // Verification needs no private key; a node that does not sign still checks signatures it is sent.
        return signer != null ? signer : fallback();
    }

    private BookSigner fallback() {
        if (fallbackVerifier == null) {
            fallbackVerifier = BookSigner.ephemeral();
        }
        return fallbackVerifier;
    }

    private static boolean sameKey(final byte[] a, final byte[] b) {
        return Arrays.equals(a, 4, 36, b, 4, 36);
    }
}
