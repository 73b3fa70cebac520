package chisme.node.sharedstate;

/**
 * Hybrid logical clock (Kulkarni, Demirbas et al., "Logical Physical Clocks", OPODIS 2014): a 64-bit
 * version = 48 bits of wall milliseconds ({@code l}) and a 16-bit counter ({@code c}). It never goes
 * backwards, stays close to wall time, and is above every version this node has seen, so an edit made
 * after seeing another edit orders after it even when wall clocks disagree. Ties between authors are
 * broken by author id (see {@link BookOrder}). Node thread only.
 * <p>
 * Bounded (issue 12): a remote version whose wall part is more than {@code maxAheadMs} past our wall
 * clock is refused by {@link #accept} and never reaches {@code l}, so one forged book dated 2100 (or
 * 2^64-1) can neither date every later edit in 2100 nor wrap the clock to 0 and roll edits back. A wall
 * clock before {@link #CLOCK_FLOOR_MS} (a router without RTC booting in 1970) is known to be wrong and is
 * read as the floor for this check; such a node still issues versions above its own older ones because
 * an edit first observes the version it replaces. The paper's own guard is the same idea: reject a
 * message whose clock is more than epsilon ahead (section 4, "bounded clock drift").
 */
public final class HybridLogicalClock {
    private static final int COUNTER_BITS = 16;
    private static final long COUNTER_MASK = (1L << COUNTER_BITS) - 1;
    private static final long WALL_MASK = (1L << 48) - 1;
    /** 2026-01-01T00:00:00Z: no chisme build is older, so a wall clock before it is wrong. */
    public static final long CLOCK_FLOOR_MS = 1_767_225_600_000L;

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

    /**
     * Observes a remote version unless it is more than {@code maxAheadMs} ahead of our wall clock (read as
     * at least {@link #CLOCK_FLOOR_MS}).
     *
     * @return false when refused: the caller drops the book and counts it
     */
    public boolean accept(final long remoteVersion, final long wallMs, final long maxAheadMs) {
        if (tooFarAhead(remoteVersion, wallMs, maxAheadMs)) {
            return false;
        }
        observe(remoteVersion, wallMs);
        return true;
    }

    /** True when {@code version} is dated more than {@code maxAheadMs} past {@code wallMs} (floored). */
    public static boolean tooFarAhead(final long version, final long wallMs, final long maxAheadMs) {
        final long reference = Math.max(wallMs & WALL_MASK, CLOCK_FLOOR_MS);
        return wallOf(version) > reference + maxAheadMs;
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
            if (l == WALL_MASK) {
                // Year 10889: unreachable with bounded remote versions, but never wrap to 0 (issue 12).
                throw new IllegalStateException("version clock exhausted");
            }
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
