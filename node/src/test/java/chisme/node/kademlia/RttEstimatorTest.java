package chisme.node.kademlia;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RttEstimatorTest {
    @Test
    void shouldUseTheUpperBoundUntilTheFirstSample() {
        assertEquals(250, new RttEstimator().stallMs(250));
    }

    @Test
    void shouldFollowRfc6298() {
        final RttEstimator e = new RttEstimator();
        e.observe(100); // 2.2: SRTT = R, RTTVAR = R/2, RTO = SRTT + 4 RTTVAR = 300
        assertEquals(100.0, e.srttMs(), 1e-9);
        assertEquals(50.0, e.rttvarMs(), 1e-9);
        assertEquals(300, e.stallMs(1_000));
        e.observe(60); // 2.3: RTTVAR = 3/4 * 50 + 1/4 * |100 - 60| = 47.5, SRTT = 7/8 * 100 + 1/8 * 60 = 95
        assertEquals(47.5, e.rttvarMs(), 1e-9);
        assertEquals(95.0, e.srttMs(), 1e-9);
        assertEquals(285, e.stallMs(1_000));
        assertEquals(250, e.stallMs(250), "never above the configured bound");
    }

    @Test
    void shouldNotGoBelowTheFloorOnFastLinks() {
        final RttEstimator e = new RttEstimator();
        for (int i = 0; i < 100; i++) {
            e.observe(0); // loopback: below the millisecond clock's resolution
        }
        assertEquals(RttEstimator.MIN_STALL_MS, e.stallMs(250));
    }

    @Test
    void shouldGrowWhenRoundTripsGrow() {
        final RttEstimator e = new RttEstimator();
        for (int i = 0; i < 50; i++) {
            e.observe(5);
        }
        final long fast = e.stallMs(2_000);
        for (int i = 0; i < 50; i++) {
            e.observe(150);
        }
        assertTrue(e.stallMs(2_000) > 150 && e.stallMs(2_000) > fast, fast + " then " + e.stallMs(2_000));
    }
}
