package chisme.node.sharedstate;

import chisme.store.Book;
import chisme.wire.NodeId;

import java.nio.charset.StandardCharsets;

/**
 * How one entry of a Lua node's map ({@code reqsync}: {@code {key: {bleachTTL, author, data}}}) meets
 * the book this node holds. The Lua tool's own merge rule decides (libremesh-shared-state.md: the
 * incoming entry replaces the local one only if {@code local.bleachTTL < remote.bleachTTL}, entries with
 * {@code bleachTTL <= 0} are dropped), so a Lua-side edit with a fresher TTL is taken as an edit.
 */
final class LuaBridge {
    /** What to do with one incoming entry. */
    enum Action { DROP, KEEP, REFRESH, EDIT, REMOVE }

    /** One incoming entry; {@code data} null when the Lua side removed the key (its tombstone omits data). */
    record Entry(String key, byte[] data, String author, long bleachTtl) {
        /** Remaining lifetime: bleachTTL counts 2-minute bleach passes. */
        long ttlMs() {
            return Math.min(0xFFFF_FFFFL, bleachTtl * SharedState.BLEACH_PERIOD_MS);
        }
    }

    private LuaBridge() {
    }

    /** Decides for {@code in} against {@code held} (null or expired: nothing held), at {@code nowMs}. */
    static Action decide(final Entry in, final Book held, final long nowMs) {
        if (in.bleachTtl() <= 0) {
            return Action.DROP;
        }
        final boolean live = held != null && !held.tombstone() && held.expiresAtMs() > nowMs;
        if (!live) {
            return in.data() == null ? Action.DROP : Action.EDIT;
        }
        final long heldBleach = bleachTtl(held.expiresAtMs() - nowMs);
        if (in.data() == null) {
            return heldBleach < in.bleachTtl() ? Action.REMOVE : Action.KEEP;
        }
        if (CanonicalJson.sameValue(held.data(), in.data())) {
            return held.expiresAtMs() - nowMs < in.ttlMs() ? Action.REFRESH : Action.KEEP;
        }
        return heldBleach < in.bleachTtl() ? Action.EDIT : Action.KEEP;
    }

    /** Remaining TTL in Lua bleach passes, rounded up (what {@code shared-state get} prints). */
    static long bleachTtl(final long ttlMs) {
        return (Math.max(0, ttlMs) + SharedState.BLEACH_PERIOD_MS - 1) / SharedState.BLEACH_PERIOD_MS;
    }

    /** The author id of a Lua author: ours for our own name, else a stable hash of the name. */
    static NodeId authorId(final String author, final String localName, final NodeId localId) {
        return author.equals(localName) ? localId : NodeId.sha1(("libremesh-author:" + author).getBytes(StandardCharsets.UTF_8));
    }
}
