package chisme.node.kademlia;

/**
 * Smoothed round-trip time of lookup replies, as TCP keeps it for its retransmission timeout (RFC 6298,
 * section 2): SRTT and RTTVAR with gains 1/8 and 1/4, timeout = SRTT + 4 x RTTVAR. A lookup uses that value,
 * bounded to [{@link #MIN_STALL_MS}, {@code lookupStallMs}], as its stall: how long a request may stay
 * unanswered before the lookup stops waiting for it. Millisecond clock; node thread only; no allocation.
 */
final class RttEstimator {
    /** Floor of the stall: below it a GC pause or a busy core would stall live nodes for nothing. */
    static final long MIN_STALL_MS = 20;

    private boolean sampled;
    private double srttMs;
    private double rttvarMs;

    /** Records one measured round trip (RFC 6298 2.2 and 2.3). */
    void observe(final long rttMs) {
        final double r = Math.max(0, rttMs);
        if (!sampled) {
            sampled = true;
            srttMs = r;
            rttvarMs = r / 2;
        } else {
            rttvarMs = 0.75 * rttvarMs + 0.25 * Math.abs(srttMs - r);
            srttMs = 0.875 * srttMs + 0.125 * r;
        }
    }

    /** The stall to use now: SRTT + 4 x RTTVAR within [MIN_STALL_MS, maxMs]; {@code maxMs} before any sample. */
    long stallMs(final long maxMs) {
        if (!sampled) {
            return maxMs;
        }
        final long rto = (long) Math.ceil(srttMs + 4 * rttvarMs);
        return Math.min(maxMs, Math.max(MIN_STALL_MS, rto));
    }

    double srttMs() {
        return srttMs;
    }

    double rttvarMs() {
        return rttvarMs;
    }
}
