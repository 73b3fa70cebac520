package chisme.node.sim;

import chisme.store.StoreStatus;
import chisme.store.Tuple;
import chisme.store.TupleStore;
import chisme.wire.NodeId;
import org.agrona.MutableDirectBuffer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A heap-backed {@link TupleStore} with an entry cap, for the simulator (thousands of nodes in one JVM)
 * and tests. Single-threaded like the node that owns it. The daemon uses the store module's Chronicle Map
 * store instead.
 */
public final class SimTupleStore implements TupleStore {
    private final Map<NodeId, Tuple> tuples = new HashMap<>();
    private final int maxEntries;
    private final int maxValueBytes;

    public SimTupleStore(final int maxEntries, final int maxValueBytes) {
        this.maxEntries = maxEntries;
        this.maxValueBytes = maxValueBytes;
    }

    @Override
    public StoreStatus put(final Tuple tuple) {
        if (tuple.value().length > maxValueBytes) {
            return StoreStatus.TOO_LARGE;
        }
        if (!tuples.containsKey(tuple.key()) && tuples.size() >= maxEntries) {
            return StoreStatus.FULL;
        }
        tuples.put(tuple.key(), tuple);
        return StoreStatus.OK;
    }

    @Override
    public Tuple get(final NodeId key) {
        return tuples.get(key);
    }

    @Override
    public int getValue(final long hi, final long mid, final int lo, final long nowMs, final MutableDirectBuffer dst, final int offset) {
        final Tuple t = tuples.get(new NodeId(hi, mid, lo));
        if (t == null || t.expiresAtMs() <= nowMs) {
            return -1;
        }
        if (offset + t.value().length > dst.capacity()) {
            return -2;
        }
        dst.putBytes(offset, t.value());
        return t.value().length;
    }

    @Override
    public boolean remove(final NodeId key) {
        return tuples.remove(key) != null;
    }

    @Override
    public void forEach(final Consumer<Tuple> action) {
        for (final Tuple t : new ArrayList<>(tuples.values())) {
            action.accept(t);
        }
    }

    @Override
    public int expire(final long nowMs) {
        final int before = tuples.size();
        tuples.values().removeIf(t -> t.expiresAtMs() <= nowMs);
        return before - tuples.size();
    }

    @Override
    public int size() {
        return tuples.size();
    }

    @Override
    public int maxValueBytes() {
        return maxValueBytes;
    }

    @Override
    public void close() {
        tuples.clear();
    }
}
