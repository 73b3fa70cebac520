package chisme.store;

import chisme.wire.NodeId;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hot paths must not allocate: measured with the JVM's per-thread allocation counter. */
class AllocationTest {
    @TempDir
    Path dir;

    private static final int KEYS = 1000;
    private static final int CALLS = 100_000;
    private static final int WARMUP = 200_000;

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    @Test
    void shouldGetValueAndPutFromBufferWithoutAllocating() {
        final StoreConfig config = new StoreConfig().dataDir(dir).maxTuples(10_000).maxBooks(100);
        try (Stores s = Stores.open(config)) {
            final ChronicleTupleStore store = s.tuples();
            final UnsafeBuffer src = new UnsafeBuffer(ByteBuffer.allocateDirect(200));
            final UnsafeBuffer dst = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));
            final long[] his = new long[KEYS];
            for (int i = 0; i < KEYS; i++) {
                his[i] = i * 0x9E3779B97F4A7C15L;
                src.putInt(0, i);
                assertEquals(StoreStatus.OK, store.put(his[i], i, i, src, 0, 200, 1, 2, 3, 0, Long.MAX_VALUE, false, 0));
            }
            long sink = 0;
            // Warm up so the JIT has compiled the paths measured below.
            for (int i = 0; i < WARMUP; i++) {
                final int k = i % KEYS;
                sink += store.getValue(his[k], k, k, 1, dst, 0);
                src.putInt(0, k);
                sink += store.put(his[k], k, k, src, 0, 200, 1, 2, 3, 0, Long.MAX_VALUE, false, i).ordinal();
            }
            final long before = allocatedBytes();
            final long getStart = System.nanoTime();
            for (int i = 0; i < CALLS; i++) {
                final int k = i % KEYS;
                sink += store.getValue(his[k], k, k, 1, dst, 0);
            }
            final long getBytes = allocatedBytes() - before;
            final long getNs = System.nanoTime() - getStart;
            final long beforePut = allocatedBytes();
            final long putStart = System.nanoTime();
            for (int i = 0; i < CALLS; i++) {
                final int k = i % KEYS;
                src.putInt(0, k);
                sink += store.put(his[k], k, k, src, 0, 200, 1, 2, 3, 0, Long.MAX_VALUE, false, i).ordinal();
            }
            final long putNs = System.nanoTime() - putStart;
            final long putBytes = allocatedBytes() - beforePut;
            System.out.printf("getValue %.1f B/op %.0f ns/op, put %.1f B/op %.0f ns/op%n", (double) getBytes / CALLS,
                (double) getNs / CALLS, (double) putBytes / CALLS, (double) putNs / CALLS);
            assertEquals((long) (WARMUP + CALLS) * 200, sink, "every get found its 200-byte value, every put OK");
            assertTrue(getBytes < CALLS, "getValue allocated " + (double) getBytes / CALLS + " B/op");
            assertTrue(putBytes < CALLS, "put(DirectBuffer) allocated " + (double) putBytes / CALLS + " B/op");
            // The metadata forms the node's FIND_VALUE and STORE handlers use allocate nothing either.
            final TupleMeta meta = new TupleMeta();
            final long beforeMeta = allocatedBytes();
            for (int i = 0; i < CALLS; i++) {
                final int k = i % KEYS;
                sink += store.getValue(his[k], k, k, 1, dst, 0, meta);
                sink += store.readMeta(his[k], k, k, meta) ? 1 : 0;
            }
            final long metaBytes = allocatedBytes() - beforeMeta;
            assertTrue(metaBytes < CALLS, "getValue(meta) + readMeta allocated " + (double) metaBytes / CALLS + " B/op");
            assertEquals(3, meta.publisherLo());
            // The value read back is the one written.
            store.getValue(his[5], 5, 5, 1, dst, 0);
            assertEquals(5, dst.getInt(0));
            assertEquals(new NodeId(1, 2, 3), store.get(new NodeId(his[5], 5, 5)).publisher());
        }
    }
}
