package chisme.node.daemon;

import chisme.node.config.LogLevel;

import java.io.PrintStream;
import java.time.Instant;

/** The daemon's few stderr lines (start, stop, failures); hot paths use counters, not this. */
public final class DaemonLog {
    private final PrintStream out;
    private final LogLevel level;

    public DaemonLog(final PrintStream out, final LogLevel level) {
        this.out = out;
        this.level = level;
    }

    public boolean enabled(final LogLevel l) {
        return level.enables(l);
    }

    public void log(final LogLevel l, final String message) {
        if (level.enables(l)) {
            out.println(Instant.now() + " " + l + " " + message);
            out.flush();
        }
    }

    public void info(final String message) {
        log(LogLevel.INFO, message);
    }

    public void warn(final String message) {
        log(LogLevel.WARN, message);
    }

    public void error(final String message) {
        log(LogLevel.ERROR, message);
    }

    /** An error with its full stack trace (always written: errors are never filtered out). */
    public void error(final String message, final Throwable t) {
        synchronized (out) {
            out.println(Instant.now() + " " + LogLevel.ERROR + " " + message + ": " + t);
            t.printStackTrace(out);
            out.flush();
        }
    }
}
