package chisme.store;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The map files are sparse: a fresh store claims little disk whatever its quotas, and the disk it claims
 * grows with what is stored. Measured with {@code du} (blocks allocated), not the apparent file size.
 */
class DiskUseTest {
    @TempDir
    Path dir;

    /** Kilobytes of disk allocated under {@code path}, as {@code du -sk} reports. */
    static long duKiB(final Path path) throws IOException, InterruptedException {
        final Process p = new ProcessBuilder("du", "-sk", path.toString()).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Assumptions.assumeTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "du not available: " + out);
        return Long.parseLong(out.trim().split("\\s+")[0]);
    }

    static long apparentKiB(final Path dir) throws IOException {
        long bytes = 0;
        for (final String f : new String[] {Stores.TUPLES_FILE, Stores.BOOKS_FILE}) {
            bytes += Files.size(dir.resolve(f));
        }
        return bytes / 1024;
    }

    /** Skips (with the reason) on a file system that allocates every byte of a file, holes included. */
    private void assumeSparseFiles() throws Exception {
        final Path probe = dir.resolve("sparse-probe");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(probe.toFile(), "rw")) {
            f.setLength(8L << 20);
        }
        final long du = duKiB(probe);
        Files.delete(probe);
        Assumptions.assumeTrue(du < 1024, "the file system of " + dir + " has no sparse files (an 8 MiB hole takes " + du + " KiB)");
    }

    @Test
    void shouldClaimLittleDiskBeforeHoldingAnythingAndGrowWithData() throws Exception {
        assumeSparseFiles();
        final StoreConfig config = new StoreConfig().dataDir(dir); // default quotas: 2 x 16 MiB
        final long emptyKiB;
        try (Stores s = Stores.open(config)) {
            emptyKiB = duKiB(dir);
            System.out.println("fresh store with default quotas: du " + emptyKiB + " KiB, apparent " + apparentKiB(dir) + " KiB");
            final SplittableRandom r = new SplittableRandom(5);
            for (int i = 0; i < 100; i++) {
                assertEquals(StoreStatus.OK, s.tuples().put(TupleStoreContract.tuple(r, 65_536, 10_000)));
            }
            final long fullKiB = duKiB(dir);
            System.out.println("after 100 values of 64 KiB (6,400 KiB): du " + fullKiB + " KiB, apparent " + apparentKiB(dir) + " KiB");
            assertTrue(fullKiB - emptyKiB >= 6_400, "du grew by " + (fullKiB - emptyKiB) + " KiB");
            assertTrue(fullKiB - emptyKiB < 6_400 * 3 / 2, "du grew by " + (fullKiB - emptyKiB) + " KiB for 6,400 KiB of values");
        }
        assertTrue(emptyKiB < 2_048, "a fresh store claims " + emptyKiB + " KiB");
    }

    @Test
    void shouldClaimAboutWhatSmallRecordsTake() throws Exception {
        assumeSparseFiles();
        try (Stores s = Stores.open(new StoreConfig().dataDir(dir))) {
            final SplittableRandom r = new SplittableRandom(6);
            for (int i = 0; i < 20_000; i++) {
                assertEquals(StoreStatus.OK, s.tuples().put(TupleStoreContract.tuple(r, 256, 10_000)));
            }
            final long du = duKiB(dir);
            final long quotaKiB = s.tuples().bytes() / 1024;
            System.out.println("20,000 tuples of 256 B (" + quotaKiB + " KiB counted against the quota): du " + du
                + " KiB, apparent " + apparentKiB(dir) + " KiB");
            assertTrue(du < 2 * quotaKiB, "du " + du + " KiB for " + quotaKiB + " KiB of records");
        }
    }
}
