package chisme.node.sharedstate;

/**
 * Hybrid logical clock (Kulkarni, Demirbas et al., "Logical Physical Clocks", OPODIS 2014): a 64-bit
 * version = 48 bits of wall milliseconds ({@code l}) and a 16-bit counter ({@code c}). It never goes
 * backwards, stays close to wall time, and is above every version this node has seen, so an edit made
 * after seeing another edit orders after it even when wall clocks disagree. Ties between authors are
 * broken by author id (see {@link BookOrder}). Node thread only.
 */
public final class HybridLogicalClock {
    private static final int COUNTER_BITS = 16;
    private static final long COUNTER_MASK = (1L << COUNTER_BITS) - 1;
    private static final long WALL_MASK = (1L << 48) - 1;

    private long l;
    private long c;

    /** A new version for a local edit at wall time {@code wallMs}. */
    public long tick(final long wallMs) {
        final long pt = wallMs & WALL_MASK;
        if (pt > l) {
            l = pt;
            c = 0;
        } else {
            bump();
        }
        return version();
    }

    /** Merges a version seen from a peer (receive rule of the paper), so later local edits order after it. */
    public void observe(final long remoteVersion, final long wallMs) {
        final long rl = wallOf(remoteVersion);
        final long rc = counterOf(remoteVersion);
        final long pt = wallMs & WALL_MASK;
        final long nl = Math.max(Math.max(l, rl), pt);
        if (nl == l && nl == rl) {
            c = Math.max(c, rc);
        } else if (nl == rl) {
            l = nl;
            c = rc;
        } else if (nl != l) {
            l = nl;
            c = 0;
        }
        // Unlike a send/receive event, observing creates no event of its own: the next tick() bumps c.
    }

    private void bump() {
        if (c == COUNTER_MASK) {
            // Counter overflow: borrow one millisecond from the future rather than wrap (still monotonic).
            l++;
            c = 0;
        } else {
            c++;
        }
    }

    /** The last version issued or observed. */
    public long version() {
        return (l << COUNTER_BITS) | c;
    }

    /** Wall-millisecond part of a version. */
    public static long wallOf(final long version) {
        return version >>> COUNTER_BITS;
    }

    /** Counter part of a version. */
    public static long counterOf(final long version) {
        return version & COUNTER_MASK;
    }
}
