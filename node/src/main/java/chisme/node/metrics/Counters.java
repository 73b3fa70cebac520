package chisme.node.metrics;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The node's counters, indexed by {@link CounterId}. Written by the node thread only (single writer:
 * plain read then release store, no lock, no allocation); readable from any thread.
 */
public final class Counters {
    private static final CounterId[] IDS = CounterId.values();
    private final AtomicLongArray values = new AtomicLongArray(IDS.length);

    /** Adds one. Node thread only. */
    public void increment(final CounterId id) {
        final int i = id.ordinal();
        values.setRelease(i, values.getPlain(i) + 1);
    }

    /** Adds {@code delta}. Node thread only. */
    public void add(final CounterId id, final long delta) {
        final int i = id.ordinal();
        values.setRelease(i, values.getPlain(i) + delta);
    }

    /** Current value; any thread. */
    public long get(final CounterId id) {
        return values.getAcquire(id.ordinal());
    }

    /** A copy of every counter, in declaration order; any thread. */
    public Map<CounterId, Long> snapshot() {
        final Map<CounterId, Long> out = new EnumMap<>(CounterId.class);
        for (final CounterId id : IDS) {
            out.put(id, get(id));
        }
        return out;
    }
}
