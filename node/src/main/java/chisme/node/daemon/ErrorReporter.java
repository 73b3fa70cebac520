package chisme.node.daemon;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Agrona-style error handler for the node thread: an unexpected exception is logged once with its stack
 * trace, never swallowed; repeats of the same fault (same class, same throwing frame) within
 * {@link #QUIET_MS} are only counted, and the count is printed with the next report, so a packet flood
 * that trips a bug cannot flood the log. Thread-safe (the node thread and the admin threads report).
 */
final class ErrorReporter implements Consumer<Throwable> {
    /** Same fault reported at most once per this interval. */
    static final long QUIET_MS = 60_000;
    /** Distinct faults remembered; past this the table is cleared (a bounded memory, not a leak). */
    static final int MAX_KINDS = 64;

    private final DaemonLog log;
    private final LongSupplier nowMs;
    private final Map<String, long[]> lastAndSuppressed = new HashMap<>();
    private long reported;

    ErrorReporter(final DaemonLog log, final LongSupplier nowMs) {
        this.log = log;
        this.nowMs = nowMs;
    }

    @Override
    public synchronized void accept(final Throwable t) {
        final String kind = kind(t);
        final long now = nowMs.getAsLong();
        long[] state = lastAndSuppressed.get(kind);
        if (state != null && now - state[0] < QUIET_MS) {
            state[1]++;
            return;
        }
        if (state == null) {
            if (lastAndSuppressed.size() >= MAX_KINDS) {
                lastAndSuppressed.clear();
            }
            state = new long[2];
            lastAndSuppressed.put(kind, state);
        }
        final long suppressed = state[1];
        state[0] = now;
        state[1] = 0;
        reported++;
        log.error("unexpected error on the node thread (the node goes on)"
            + (suppressed > 0 ? "; " + suppressed + " more like it since the last report" : ""), t);
    }

    /** Reports written so far (tests). */
    synchronized long reported() {
        return reported;
    }

    private static String kind(final Throwable t) {
        final StackTraceElement[] st = t.getStackTrace();
        return t.getClass().getName() + (st.length > 0 ? "@" + st[0] : "");
    }
}
