package chisme.store;

import chisme.wire.NodeId;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Heap {@link TupleStore} with the same quotas and semantics as {@link ChronicleTupleStore}, for the
 * simulator (thousands of nodes in one JVM) and unit tests. Not persisted. Not thread-safe: owned by one
 * thread like the node that uses it. Values are copied on put; returned tuples must not be mutated.
 */
public final class InMemoryTupleStore implements TupleStore {
    private final HashMap<NodeId, Tuple> tuples = new HashMap<>();
    private final int maxTuples;
    private final long maxTupleBytes;
    private final int maxValueBytes;
    private long bytes;

    /** A store limited by the tuple settings of {@code config} (its data directory is ignored). */
    public InMemoryTupleStore(final StoreConfig config) {
        config.conclude();
        this.maxTuples = config.maxTuples();
        this.maxTupleBytes = config.maxTupleBytes();
        this.maxValueBytes = config.maxValueBytes();
    }

    /** A store holding at most {@code maxTuples} tuples and {@code maxTupleBytes} bytes (see {@link TupleLayout}). */
    public InMemoryTupleStore(final int maxTuples, final long maxTupleBytes, final int maxValueBytes) {
        this(new StoreConfig().maxTuples(maxTuples).maxTupleBytes(maxTupleBytes).maxValueBytes(maxValueBytes)
            .averageValueBytes(Math.min(256, maxValueBytes)));
    }

    /**
     * A store limited by entry count only: room for {@code maxTuples} tuples of the largest size. What the
     * simulator and most tests want (thousands of small stores in one JVM).
     */
    public static InMemoryTupleStore withCapacity(final int maxTuples, final int maxValueBytes) {
        return new InMemoryTupleStore(maxTuples, (long) maxTuples * TupleLayout.recordBytes(maxValueBytes), maxValueBytes);
    }

    @Override
    public StoreStatus put(final Tuple tuple) {
        final int length = tuple.value().length;
        if (length > maxValueBytes) {
            return StoreStatus.TOO_LARGE;
        }
        final Tuple old = tuples.get(tuple.key());
        final long oldBytes = old == null ? 0 : TupleLayout.recordBytes(old.value().length);
        final long newBytes = TupleLayout.recordBytes(length);
        if (old == null && tuples.size() >= maxTuples) {
            return StoreStatus.FULL;
        }
        if (bytes - oldBytes + newBytes > maxTupleBytes) {
            return StoreStatus.FULL;
        }
        tuples.put(tuple.key(), new Tuple(tuple.key(), tuple.value().clone(), tuple.publisher(), tuple.publishedAtMs(),
            tuple.expiresAtMs(), tuple.original(), tuple.lastStoreReceivedMs()));
        bytes += newBytes - oldBytes;
        return StoreStatus.OK;
    }

    @Override
    public Tuple get(final NodeId key) {
        return tuples.get(key);
    }

    /** Allocates (a byte[] and a Tuple): the allocation-free path is ChronicleTupleStore's. */
    @Override
    public StoreStatus put(final long hi, final long mid, final int lo, final DirectBuffer value, final int offset,
                           final int length, final long publisherHi, final long publisherMid, final int publisherLo,
                           final long publishedAtMs, final long expiresAtMs, final boolean original,
                           final long lastStoreReceivedMs) {
        final byte[] v = new byte[length];
        value.getBytes(offset, v);
        return put(new Tuple(new NodeId(hi, mid, lo), v, new NodeId(publisherHi, publisherMid, publisherLo), publishedAtMs,
            expiresAtMs, original, lastStoreReceivedMs));
    }

    @Override
    public boolean readMeta(final long hi, final long mid, final int lo, final TupleMeta meta) {
        final Tuple t = tuples.get(new NodeId(hi, mid, lo));
        if (t == null) {
            return false;
        }
        meta.set(t);
        return true;
    }

    @Override
    public int getValue(final long hi, final long mid, final int lo, final long nowMs, final MutableDirectBuffer dst,
                        final int offset) {
        return getValue(hi, mid, lo, nowMs, dst, offset, null);
    }

    @Override
    public int getValue(final long hi, final long mid, final int lo, final long nowMs, final MutableDirectBuffer dst,
                        final int offset, final TupleMeta meta) {
        // Allocates one NodeId per call; the allocation-free path is ChronicleTupleStore's.
        final Tuple t = tuples.get(new NodeId(hi, mid, lo));
        if (t == null || t.expiresAtMs() <= nowMs) {
            return -1;
        }
        final int length = t.value().length;
        if (offset < 0 || (long) offset + length > dst.capacity()) {
            return -2;
        }
        dst.putBytes(offset, t.value());
        if (meta != null) {
            meta.set(t);
        }
        return length;
    }

    @Override
    public boolean remove(final NodeId key) {
        final Tuple old = tuples.remove(key);
        if (old != null) {
            bytes -= TupleLayout.recordBytes(old.value().length);
            return true;
        }
        return false;
    }

    @Override
    public void forEach(final Consumer<Tuple> action) {
        for (final Tuple t : new ArrayList<>(tuples.values())) {
            action.accept(t);
        }
    }

    @Override
    public int expire(final long nowMs) {
        int removed = 0;
        for (final Iterator<Map.Entry<NodeId, Tuple>> it = tuples.entrySet().iterator(); it.hasNext(); ) {
            final Tuple t = it.next().getValue();
            if (t.expiresAtMs() <= nowMs) {
                it.remove();
                bytes -= TupleLayout.recordBytes(t.value().length);
                removed++;
            }
        }
        return removed;
    }

    @Override
    public int size() {
        return tuples.size();
    }

    @Override
    public long bytes() {
        return bytes;
    }

    @Override
    public int maxTuples() {
        return maxTuples;
    }

    @Override
    public long maxTupleBytes() {
        return maxTupleBytes;
    }

    @Override
    public int maxValueBytes() {
        return maxValueBytes;
    }

    @Override
    public void close() {
        tuples.clear();
        bytes = 0;
    }
}
