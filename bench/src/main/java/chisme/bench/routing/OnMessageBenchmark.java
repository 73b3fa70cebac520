package chisme.bench.routing;

import chisme.node.routing.Contact;
import chisme.node.routing.RoutingTable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * onMessage from a known contact (the per-datagram routing update): address lookup, id check,
 * move to the bucket tail. Contacts are cycled in a shuffled order; the table is the 10,000-contact
 * one of {@link ClosestBenchmark}. Goal: no allocation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class OnMessageBenchmark {
    private RoutingTable table;
    private Contact[] known;
    private int next;
    private long nowMs = 1_000_000;

    @Setup
    public void setup() {
        final SplittableRandom random = new SplittableRandom(2027);
        table = ClosestBenchmark.filledTable(random, 10_000);
        known = table.snapshot().toArray(new Contact[0]);
        for (int i = known.length - 1; i > 0; i--) {
            final int j = random.nextInt(i + 1);
            final Contact c = known[i];
            known[i] = known[j];
            known[j] = c;
        }
    }

    @Benchmark
    public int knownContactVerified() {
        final Contact c = known[next];
        next = next + 1 == known.length ? 0 : next + 1;
        return table.onMessage(c.hi(), c.mid(), c.lo(), c.address(), true, nowMs++).code();
    }
}
