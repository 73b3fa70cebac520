package chisme.bench.store;

import chisme.store.StoreConfig;
import chisme.store.StoreStatus;
import chisme.store.Stores;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Time to open a store of 100,000 tuples (200-byte values) after a clean shutdown, and to open it with
 * recovery (clean-shutdown marker removed, as after kill -9). Each open includes the one-pass scan that
 * counts entries and bytes and verifies every record's checksum.
 * <pre>
 *   java $(chisme.jvm.flags) -cp bench/target-store/benchmarks.jar chisme.bench.store.StoreReopenHarness [tuples] [rounds]
 * </pre>
 */
public final class StoreReopenHarness {
    private StoreReopenHarness() {
    }

    public static void main(final String[] args) throws IOException {
        final int tuples = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        final int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        final Path dir = Files.createTempDirectory("chisme-reopen-");
        final StoreConfig config = new StoreConfig().dataDir(dir).maxTuples(tuples + tuples / 10)
            .maxTupleBytes((tuples + tuples / 10) * 300L).maxBooks(100);
        try {
            long t0 = System.nanoTime();
            try (Stores s = Stores.open(config)) {
                final long createdNs = System.nanoTime() - t0;
                final UnsafeBuffer v = new UnsafeBuffer(ByteBuffer.allocateDirect(200));
                t0 = System.nanoTime();
                for (int i = 0; i < tuples; i++) {
                    v.putInt(0, i);
                    if (s.tuples().put(i * 0x9E3779B97F4A7C15L, i, i, v, 0, 200, 1, 2, 3, 0, Long.MAX_VALUE, false, 0)
                        != StoreStatus.OK) {
                        throw new IllegalStateException("put " + i + " failed");
                    }
                }
                System.out.printf("create (first open in this JVM, includes Chronicle's run-time code generation): %d ms%n",
                    createdNs / 1_000_000);
                System.out.printf("fill %d tuples: %d ms%n", tuples, (System.nanoTime() - t0) / 1_000_000);
            }
            System.out.printf("tuples.cm3: %d bytes on disk (apparent %d)%n", diskBytes(dir.resolve(Stores.TUPLES_FILE)),
                Files.size(dir.resolve(Stores.TUPLES_FILE)));
            for (int r = 0; r < rounds; r++) {
                t0 = System.nanoTime();
                try (Stores s = Stores.open(config)) {
                    check(s, tuples, false);
                    System.out.printf("round %d: clean reopen %d ms%n", r, (System.nanoTime() - t0) / 1_000_000);
                }
                Files.delete(dir.resolve(Stores.CLEAN_SHUTDOWN_FILE));
                t0 = System.nanoTime();
                try (Stores s = Stores.open(config)) {
                    check(s, tuples, true);
                    System.out.printf("round %d: recovering open %d ms%n", r, (System.nanoTime() - t0) / 1_000_000);
                }
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void check(final Stores s, final int tuples, final boolean recovered) {
        if (s.tuples().size() != tuples || s.recovered() != recovered || s.tuples().corruptDropped() != 0) {
            throw new IllegalStateException("reopen lost data: size=" + s.tuples().size() + " recovered=" + s.recovered());
        }
    }

    /** Allocated size on disk (du -k): map files can be sparse. */
    static long diskBytes(final Path file) throws IOException {
        final Process p = new ProcessBuilder("du", "-k", file.toString()).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
        try {
            p.waitFor();
            return Long.parseLong(out.split("\\s+")[0]) * 1024;
        } catch (final InterruptedException | NumberFormatException e) {
            return -1;
        }
    }
}
