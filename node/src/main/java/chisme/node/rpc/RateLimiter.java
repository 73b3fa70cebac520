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
    private static final int INITIAL_SLOTS = 64;
    private static final int PROBES = 4;

    // The table starts small and doubles up to SLOTS as sources appear (a node hears from a few hundred
    // peers, and 4096 slots x 3 longs = 96 KB per node was a third of a simulated node's heap). It grows
    // when half full or when a new source finds no free slot within PROBES, so a source is only evicted
    // once the table is at its full SLOTS, as before. Growth allocates, but only while the set of sources
    // grows: at most log2(SLOTS / INITIAL_SLOTS) = 6 times per node.
    private long[] keys = new long[INITIAL_SLOTS];
    private long[] tokensMilli = new long[INITIAL_SLOTS];
    private long[] lastMs = new long[INITIAL_SLOTS];
    private int used;
    private final long refillPerSecond;
    private final long burstMilli;

    public RateLimiter(final int perSecond, final int burst) {
        this.refillPerSecond = perSecond;
        this.burstMilli = burst * 1000L;
    }

    /** Slots the table holds now (grows up to 4096). */
    int slots() {
        return keys.length;
    }

    /** Takes one token for {@code source}'s IP; false when the source is over its rate. */
    public boolean tryAcquire(final InetSocketAddress source, final long nowMs) {
        // InetAddress.hashCode is the IPv4 address itself (IPv6: a hash of the 16 bytes): no allocation.
        return tryAcquire((source.getAddress().hashCode() & 0xFFFF_FFFFL) | (1L << 40), nowMs);
    }

    /** Takes one token for {@code key} (any non-zero long: an address or a {@link SourcePrefix}); false when over its rate. */
    public boolean tryAcquire(final long key, final long nowMs) {
        int slot = find(key);
        if (slot < 0) {
            if (keys.length < SLOTS && 2 * (used + 1) > keys.length) {
                grow();
            }
            while (keys.length < SLOTS && !hasFreeProbe(key)) {
                grow();
            }
            slot = claim(key, nowMs);
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

    private int find(final long key) {
        final int mask = keys.length - 1;
        final int home = (int) (mix(key) & mask);
        for (int p = 0; p < PROBES; p++) {
            final int s = (home + p) & mask;
            if (keys[s] == key) {
                return s;
            }
            if (keys[s] == 0) {
                return -1;
            }
        }
        return -1;
    }

    private boolean hasFreeProbe(final long key) {
        final int mask = keys.length - 1;
        final int home = (int) (mix(key) & mask);
        for (int p = 0; p < PROBES; p++) {
            if (keys[(home + p) & mask] == 0) {
                return true;
            }
        }
        return false;
    }

    /** Puts a new source with a full burst in a free probed slot, else over the least recently used probed slot. */
    private int claim(final long key, final long nowMs) {
        final int mask = keys.length - 1;
        final int home = (int) (mix(key) & mask);
        int slot = -1;
        int oldest = home;
        for (int p = 0; p < PROBES; p++) {
            final int s = (home + p) & mask;
            if (keys[s] == 0) {
                slot = s;
                used++;
                break;
            }
            if (lastMs[s] < lastMs[oldest]) {
                oldest = s;
            }
        }
        if (slot < 0) {
            slot = oldest;
        }
        keys[slot] = key;
        tokensMilli[slot] = burstMilli;
        lastMs[slot] = nowMs;
        return slot;
    }

    /** Doubles the table (again while some source finds no free probe in it, up to SLOTS) and re-inserts. */
    private void grow() {
        final long[] oldKeys = keys;
        final long[] oldTokens = tokensMilli;
        final long[] oldLast = lastMs;
        int n = oldKeys.length * 2;
        while (!rehash(oldKeys, oldTokens, oldLast, n, n == SLOTS)) {
            n *= 2;
        }
    }

    private boolean rehash(final long[] oldKeys, final long[] oldTokens, final long[] oldLast, final int n, final boolean last) {
        keys = new long[n];
        tokensMilli = new long[n];
        lastMs = new long[n];
        used = 0;
        final int mask = n - 1;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] == 0) {
                continue;
            }
            final int home = (int) (mix(oldKeys[i]) & mask);
            boolean placed = false;
            for (int p = 0; p < PROBES && !placed; p++) {
                final int s = (home + p) & mask;
                if (keys[s] == 0) {
                    keys[s] = oldKeys[i];
                    tokensMilli[s] = oldTokens[i];
                    lastMs[s] = oldLast[i];
                    used++;
                    placed = true;
                }
            }
            if (!placed && !last) {
                return false;
            }
            // At SLOTS a source with no free probe is forgotten and starts again with a full burst, as an
            // evicted source does in a full table.
        }
        return true;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }
}
