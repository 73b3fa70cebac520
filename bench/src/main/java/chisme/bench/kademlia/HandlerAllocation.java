package chisme.bench.kademlia;

import chisme.store.StoreConfig;
import chisme.store.Stores;

import java.lang.management.ManagementFactory;
import java.util.function.IntSupplier;

/**
 * Bytes allocated per answered request, counted exactly by the thread's allocation counter (no JMH
 * bookkeeping mixed in): FIND_NODE, FIND_VALUE and STORE through {@link HandlerHarness} on a Chronicle store,
 * 300,000 warm-up then 1,000,000 measured requests each.
 * <pre>java $FLAGS -cp bench/target/benchmarks.jar chisme.bench.kademlia.HandlerAllocation</pre>
 */
public final class HandlerAllocation {
    private HandlerAllocation() {
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    private static void measure(final String name, final IntSupplier request) {
        long sink = 0;
        for (int i = 0; i < 300_000; i++) {
            sink += request.getAsInt();
        }
        final int n = 1_000_000;
        final long before = allocated();
        final long startNs = System.nanoTime();
        for (int i = 0; i < n; i++) {
            sink += request.getAsInt();
        }
        final long ns = System.nanoTime() - startNs;
        final long bytes = allocated() - before;
        System.out.printf("%s: %.3f B/request, %.0f ns/request (reply bytes %d)%n", name, (double) bytes / n, (double) ns / n, sink);
    }

    public static void main(final String[] args) {
        try (Stores stores = Stores.openTemporary(new StoreConfig().maxTuples(1_000).maxBooks(100))) {
            final HandlerHarness h = new HandlerHarness(stores.tuples(), 200);
            measure("FIND_NODE (baseline)", h::findNode);
            measure("FIND_VALUE (200 B value)", h::findValue);
            measure("STORE (200 B, same key)", h::store);
        }
    }
}
