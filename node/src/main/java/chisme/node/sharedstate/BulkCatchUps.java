package chisme.node.sharedstate;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Bulk catch-ups in progress, one per shelf (docs/shared-state.md "Bulk catch-up"): when we hold (almost)
 * nothing of a shelf a neighbour has, that one neighbour sends the whole shelf in ascending key-hash order,
 * resumed by a cursor across replies and rounds, without key lists and without narrowing. Only one
 * neighbour serves a shelf at a time: rounds with the others skip it, so two neighbours never send the same
 * copy. A fetch ends when it completes, when a round with its server fails, or after
 * {@code idleTimeoutMs} without progress, so a dead neighbour cannot block the catch-up. Node thread only.
 */
final class BulkCatchUps {
    /** Bulk when our count times this is at most the neighbour's: re-receiving what we hold costs at most 1/8 of the shelf. */
    static final int BULK_RATIO = 8;

    /** One shelf's fetch: who serves it, where it stands, and which round (if any) is fetching now. */
    static final class Fetch {
        final String shelf;
        final InetSocketAddress server;
        boolean hasCursor;
        long cursor;
        SyncRound round;
        long touchedMs;

        Fetch(final String shelf, final InetSocketAddress server, final SyncRound round, final long nowMs) {
            this.shelf = shelf;
            this.server = server;
            this.round = round;
            this.touchedMs = nowMs;
        }

        /** Records progress: the next request asks only for key hashes above {@code keyHash}. */
        void advance(final long keyHash, final long nowMs) {
            hasCursor = true;
            cursor = keyHash;
            touchedMs = nowMs;
        }
    }

    private final Map<String, Fetch> byShelf = new HashMap<>();
    private final long idleTimeoutMs;

    BulkCatchUps(final long idleTimeoutMs) {
        this.idleTimeoutMs = idleTimeoutMs;
    }

    /** True if we hold so little of a shelf that fetching all of it beats narrowing (our count 0, or at most 1/8 of theirs). */
    static boolean worthBulk(final int mineCount, final int theirCount) {
        return (long) mineCount * BULK_RATIO <= theirCount;
    }

    /** The fetch {@code round} should run for {@code shelf} with its neighbour: a resumed or new one; null if none. */
    Fetch claim(final String shelf, final SyncRound round, final int mineCount, final int theirCount, final long nowMs) {
        Fetch f = live(shelf, nowMs);
        if (f != null) {
            if (f.server.equals(round.neighbour) && f.round == null) {
                f.round = round; // the follow-up round with the same neighbour resumes from the saved cursor
                f.touchedMs = nowMs;
                return f;
            }
            return null;
        }
        if (!worthBulk(mineCount, theirCount)) {
            return null;
        }
        f = new Fetch(shelf, round.neighbour, round, nowMs);
        byShelf.put(shelf, f);
        return f;
    }

    /** True if a fetch of {@code shelf} is in progress (after {@link #claim} returned null: served by another round). */
    boolean busy(final String shelf, final long nowMs) {
        return live(shelf, nowMs) != null;
    }

    private Fetch live(final String shelf, final long nowMs) {
        final Fetch f = byShelf.get(shelf);
        if (f != null && nowMs - f.touchedMs > idleTimeoutMs) {
            byShelf.remove(shelf); // no progress for too long: let any neighbour serve again
            return null;
        }
        return f;
    }

    /** The shelf is complete (or its server misbehaved): forget the fetch. */
    void end(final Fetch f) {
        byShelf.remove(f.shelf, f);
    }

    /**
     * A round is over: its fetches pause for the follow-up round when the byte budget cut it, and end when it
     * failed (a timeout or an error reply), as do paused fetches served by that neighbour.
     */
    void roundFinished(final SyncRound round) {
        for (final Iterator<Fetch> it = byShelf.values().iterator(); it.hasNext(); ) {
            final Fetch f = it.next();
            if (f.round == round) {
                if (round.failed()) {
                    it.remove();
                } else {
                    f.round = null;
                }
            } else if (f.round == null && round.failed() && f.server.equals(round.neighbour)) {
                it.remove();
            }
        }
    }

    /** Fetches in progress (tests). */
    int size() {
        return byShelf.size();
    }
}
