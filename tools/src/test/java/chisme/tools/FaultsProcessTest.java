package chisme.tools;

import chisme.node.kademlia.KademliaConfig;
import chisme.node.kademlia.KademliaNode;
import chisme.store.InMemoryTupleStore;
import chisme.store.StoreConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults that are not crashes, on real {@code chisme node} processes driven through the CLI: a full store,
 * a full disk, a node thread that dies or hangs, damaged identity and store files. Each must be loud
 * (a one-line reason, a non-zero status, an exit the service manager sees) and never acknowledge work
 * that was not done.
 */
class FaultsProcessTest {
    private static final long READY_MS = 60_000;

    @TempDir
    Path tmp;

    private DaemonProcess daemon(final String name, final String... extra) throws IOException {
        return new DaemonProcess(tmp.resolve(name), DaemonProcess.freePort(), List.of(extra));
    }

    private static String value(final int i, final int bytes) {
        final StringBuilder b = new StringBuilder(bytes);
        b.append("value ").append(i).append(' ');
        while (b.length() < bytes) {
            b.append((char) ('a' + b.length() % 26));
        }
        return b.toString();
    }

    @Test
    void shouldFailPublishWhenTheLocalStoreIsFullAndCountMatchWhatGetFinds() throws Exception {
        try (DaemonProcess d = daemon("full", "--max-tuples", "5").start()) {
            d.awaitReady(READY_MS);
            final List<String> acknowledged = new ArrayList<>();
            final List<String> refused = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                final CliRunner.Result r = CliRunner.run("publish", value(i, 100), "--data", d.dataDir.toString());
                assertEquals(ExitCode.FAILED, r.code(), r.toString());
                assertEquals(1, r.err().lines().count(), "one line: " + r);
                if (r.err().contains("stored locally only")) {
                    acknowledged.add(r.out().trim());
                } else {
                    assertTrue(r.err().startsWith("chisme: local store full"), r.toString());
                    assertTrue(r.out().isEmpty(), "no key for a value stored nowhere: " + r);
                    refused.add(value(i, 100));
                }
            }
            assertEquals(5, acknowledged.size());
            assertEquals(3, refused.size());
            for (final String key : acknowledged) {
                final CliRunner.Result g = CliRunner.run("get", key, "--data", d.dataDir.toString());
                assertEquals(0, g.code(), "acknowledged key " + key + " readable: " + g);
            }
            final CliRunner.Result logs = CliRunner.run("logs", "--data", d.dataDir.toString());
            assertTrue(logs.out().contains("local FULL"), logs.out());
            assertEquals(0, d.terminate(10_000), d.logText());
        }
    }

    @Test
    void shouldExitNonZeroWithinFiveSecondsWhenTheNodeThreadDies() throws Exception {
        try (DaemonProcess d = daemon("crash")) {
            d.jvmArgs.add("-Dchisme.test.faults=true");
            d.start().awaitReady(READY_MS);
            final long t0 = System.nanoTime();
            final CliRunner.Result r = CliRunner.run("stats", "--data", d.dataDir.toString()); // node healthy first
            assertEquals(0, r.code(), r.toString());
            try {
                new chisme.node.admin.AdminClient(d.dataDir.resolve("admin.sock")).call("{\"op\":\"test.crash\"}");
            } catch (final IOException | RuntimeException e) {
                // the process may die before it answers
            }
            final int status = d.awaitExit(5_000);
            final long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(ExitCode.FATAL, status, "exit status after " + ms + " ms:\n" + d.logText());
            assertTrue(d.logText().contains("FATAL node thread died: java.lang.InternalError: test hook"), d.logText());
            assertTrue(d.logText().contains("\tat chisme.node"), "stack trace logged:\n" + d.logText());
        }
    }

    @Test
    void shouldExitNonZeroWhenTheWatchdogFindsTheNodeThreadStuck() throws Exception {
        try (DaemonProcess d = daemon("stall", "--watchdog-s", "1")) {
            d.jvmArgs.add("-Dchisme.test.faults=true");
            d.start().awaitReady(READY_MS);
            new chisme.node.admin.AdminClient(d.dataDir.resolve("admin.sock")).call("{\"op\":\"test.stall\",\"ms\":60000}");
            assertEquals(ExitCode.FATAL, d.awaitExit(5_000), d.logText());
            assertTrue(d.logText().contains("node thread made no progress for"), d.logText());
        }
    }

    @Test
    void shouldEndWithinAFewSecondsOnSigtermEvenWithTheNodeThreadStuck() throws Exception {
        try (DaemonProcess d = daemon("stuck")) {
            d.jvmArgs.add("-Dchisme.test.faults=true");
            d.start().awaitReady(READY_MS);
            new chisme.node.admin.AdminClient(d.dataDir.resolve("admin.sock")).call("{\"op\":\"test.stall\",\"ms\":60000}");
            final long t0 = System.nanoTime();
            final int status = d.terminate(10_000);
            final long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(status != -1 && ms < 8_000, "SIGTERM took " + ms + " ms, status " + status + "\n" + d.logText());
            // Not 0: the stores were left for recovery, not marked cleanly shut down under a stuck thread.
            assertEquals(ExitCode.FATAL, status, d.logText());
            assertFalse(Files.exists(d.dataDir.resolve("store").resolve("clean-shutdown")), "no clean-shutdown marker");
        }
    }

    @Test
    void shouldRefuseDamagedIdentityAndMissingStoreFilesUnlessAskedAndReportDamage() throws Exception {
        final DaemonProcess first = daemon("files");
        final Path dir = first.dataDir;
        final String marker = "damage-marker-" + "x".repeat(200);
        try (DaemonProcess d = first.start()) {
            d.awaitReady(READY_MS);
            assertTrue(CliRunner.run("publish", marker, "--data", dir.toString()).err().contains("stored locally only"));
            assertEquals(0, d.terminate(10_000), d.logText());
        }
        final String id = Files.readString(dir.resolve("node-id")).strip();
        Files.writeString(dir.resolve("node-id"), "not an id\n");
        try (DaemonProcess d = new DaemonProcess(dir, DaemonProcess.freePort(), List.of()).start()) {
            assertEquals(ExitCode.CONFIG, d.awaitExit(30_000), d.logText());
            assertTrue(d.logText().contains("node-id: damaged") && d.logText().contains("--new-identity"), d.logText());
        }
        // One flipped bit inside the stored value: the record is dropped at the next start, and said so.
        final Path tuples = dir.resolve("store").resolve("tuples.cm3");
        final byte[] bytes = Files.readAllBytes(tuples);
        final int at = indexOf(bytes, marker.getBytes(StandardCharsets.US_ASCII));
        assertTrue(at > 0, "value found in the map file");
        try (FileChannel ch = FileChannel.open(tuples, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {(byte) (bytes[at + 100] ^ 1)}), at + 100);
        }
        try (DaemonProcess d = new DaemonProcess(dir, DaemonProcess.freePort(), List.of("--new-identity")).start()) {
            d.awaitReady(READY_MS);
            assertNotEquals(id, Files.readString(dir.resolve("node-id")).strip(), "a new identity, as asked");
            final String status = CliRunner.run("status", "--data", dir.toString()).out();
            assertTrue(status.contains("damage    tuples.cm3: 1 damaged records dropped at open"), status);
            assertTrue(d.logText().contains("WARN tuples.cm3: 1 damaged records dropped at open"), d.logText());
            assertTrue(CliRunner.run("logs", "--data", dir.toString()).out().contains("ERROR tuples.cm3: 1 damaged records"));
            assertEquals(0, d.terminate(10_000), d.logText());
        }
        Files.delete(tuples);
        try (DaemonProcess d = new DaemonProcess(dir, DaemonProcess.freePort(), List.of()).start()) {
            assertEquals(ExitCode.CONFIG, d.awaitExit(30_000), d.logText());
            assertTrue(d.logText().contains("tuples.cm3: missing beside store.meta") && d.logText().contains("--reset-store"), d.logText());
        }
        try (DaemonProcess d = new DaemonProcess(dir, DaemonProcess.freePort(), List.of("--reset-store")).start()) {
            d.awaitReady(READY_MS);
            assertEquals(0, d.terminate(10_000), d.logText());
        }
    }

    private static int indexOf(final byte[] haystack, final byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (java.util.Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * A real full disk: a 24 MiB tmpfs the test mounts (root only), the daemon's data on it, a filler file
     * taking the space. Writes are refused with "disk full" (reply, event, counter), reads and PINGs are
     * answered, writes are accepted again once space is freed, and SIGTERM still stops it cleanly.
     */
    @Test
    void shouldRefuseWritesOnAFullDiskKeepServingAndRecover() throws Exception {
        final Path mount = tmp.resolve("disk");
        Files.createDirectories(mount);
        final Process m = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", mount.toString())
            .redirectErrorStream(true).start();
        final boolean mounted = m.waitFor(10, TimeUnit.SECONDS) && m.exitValue() == 0;
        Assumptions.assumeTrue(mounted, "cannot mount a tmpfs here (needs root / CAP_SYS_ADMIN): "
            + new String(m.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
        final KademliaNode pinger = KademliaNode.udp(new KademliaConfig(), InetAddress.getLoopbackAddress(), 0,
            new InMemoryTupleStore(new StoreConfig().maxTuples(100).conclude()), null);
        try (DaemonProcess d = new DaemonProcess(mount.resolve("data"), DaemonProcess.freePort(), List.of())) {
            d.start().awaitReady(READY_MS);
            final String data = d.dataDir.toString();
            final long fresh = Long.parseLong(du(mount));
            final CliRunner.Result first = CliRunner.runWithStdin(value(0, 65_000), "publish", "-", "--data", data);
            assertTrue(first.err().contains("stored locally only"), first.toString());
            final String key = first.out().trim();

            // Fill the file system until less than the 4 MiB reserve is free (3 MiB: no write can fault).
            final Path filler = mount.resolve("filler");
            try (FileChannel ch = FileChannel.open(filler, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                final ByteBuffer chunk = ByteBuffer.allocate(256 << 10);
                while (Files.getFileStore(mount).getUsableSpace() > (3L << 20)) {
                    ch.write(chunk.clear());
                }
            }
            DaemonProcess.eventually("status shows the disk full", 5_000, () -> status(data).contains("\"full\":true"));
            final CliRunner.Result refused = CliRunner.runWithStdin(value(1, 65_000), "publish", "-", "--data", data);
            assertEquals(ExitCode.FAILED, refused.code(), refused.toString());
            assertTrue(refused.err().startsWith("chisme: disk full: ") && refused.err().contains("value not stored"), refused.toString());
            assertEquals(1, refused.err().lines().count(), refused.toString());
            final CliRunner.Result book = CliRunner.runWithStdin("{\"k\": 1}", "shelf", "insert", "hosts", "--data", data);
            assertEquals(ExitCode.FAILED, book.code(), book.toString());
            assertTrue(book.err().contains("disk full"), book.toString());

            // Reads, status and PINGs go on.
            assertEquals(0, CliRunner.run("get", key, "--data", data).code());
            pinger.start();
            assertTrue(pinger.identify(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), d.port)).isPresent(),
                "PING answered on a full disk");
            final String stats = CliRunner.run("stats", "--json", "--data", data).out();
            assertTrue(stats.matches("(?s).*\"store_disk_full\":[1-9].*") && stats.matches("(?s).*\"disk_writes_refused\":[1-9].*"), stats);
            assertTrue(CliRunner.run("logs", "--data", data).out().contains("DISK disk full"), "disk-full event");

            Files.delete(filler);
            DaemonProcess.eventually("status shows space back", 5_000, () -> status(data).contains("\"full\":false"));
            final CliRunner.Result again = CliRunner.runWithStdin(value(2, 65_000), "publish", "-", "--data", data);
            assertTrue(again.code() == 0 && again.err().contains("(this one and 1 others)"), again.toString());
            assertTrue(CliRunner.run("logs", "--data", data).out().contains("writes accepted again"), "space-back event");
            System.out.println("tmpfs: du of a fresh node " + fresh + " KiB");

            final long t0 = System.nanoTime();
            assertEquals(0, d.terminate(5_000), d.logText());
            assertTrue(System.nanoTime() - t0 < 5_000_000_000L);
            assertFalse(d.process.isAlive());
        } finally {
            pinger.close();
            new ProcessBuilder("umount", "-l", mount.toString()).start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String status(final String data) {
        return CliRunner.run("status", "--json", "--data", data).out();
    }

    private static String du(final Path dir) throws IOException, InterruptedException {
        final Process p = new ProcessBuilder("du", "-sk", dir.toString()).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return out.trim().split("\\s+")[0];
    }
}
