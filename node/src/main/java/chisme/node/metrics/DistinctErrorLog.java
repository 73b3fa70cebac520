package chisme.node.metrics;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The node's error handler, after Agrona's {@code ErrorHandler} + {@code DistinctErrorLog}: every unexpected
 * {@link Throwable} is counted, and the first of each distinct kind (same class, same stack, same causes) is
 * written with its full stack trace. Repeats of a kind within {@link #QUIET_MS} are only counted; the count
 * goes out with the next report of that kind, so a packet flood that trips a bug cannot flood the log
 * while no fault ever vanishes. Thread-safe (the node thread and admin threads report).
 */
public final class DistinctErrorLog implements Consumer<Throwable> {
    /** Same kind of fault written at most once per this interval. */
    public static final long QUIET_MS = 60_000;
    /** Distinct kinds remembered; past this the table is cleared (bounded memory, not a leak). */
    static final int MAX_KINDS = 64;

    /** Where reports go: a message line and the throwable whose stack is to be written. */
    @FunctionalInterface
    public interface Sink {
        void write(String message, Throwable t);
    }

    /** Writes to standard error (what a host without a daemon log uses, so nothing is ever swallowed). */
    public static final Sink STDERR = (message, t) -> {
        final PrintStream err = System.err;
        synchronized (err) {
            err.println(message + ": " + t);
            t.printStackTrace(err);
        }
    };

    private final LongSupplier nowMs;
    private volatile Sink sink;
    private final Map<Kind, long[]> lastAndSuppressed = new HashMap<>();
    private long errors;
    private long written;

    public DistinctErrorLog(final LongSupplier nowMs, final Sink sink) {
        this.nowMs = nowMs;
        this.sink = sink;
    }

    /** Redirects reports (the daemon sends them to its log). */
    public void sink(final Sink s) {
        this.sink = s;
    }

    @Override
    public void accept(final Throwable t) {
        final long suppressed;
        synchronized (this) {
            errors++;
            final Kind kind = new Kind(t);
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
            suppressed = state[1];
            state[0] = now;
            state[1] = 0;
            written++;
        }
        sink.write("unexpected error on the node thread (the node goes on)"
            + (suppressed > 0 ? "; " + suppressed + " more like it since the last report" : ""), t);
    }

    /** Throwables reported so far, written or not. */
    public synchronized long errors() {
        return errors;
    }

    /** Reports written with their stack so far. */
    public synchronized long written() {
        return written;
    }

    /** A fault's identity: its class and whole stack, and its causes' (DistinctErrorLog compares the same). */
    private static final class Kind {
        private final String[] classes;
        private final StackTraceElement[][] stacks;
        private final int hash;

        Kind(final Throwable t) {
            int depth = 0;
            for (Throwable c = t; c != null && depth < 8; c = c.getCause() == c ? null : c.getCause()) {
                depth++;
            }
            classes = new String[depth];
            stacks = new StackTraceElement[depth][];
            Throwable c = t;
            for (int i = 0; i < depth; i++) {
                classes[i] = c.getClass().getName();
                stacks[i] = c.getStackTrace();
                c = c.getCause();
            }
            hash = 31 * Arrays.hashCode(classes) + Arrays.deepHashCode(stacks);
        }

        @Override
        public boolean equals(final Object o) {
            return o instanceof Kind k && hash == k.hash && Arrays.equals(classes, k.classes) && Arrays.deepEquals(stacks, k.stacks);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
