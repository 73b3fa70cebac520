package chisme.node.sharedstate;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/** Shared-state counters: any thread may add (hook runners run on virtual threads), any thread reads. */
public final class SharedStateCounters {
    private static final SharedStateCounter[] IDS = SharedStateCounter.values();
    private final AtomicLongArray values = new AtomicLongArray(IDS.length);

    public void increment(final SharedStateCounter id) {
        values.getAndIncrement(id.ordinal());
    }

    public void add(final SharedStateCounter id, final long delta) {
        values.getAndAdd(id.ordinal(), delta);
    }

    public long get(final SharedStateCounter id) {
        return values.get(id.ordinal());
    }

    /** All counters by id. */
    public Map<SharedStateCounter, Long> snapshot() {
        final Map<SharedStateCounter, Long> m = new EnumMap<>(SharedStateCounter.class);
        for (final SharedStateCounter id : IDS) {
            m.put(id, values.get(id.ordinal()));
        }
        return m;
    }
}
