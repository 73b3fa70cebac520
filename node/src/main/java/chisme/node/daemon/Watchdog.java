package chisme.node.daemon;

import chisme.node.transport.NodeAgent;

import java.util.function.BooleanSupplier;

/**
 * Notices a node thread that stopped making progress: its duty cycle advances {@link NodeAgent#progress()}
 * at least once a second (the longest idle wait), so no advance for {@code stallMs} means it is stuck in
 * one task (a deadlock, an endless loop, a blocking call). A thread that ended while the daemon was not
 * stopping is reported too. Either is fatal: the daemon cannot do its job and a restart is the cure.
 * Time is passed in ({@link #check(long)}), so tests drive it by hand.
 */
final class Watchdog {
    private final NodeAgent agent;
    private final long stallMs;
    private final BooleanSupplier stopping;
    private long lastProgress = -1;
    private long lastChangeMs;

    Watchdog(final NodeAgent agent, final long stallMs, final BooleanSupplier stopping) {
        this.agent = agent;
        this.stallMs = stallMs;
        this.stopping = stopping;
    }

    /** One look at {@code nowMs}: null when healthy, else the one-line reason the node must die. */
    String check(final long nowMs) {
        if (stopping.getAsBoolean()) {
            return null;
        }
        final Thread t = agent.thread();
        if (t == null) {
            return null;
        }
        if (!t.isAlive()) {
            final Throwable cause = agent.deathCause();
            return "node thread ended" + (cause == null ? "" : ": " + cause);
        }
        final long p = agent.progress();
        if (p != lastProgress) {
            lastProgress = p;
            lastChangeMs = nowMs;
            return null;
        }
        if (nowMs - lastChangeMs < stallMs) {
            return null;
        }
        final StringBuilder where = new StringBuilder();
        final StackTraceElement[] st = t.getStackTrace();
        for (int i = 0; i < Math.min(4, st.length); i++) {
            where.append(i == 0 ? "" : " < ").append(st[i]);
        }
        return "node thread made no progress for " + (nowMs - lastChangeMs) + " ms; stuck at " + where;
    }
}
