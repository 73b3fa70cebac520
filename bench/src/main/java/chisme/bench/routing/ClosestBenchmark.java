package chisme.bench.routing;

import chisme.node.routing.Contact;
import chisme.node.routing.RoutingTable;
import chisme.wire.NodeId;
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

import java.net.InetSocketAddress;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * closest-20 (the FIND_NODE answer) on a table filled from 10,000 random verified contacts, to a
 * pre-generated random target per operation. Goal: at most 2 us/op and no allocation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ClosestBenchmark {
    private static final int TARGETS = 4096;

    private RoutingTable table;
    private final long[] targetHi = new long[TARGETS];
    private final long[] targetMid = new long[TARGETS];
    private final int[] targetLo = new int[TARGETS];
    private final Contact[] out = new Contact[20];
    private int next;

    @Setup
    public void setup() {
        final SplittableRandom random = new SplittableRandom(2026);
        table = filledTable(random, 10_000);
        for (int i = 0; i < TARGETS; i++) {
            targetHi[i] = random.nextLong();
            targetMid[i] = random.nextLong();
            targetLo[i] = random.nextInt();
        }
    }

    /** A default table (k = 20) fed {@code contacts} verified random ids at distinct 127.x.y.z addresses. */
    static RoutingTable filledTable(final SplittableRandom random, final int contacts) {
        final RoutingTable t = new RoutingTable(NodeId.random(random));
        for (int i = 1; i <= contacts; i++) {
            final InetSocketAddress address = new InetSocketAddress("127." + ((i >> 16) & 0xFF) + "." + ((i >> 8) & 0xFF) + "." + (i & 0xFF), 4000);
            t.onMessage(NodeId.random(random), address, true, i);
        }
        return t;
    }

    @Benchmark
    public int closest20() {
        final int i = next++ & (TARGETS - 1);
        return table.closest(targetHi[i], targetMid[i], targetLo[i], 20, out);
    }
}
