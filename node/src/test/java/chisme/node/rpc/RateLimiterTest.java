package chisme.node.rpc;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RateLimiterTest {
    private static InetSocketAddress source(final int n) throws UnknownHostException {
        return new InetSocketAddress(InetAddress.getByAddress(new byte[]{127, (byte) (n >>> 16), (byte) (n >>> 8), (byte) n}), 4000);
    }

    @Test
    void burstThenRatePerSourceWhileTheTableGrows() throws UnknownHostException {
        final RateLimiter limiter = new RateLimiter(10, 5);
        assertEquals(64, limiter.slots(), "starts small");
        // 100 sources each take their burst of 5: the table grows (below its 4096 bound no source is
        // forgotten: it grows instead of evicting) and keeps every source's count.
        for (int round = 0; round < 5; round++) {
            for (int s = 1; s <= 100; s++) {
                assertTrue(limiter.tryAcquire(source(s), 0), "source " + s + " within its burst");
            }
        }
        assertTrue(limiter.slots() >= 256 && limiter.slots() < 4096, "grew to hold 100 sources: " + limiter.slots());
        for (int s = 1; s <= 100; s++) {
            assertFalse(limiter.tryAcquire(source(s), 0), "source " + s + " over its burst");
        }
        assertTrue(limiter.tryAcquire(source(7), 100), "10/s refills one token in 100 ms");
        assertFalse(limiter.tryAcquire(source(7), 100));
    }

    @Test
    void tableStopsGrowingAtItsBound() throws UnknownHostException {
        final RateLimiter limiter = new RateLimiter(10, 5);
        for (int s = 1; s <= 20_000; s++) {
            limiter.tryAcquire(source(s), s);
        }
        assertEquals(4096, limiter.slots());
    }
}
