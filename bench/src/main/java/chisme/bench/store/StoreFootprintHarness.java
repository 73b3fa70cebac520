package chisme.bench.store;

import chisme.store.Book;
import chisme.store.StoreConfig;
import chisme.store.StoreStatus;
import chisme.store.Stores;
import chisme.store.Tuple;
import chisme.wire.NodeId;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Resident memory of a JVM holding 10,000 tuples (200-byte values) and 10,000 books (~100-byte JSON) in
 * the default-config stores. Prints VmRSS (/proc/self/status) before opening, after opening and after
 * filling, the heap in use, and the resident part of the mapped map files (/proc/self/smaps) to show
 * what dominates.
 * <pre>
 *   java -Xmx64m $(chisme.jvm.flags) -cp bench/target-store/benchmarks.jar chisme.bench.store.StoreFootprintHarness
 * </pre>
 */
public final class StoreFootprintHarness {
    private StoreFootprintHarness() {
    }

    public static void main(final String[] args) throws IOException {
        final int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        report("JVM started, no store");
        try (Stores s = Stores.openTemporary(new StoreConfig())) {
            report("default stores open (empty)");
            final SplittableRandom r = new SplittableRandom(1);
            final byte[] value = new byte[200];
            for (int i = 0; i < n; i++) {
                r.nextBytes(value);
                check(s.tuples().put(new Tuple(NodeId.random(r), value, NodeId.random(r), 0, Long.MAX_VALUE, false, 0)));
                final String json = "{\"ipv4\":\"10.13." + (i >> 8) + "." + (i & 255) + "\",\"hostname\":\"node-" + i
                    + "\",\"bat\":\"bat0\",\"ts\":1700000000}";
                check(s.books().put(new Book("hosts", "host-" + i, NodeId.random(r), "node-" + (i % 50), i, Long.MAX_VALUE,
                    false, json.getBytes(StandardCharsets.UTF_8))));
            }
            report(n + " tuples + " + n + " books");
            nativeMemory();
            final Path dir = s.dataDir();
            for (final String f : List.of(Stores.TUPLES_FILE, Stores.BOOKS_FILE)) {
                System.out.printf("  %s: %d bytes apparent, %d on disk%n", f, Files.size(dir.resolve(f)),
                    StoreReopenHarness.diskBytes(dir.resolve(f)));
            }
        }
    }

    /** With -XX:NativeMemoryTracking=summary, prints the JVM's own breakdown of committed memory. */
    private static void nativeMemory() {
        try {
            final Object out = ManagementFactory.getPlatformMBeanServer().invoke(
                new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
                new Object[] {new String[] {"summary", "scale=KB"}}, new String[] {String[].class.getName()});
            for (final String line : out.toString().split("\n")) {
                if (line.startsWith("-") || line.startsWith("Total")) {
                    System.out.println("  NMT " + line.trim());
                }
            }
        } catch (final Exception e) {
            System.out.println("  (run with -XX:NativeMemoryTracking=summary for a breakdown)");
        }
    }

    private static void check(final StoreStatus s) {
        if (s != StoreStatus.OK) {
            throw new IllegalStateException("put failed: " + s);
        }
    }

    private static void report(final String what) throws IOException {
        System.gc();
        final long heapUsed = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        final long nonHeap = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage().getUsed();
        long mappedRssKb = 0;
        boolean inMap = false;
        for (final String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            if (!line.isEmpty() && Character.isDigit(line.charAt(0)) || line.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
                inMap = line.endsWith(".cm3");
            } else if (inMap && line.startsWith("Rss:")) {
                mappedRssKb += Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        System.out.printf("%-34s VmRSS %6d KiB  heap used %6d KiB  non-heap (metaspace, code) %6d KiB  map files resident %6d KiB%n",
            what, statusKb("VmRSS"), heapUsed / 1024, nonHeap / 1024, mappedRssKb);
        System.out.printf("%-34s heap committed %6d KiB%n", "", ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted() / 1024);
    }

    private static long statusKb(final String field) throws IOException {
        for (final String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
