package chisme.node.sharedstate;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who serves a bulk catch-up: one neighbour per shelf, resumed by its follow-up round, released when idle. */
class BulkCatchUpsTest {
    private static final InetSocketAddress A = new InetSocketAddress("127.0.0.1", 7001);
    private static final InetSocketAddress B = new InetSocketAddress("127.0.0.1", 7002);
    private static final long IDLE_MS = 1_000;

    private static SyncRound round(final InetSocketAddress neighbour) {
        return new SyncRound(null, neighbour, null); // never called: only its identity and neighbour matter here
    }

    @Test
    void shouldBulkOnlyWhenWeHoldAtMostAnEighth() {
        assertTrue(BulkCatchUps.worthBulk(0, 1));
        assertTrue(BulkCatchUps.worthBulk(12, 100));
        assertFalse(BulkCatchUps.worthBulk(13, 100));
    }

    @Test
    void shouldLetOneNeighbourServeAndResumeFromItsCursor() {
        final BulkCatchUps bulks = new BulkCatchUps(IDLE_MS);
        final SyncRound first = round(A);
        final BulkCatchUps.Fetch f = bulks.claim("s", first, 0, 100, 0);
        assertNotNull(f);
        assertNull(bulks.claim("s", round(B), 0, 100, 10), "B must not send the same copy");
        assertTrue(bulks.busy("s", 10));
        assertNull(bulks.claim("s", round(A), 0, 100, 10), "nor a second round with A while the first fetches");
        f.advance(0x8000_0000_0000_0000L, 20);
        bulks.roundFinished(first); // budget spent, not failed: paused for the follow-up
        final BulkCatchUps.Fetch resumed = bulks.claim("s", round(A), 30, 100, 50);
        assertSame(f, resumed, "A's follow-up resumes the same fetch");
        assertTrue(resumed.hasCursor);
        assertEquals(0x8000_0000_0000_0000L, resumed.cursor);
        bulks.end(resumed);
        assertFalse(bulks.busy("s", 60));
        assertEquals(0, bulks.size());
    }

    @Test
    void shouldReleaseAFetchWithoutProgressSoAnotherNeighbourCanServe() {
        final BulkCatchUps bulks = new BulkCatchUps(IDLE_MS);
        final BulkCatchUps.Fetch f = bulks.claim("s", round(A), 0, 100, 0);
        assertNotNull(f);
        assertNull(bulks.claim("s", round(B), 0, 100, IDLE_MS), "still within the idle time");
        final BulkCatchUps.Fetch taken = bulks.claim("s", round(B), 0, 100, IDLE_MS + 1);
        assertNotNull(taken, "A made no progress for longer than the idle time: B serves now");
        assertEquals(B, taken.server);
        assertFalse(taken.hasCursor, "a new fetch starts from the beginning of the range");
        assertNull(bulks.claim("t", round(A), 50, 100, 0), "we hold half of shelf t: narrow, no bulk");
        assertFalse(bulks.busy("t", 0));
    }
}
