package chisme.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A child JVM writing continuously is killed with SIGKILL three times in a row; after each restart (which
 * must take the recovery path, the clean-shutdown marker being absent) every acknowledged write is present
 * and intact, and no record fails its checksum.
 */
class KillRecoveryTest {
    @TempDir
    Path dir;

    private static final int ACKS_BEFORE_KILL = 2000;
    private static final long RUN_TIMEOUT_MS = 30_000;

    private Process start(final int startIndex) throws Exception {
        final List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElseThrow());
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!arg.startsWith("-agentlib:jdwp") && !arg.startsWith("-javaagent")) {
                cmd.add(arg);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(CrashWriter.class.getName());
        cmd.add(dir.toString());
        cmd.add(Integer.toString(startIndex));
        return new ProcessBuilder(cmd).redirectError(dir.resolveSibling(dir.getFileName() + "-child.err").toFile()).start();
    }

    @Test
    void shouldKeepEveryAcknowledgedWriteAcrossThreeKills() throws Exception {
        int next = 0;
        for (int run = 0; run < 3; run++) {
            final long t0 = System.nanoTime();
            final Process p = start(next);
            int lastAck = next - 1;
            String verified = null;
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))) {
                final long deadline = System.currentTimeMillis() + RUN_TIMEOUT_MS;
                int acks = 0;
                String line;
                while (acks < ACKS_BEFORE_KILL && System.currentTimeMillis() < deadline && (line = in.readLine()) != null) {
                    if (line.startsWith("VERIFIED")) {
                        verified = line;
                        System.out.printf("run %d: child opened and verified %d writes after %d ms%n", run, next,
                            (System.nanoTime() - t0) / 1_000_000);
                    } else if (line.startsWith("ACK ")) {
                        lastAck = Integer.parseInt(line.substring(4));
                        acks++;
                    }
                }
                assertTrue(acks >= ACKS_BEFORE_KILL, "run " + run + " acknowledged only " + acks);
                // SIGKILL through the ProcessHandle: Process.destroyForcibly() would also close our end of
                // the pipe, losing acknowledgements still in it.
                assertTrue(p.toHandle().destroyForcibly());
                assertTrue(p.waitFor(10, TimeUnit.SECONDS));
                // Acknowledgements already in the pipe when the child died count too.
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("ACK ")) {
                        lastAck = Integer.parseInt(line.substring(4));
                    }
                }
            } finally {
                p.destroyForcibly();
            }
            assertEquals(137, p.exitValue(), "killed by SIGKILL");
            final String expected = "VERIFIED recovered=" + (run > 0) + " missing=0 bad=0 corrupt=0";
            assertEquals(expected, verified, "run " + run);
            next = lastAck + 1;
            System.out.printf("run %d: killed after %d acknowledged writes, %d ms%n", run, next,
                (System.nanoTime() - t0) / 1_000_000);
        }
        final long t1 = System.nanoTime();
        // The third kill is checked in this JVM.
        try (Stores s = Stores.open(CrashWriter.config(dir))) {
            assertTrue(s.recovered());
            System.out.printf("in-process recovery open: %d ms%n", (System.nanoTime() - t1) / 1_000_000);
            assertArrayEquals(new int[] {0, 0}, CrashWriter.verify(s, next));
            assertEquals(0, s.tuples().corruptDropped() + s.books().corruptDropped());
            assertTrue(s.tuples().size() >= next);
            // The shelf count rebuilt on open matches the books actually held (held() checks count()).
            assertEquals(s.books().count("crash"), BookStoreContract.held(s.books(), "crash").size());
        }
    }
}
