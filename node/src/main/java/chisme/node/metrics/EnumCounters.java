package chisme.node.metrics;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counters indexed by the constants of one enum, for parts of a node that run on threads of their own
 * (several writers: atomic adds); any thread reads.
 *
 * @param <E> the enum of counter ids
 */
public class EnumCounters<E extends Enum<E>> {
    private final E[] ids;
    private final AtomicLongArray values;

    public EnumCounters(final Class<E> type) {
        this.ids = type.getEnumConstants();
        this.values = new AtomicLongArray(ids.length);
    }

    public void increment(final E id) {
        values.getAndIncrement(id.ordinal());
    }

    public void add(final E id, final long delta) {
        values.getAndAdd(id.ordinal(), delta);
    }

    public long get(final E id) {
        return values.get(id.ordinal());
    }

    /** Every counter in declaration order. */
    public Map<E, Long> snapshot() {
        final Map<E, Long> m = new EnumMap<>(ids[0].getDeclaringClass());
        for (final E id : ids) {
            m.put(id, values.get(id.ordinal()));
        }
        return m;
    }
}
