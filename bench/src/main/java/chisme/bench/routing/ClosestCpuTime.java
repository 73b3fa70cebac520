package chisme.bench.routing;

import chisme.node.routing.Contact;
import chisme.node.routing.RoutingTable;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.SplittableRandom;

/**
 * Thread CPU time per closest-n call on the 10,000-contact table of {@link ClosestBenchmark}. JMH
 * reports wall time, which on the shared 2-core build machine includes time the thread spent
 * descheduled; CPU time is the figure to compare against the 2 us goal there.
 * <pre>
 *   java -cp bench/target-routing/benchmarks.jar chisme.bench.routing.ClosestCpuTime [n] [rounds]
 * </pre>
 */
public final class ClosestCpuTime {
    private ClosestCpuTime() {
    }

    public static void main(final String[] args) {
        final int n = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        final int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        final SplittableRandom random = new SplittableRandom(2026);
        final RoutingTable table = ClosestBenchmark.filledTable(random, 10_000);
        final long[] hi = new long[4096];
        final long[] mid = new long[4096];
        final int[] lo = new int[4096];
        for (int i = 0; i < hi.length; i++) {
            hi[i] = random.nextLong();
            mid[i] = random.nextLong();
            lo[i] = random.nextInt();
        }
        final Contact[] out = new Contact[n];
        final ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        final int calls = 2_000_000;
        long sink = 0;
        System.out.printf("table: %d contacts in %d buckets; closest-%d, %d calls per round%n",
            table.size(), table.bucketCount(), n, calls);
        for (int round = 0; round < rounds; round++) {
            final long cpu0 = bean.getCurrentThreadCpuTime();
            final long wall0 = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                final int t = i & 4095;
                sink += table.closest(hi[t], mid[t], lo[t], n, out);
            }
            final long cpu = bean.getCurrentThreadCpuTime() - cpu0;
            final long wall = System.nanoTime() - wall0;
            System.out.printf("round %d: cpu %.1f ns/op, wall %.1f ns/op%n", round, cpu / (double) calls, wall / (double) calls);
        }
        if (sink != (long) n * calls * rounds) {
            throw new IllegalStateException("closest returned fewer than " + n + " contacts");
        }
    }
}
