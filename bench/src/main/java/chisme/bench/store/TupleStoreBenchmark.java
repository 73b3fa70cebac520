package chisme.bench.store;

import chisme.store.ChronicleTupleStore;
import chisme.store.StoreConfig;
import chisme.store.StoreStatus;
import chisme.store.Stores;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * Hot path of the tuple store on a real persisted Chronicle Map: getValue and put of a 200-byte value by
 * 20-byte key through the context API with reused off-heap buffers. Goal: gc.alloc.rate.norm below 1 B/op
 * and at least 1,000,000 gets/s on one thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TupleStoreBenchmark {
    static final int KEYS = 10_000;
    static final int VALUE_BYTES = 200;

    private Stores stores;
    private ChronicleTupleStore store;
    private final long[] his = new long[KEYS];
    private final UnsafeBuffer src = new UnsafeBuffer(ByteBuffer.allocateDirect(VALUE_BYTES));
    private final UnsafeBuffer dst = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));
    private int next;
    private long nowMs;

    @Setup(Level.Trial)
    public void setUp() {
        stores = Stores.openTemporary(new StoreConfig().maxTuples(20_000).maxBooks(100));
        store = stores.tuples();
        for (int i = 0; i < KEYS; i++) {
            his[i] = i * 0x9E3779B97F4A7C15L;
            src.putInt(0, i);
            if (store.put(his[i], i, i, src, 0, VALUE_BYTES, 1, 2, 3, 0, Long.MAX_VALUE, false, 0) != StoreStatus.OK) {
                throw new IllegalStateException("setup put failed");
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        stores.close();
    }

    @Benchmark
    public int getValue() {
        final int k = next++ & (8192 - 1);
        return store.getValue(his[k], k, k, nowMs, dst, 0);
    }

    @Benchmark
    public StoreStatus put() {
        final int k = next++ & (8192 - 1);
        return store.put(his[k], k, k, src, 0, VALUE_BYTES, 1, 2, 3, 0, Long.MAX_VALUE, false, ++nowMs);
    }
}
