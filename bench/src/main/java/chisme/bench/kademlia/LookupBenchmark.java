package chisme.bench.kademlia;

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
 * Session 6: what one iterative FIND_NODE allocates on the node thread ({@link LookupHarness}: the production
 * engine, 1,000 synthetic nodes in 100 /24s). Run with {@code -prof gc}: gc.alloc.rate.norm is the allocation
 * per lookup; the tear-down prints the NODES replies each lookup merged, to divide by.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class LookupBenchmark {
    private LookupHarness harness;

    @Setup(Level.Trial)
    public void setUp() {
        harness = new LookupHarness();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        System.out.printf("%nLookupBenchmark: %.2f NODES replies merged per lookup%n", harness.repliesPerLookup());
    }

    /** One lookup answered to its end; returns the contacts found (k). */
    @Benchmark
    public int findNode() {
        return harness.lookup();
    }
}
