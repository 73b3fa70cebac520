package chisme.node.sharedstate;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HybridLogicalClockTest {
    @Test
    void shouldFollowWallTimeWhenItAdvances() {
        final HybridLogicalClock c = new HybridLogicalClock();
        final long v = c.tick(1_000);
        assertEquals(1_000, HybridLogicalClock.wallOf(v));
        assertEquals(0, HybridLogicalClock.counterOf(v));
    }

    @Test
    void shouldNeverGoBackwardsWhenWallClockDoes() {
        final HybridLogicalClock c = new HybridLogicalClock();
        final long a = c.tick(5_000);
        final long b = c.tick(1_000);
        assertTrue(Long.compareUnsigned(b, a) > 0);
        assertEquals(5_000, HybridLogicalClock.wallOf(b));
    }

    @Test
    void shouldOrderAfterAnObservedVersionFromAFastClock() {
        final HybridLogicalClock slow = new HybridLogicalClock();
        final HybridLogicalClock fast = new HybridLogicalClock();
        final long seen = fast.tick(1_000_000);
        slow.observe(seen, 10);
        assertTrue(Long.compareUnsigned(slow.tick(11), seen) > 0, "an edit made after seeing another must order after it");
    }

    @Test
    void shouldKeepCounterWhenObservingSameMillisecond() {
        final HybridLogicalClock c = new HybridLogicalClock();
        c.tick(100);
        final long remote = (100L << 16) | 7;
        c.observe(remote, 50);
        assertEquals((100L << 16) | 8, c.tick(50));
    }
}
