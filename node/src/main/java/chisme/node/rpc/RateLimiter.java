package chisme.node.rpc;

import java.net.InetSocketAddress;

/**
 * Per-source token buckets for incoming requests (mldht: burst then a steady rate per IP), keyed by a
 * hash of the source IP in fixed open-addressing arrays: no allocation per packet, bounded memory.
 * When all probed slots hold other sources, the least recently used of them is reused (its source
 * starts again with a full burst: bounded memory wins over exactness under a flood of spoofed sources).
 * Node thread only.
 */
public final class RateLimiter {
    private static final int SLOTS = 4096;
    private static final int PROBES = 4;

    private final long[] keys = new long[SLOTS];
    private final long[] tokensMilli = new long[SLOTS];
    private final long[] lastMs = new long[SLOTS];
    private final long refillPerSecond;
    private final long burstMilli;

    public RateLimiter(final int perSecond, final int burst) {
        this.refillPerSecond = perSecond;
        this.burstMilli = burst * 1000L;
    }

    /** Takes one token for {@code source}'s IP; false when the source is over its rate. */
    public boolean tryAcquire(final InetSocketAddress source, final long nowMs) {
        // InetAddress.hashCode is the IPv4 address itself (IPv6: a hash of the 16 bytes): no allocation.
        final long key = (source.getAddress().hashCode() & 0xFFFF_FFFFL) | (1L << 40);
        final int home = (int) (mix(key) & (SLOTS - 1));
        int slot = -1;
        int oldest = home;
        for (int p = 0; p < PROBES; p++) {
            final int s = (home + p) & (SLOTS - 1);
            if (keys[s] == key) {
                slot = s;
                break;
            }
            if (keys[s] == 0) {
                slot = s;
                keys[s] = key;
                tokensMilli[s] = burstMilli;
                lastMs[s] = nowMs;
                break;
            }
            if (lastMs[s] < lastMs[oldest]) {
                oldest = s;
            }
        }
        if (slot < 0) {
            slot = oldest;
            keys[slot] = key;
            tokensMilli[slot] = burstMilli;
            lastMs[slot] = nowMs;
        }
        final long elapsed = Math.max(0, nowMs - lastMs[slot]);
        long tokens = Math.min(burstMilli, tokensMilli[slot] + elapsed * refillPerSecond);
        lastMs[slot] = nowMs;
        if (tokens < 1000) {
            tokensMilli[slot] = tokens;
            return false;
        }
        tokensMilli[slot] = tokens - 1000;
        return true;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }
}
