package chisme.bench.kademlia;

import chisme.store.StoreConfig;
import chisme.store.Stores;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Issue 15: the FIND_VALUE and STORE handlers end to end through the real dispatcher and engine on the
 * production Chronicle store, next to FIND_NODE's (the baseline, allocation-free since issue 3). Run with
 * {@code -prof gc}: gc.alloc.rate.norm is the allocation per answered request.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RequestHandlerBenchmark {
    private Stores stores;
    private HandlerHarness harness;

    @Setup(Level.Trial)
    public void setUp() {
        stores = Stores.openTemporary(new StoreConfig().maxTuples(1_000).maxBooks(100));
        harness = new HandlerHarness(stores.tuples(), 200);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        stores.close();
    }

    /** Baseline: NODES with the 20 closest of 200 contacts. */
    @Benchmark
    public int findNode() {
        return harness.findNode();
    }

    /** VALUE of 200 bytes copied from the store into the reply. */
    @Benchmark
    public int findValue() {
        return harness.findValue();
    }

    /** STORE of 200 bytes over the same key (token, SHA-1 and quota checked), STORE_RESULT OK. */
    @Benchmark
    public int store() {
        return harness.store();
    }
}
