package chisme.node.event;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded ring of recent events (joins, lookups with hop counts, stores, expiries, drops with
 * reasons). Written from the node thread on slow paths only (never per datagram: hot paths use
 * {@link chisme.node.metrics.Counters}); read by the CLI's {@code logs}, which follows new events with
 * {@link #await(long, long)} ({@code logs -f}). Thread-safe; the oldest events are overwritten.
 */
public final class EventLog {
    private final Event[] ring;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition appended = lock.newCondition();
    private long lastSequence;

    /** @param capacity how many recent events are kept (at least 1) */
    public EventLog(final int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1: " + capacity);
        }
        this.ring = new Event[capacity];
    }

    /** Records an event and wakes followers. */
    public void record(final long timeMs, final EventType type, final String message) {
        lock.lock();
        try {
            final long seq = ++lastSequence;
            ring[(int) (seq % ring.length)] = new Event(seq, timeMs, type, message);
            appended.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Sequence number of the newest event, 0 when none. */
    public long lastSequence() {
        lock.lock();
        try {
            return lastSequence;
        } finally {
            lock.unlock();
        }
    }

    /** Events with a sequence above {@code afterSequence} still in the ring, oldest first. */
    public List<Event> since(final long afterSequence) {
        lock.lock();
        try {
            final long first = Math.max(afterSequence + 1, Math.max(1, lastSequence - ring.length + 1));
            final List<Event> out = new ArrayList<>((int) Math.max(0, lastSequence - first + 1));
            for (long s = first; s <= lastSequence; s++) {
                out.add(ring[(int) (s % ring.length)]);
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** The most recent {@code n} events, oldest first. */
    public List<Event> recent(final int n) {
        return since(Math.max(0, lastSequence() - n));
    }

    /**
     * Waits up to {@code timeoutMs} for events after {@code afterSequence} and returns them (empty on
     * timeout). For {@code logs -f}: call again with the last sequence seen.
     */
    public List<Event> await(final long afterSequence, final long timeoutMs) throws InterruptedException {
        lock.lock();
        try {
            long remainingNs = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            while (lastSequence <= afterSequence && remainingNs > 0) {
                remainingNs = appended.awaitNanos(remainingNs);
            }
        } finally {
            lock.unlock();
        }
        return since(afterSequence);
    }

    public int capacity() {
        return ring.length;
    }
}
