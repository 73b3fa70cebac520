package chisme.tools;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A multiwriter shelf ({@code shared-state-multiwriter}, LibreMesh's network_nodes) across three daemons in
 * separate processes, driven through the command: a key written on one node reaches all, two nodes writing
 * the same key at once end with one value everywhere (the Lua rule: more changes, then the larger fortune),
 * and a restarted node still holds it from its store.
 */
class MultiWriterProcessTest {
    private static final long READY_MS = 90_000;
    private static final long CONVERGE_MS = 30_000;
    private static final Pattern ENTRY = Pattern.compile(
        "\\{\"node-x\":\\{\"lastModified\":\\d+,\"changes\":(\\d+),\"fortune\":(\\d+),\"author\":\"([^\"]+)\",\"data\":(.*)}}\n");

    private final List<DaemonProcess> all = new ArrayList<>();
    private Path root;

    @AfterEach
    void stop() {
        all.forEach(DaemonProcess::close);
        if (root != null) {
            DemoCommand.deleteTree(root);
        }
    }

    private static List<String> args(final String name, final int... neighbours) {
        final List<String> a = new ArrayList<>(List.of("--sync-interval-s", "1", "--name", name,
            "--shelf", "network_nodes.merge-policy=multiwriter"));
        for (final int p : neighbours) {
            a.addAll(List.of("--neighbour", "127.0.0.1:" + p));
        }
        return a;
    }

    private static CliRunner.Result mw(final DaemonProcess d, final String stdin, final String... args) {
        final List<String> all = new ArrayList<>(List.of("shared-state-multiwriter", "--admin", d.dataDir.resolve("admin.sock").toString()));
        all.addAll(List.of(args));
        return CliRunner.runWithStdin(stdin, all.toArray(String[]::new));
    }

    private static String get(final DaemonProcess d) {
        return mw(d, "", "get", "network_nodes").out();
    }

    @Test
    void concurrentWritesConvergeOnOneValueAndSurviveARestart() throws Exception {
        root = Files.createTempDirectory("chisme-mw-");
        final int pa = DaemonProcess.freePort();
        final int pb = DaemonProcess.freePort();
        final int pc = DaemonProcess.freePort();
        final DaemonProcess a = new DaemonProcess(root.resolve("a"), pa, args("node-a", pb, pc));
        final DaemonProcess b = new DaemonProcess(root.resolve("b"), pb, args("node-b", pa, pc));
        final DaemonProcess c = new DaemonProcess(root.resolve("c"), pc, args("node-c", pa, pb));
        all.addAll(List.of(a, b, c));
        for (final DaemonProcess d : all) {
            d.start();
        }
        for (final DaemonProcess d : all) {
            d.awaitReady(READY_MS);
        }
        assertEquals(0, mw(a, "{\"node-x\": {\"member\": true}}", "insert", "network_nodes").code());
        DaemonProcess.eventually("node-x on all three", CONVERGE_MS, () -> all.stream().allMatch(d -> get(d).contains("\"member\":true")));

        // B and C write the same key at the same moment, each from changes 0: both make changes 1.
        final CompletableFuture<CliRunner.Result> wb = CompletableFuture.supplyAsync(() -> mw(b, "{\"node-x\": {\"by\": \"b\"}}", "insert", "network_nodes"));
        final CompletableFuture<CliRunner.Result> wc = CompletableFuture.supplyAsync(() -> mw(c, "{\"node-x\": {\"by\": \"c\"}}", "insert", "network_nodes"));
        assertEquals(0, wb.get().code(), wb.get().toString());
        assertEquals(0, wc.get().code(), wc.get().toString());
        final long t0 = System.nanoTime();
        DaemonProcess.eventually("one value on all three", CONVERGE_MS, () -> {
            final String g = get(a);
            return ENTRY.matcher(g).matches() && g.equals(get(b)) && g.equals(get(c)) && !g.contains("member");
        });
        final long convergedMs = (System.nanoTime() - t0) / 1_000_000;
        final Matcher m = ENTRY.matcher(get(a));
        assertTrue(m.matches());
        assertTrue(m.group(1).equals("1") || m.group(1).equals("2"), "changes: " + m.group(1));
        final String by = m.group(3).equals("node-b") ? "{\"by\":\"b\"}" : "{\"by\":\"c\"}";
        assertEquals(by, m.group(4), "the author's own data won: " + m.group());
        final String converged = get(a);

        // A stops and starts again alone (no neighbours): the entry comes from its store on disk.
        assertEquals(0, a.terminate(30_000), a.logText());
        final DaemonProcess again = new DaemonProcess(root.resolve("a"), pa, args("node-a"));
        all.set(0, again);
        again.start().awaitReady(READY_MS);
        assertEquals(converged, get(again), "after a restart");
        System.out.printf("multiwriter processes: 3 daemons, concurrent writes of one key on two nodes converged %d ms after both "
            + "returned; kept across a restart%n", convergedMs);
    }

    /**
     * A type made multiwriter only by a command (no chisme.conf line, no Lua file) stays multiwriter after a
     * restart (DATA/multiwriter-shelves): the Lua-compatible {@code shared-state insert} after the restart
     * edits the entry (changes 1), where a shelf fallen back to lww would store a plain book and the next
     * {@code shared-state-multiwriter} call would be refused.
     */
    @Test
    void aTypeNamedOnlyByACommandStaysMultiwriterAfterARestart() throws Exception {
        root = Files.createTempDirectory("chisme-mw-mode-");
        final int port = DaemonProcess.freePort();
        final List<String> plain = List.of("--sync-interval-s", "1", "--name", "node-a");
        final DaemonProcess d = new DaemonProcess(root.resolve("a"), port, plain);
        all.add(d);
        d.start().awaitReady(READY_MS);
        assertEquals(0, mw(d, "{\"node-y\": {\"v\": 1}}", "insert", "runtime_type").code());
        assertEquals(0, d.terminate(30_000), d.logText());

        final DaemonProcess again = new DaemonProcess(root.resolve("a"), port, plain);
        all.set(0, again);
        again.start().awaitReady(READY_MS);
        final CliRunner.Result insert = CliRunner.runWithStdin("{\"node-y\": {\"v\": 2}}", "shared-state", "--admin",
            again.dataDir.resolve("admin.sock").toString(), "insert", "runtime_type");
        assertEquals(0, insert.code(), insert.toString());
        final CliRunner.Result get = mw(again, "", "get", "runtime_type");
        assertEquals(0, get.code(), "the type is still multiwriter: " + get);
        assertTrue(get.out().matches("\\{\"node-y\":\\{\"lastModified\":\\d+,\"changes\":1,\"fortune\":\\d+,\"author\":\"node-a\",\"data\":\\{\"v\":2}}}\n"),
            get.out());
    }
}
