package chisme.tools;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Starts three real daemons (separate processes) on loopback and drives them only through the CLI:
 * joins, DHT publish/get across nodes, shelves converging, a hook firing, every error case, SIGTERM with
 * a clean stop and a restart that keeps the data.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DaemonProcessTest {
    private static final long READY_MS = 60_000;
    private static final long CONVERGE_MS = 20_000;

    private Path root;
    private DaemonProcess a;
    private DaemonProcess b;
    private DaemonProcess c;
    private final List<DaemonProcess> all = new ArrayList<>();
    private String keyOnA;

    @BeforeAll
    void startNodes() throws Exception {
        root = Files.createTempDirectory("chisme-it-");
        final int pa = DaemonProcess.freePort();
        final int pb = DaemonProcess.freePort();
        final int pc = DaemonProcess.freePort();
        final Path hook = root.resolve("c-hooks").resolve("hosts").resolve("record");
        Files.createDirectories(hook.getParent());
        Files.writeString(hook, "#!/bin/sh\ncat > \"$(dirname \"$0\")/../hook-out.json\"\n");
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwx------"));
        // A keeps its stores on disk (restart test); B and C use memory stores to start faster.
        a = new DaemonProcess(root.resolve("a"), pa, List.of("--sync-interval-s", "1",
            "--neighbour", "127.0.0.1:" + pb, "--neighbour", "127.0.0.1:" + pc));
        b = new DaemonProcess(root.resolve("b"), pb, List.of("--store", "memory", "--sync-interval-s", "1", "--neighbour", "127.0.0.1:" + pa,
            "--join", "127.0.0.1:" + pa));
        c = new DaemonProcess(root.resolve("c"), pc, List.of("--store", "memory", "--sync-interval-s", "1", "--neighbour", "127.0.0.1:" + pa,
            "--hooks", root.resolve("c-hooks").toString()));
        all.addAll(List.of(a, b, c));
        for (final DaemonProcess d : all) {
            d.start();
        }
        for (final DaemonProcess d : all) {
            d.awaitReady(READY_MS);
        }
    }

    @AfterAll
    void stopNodes() {
        for (final DaemonProcess d : all) {
            d.close();
        }
        DemoCommand.deleteTree(root);
    }

    private static String data(final DaemonProcess d) {
        return d.dataDir.toString();
    }

    private static void eventually(final String what, final BooleanSupplier condition) throws InterruptedException {
        DaemonProcess.eventually(what, CONVERGE_MS, condition);
    }

    @Test
    @Order(1)
    void shouldJoinThreeNodes() throws Exception {
        final CliRunner.Result jb = CliRunner.run("join", a.address(), "--data", data(b));
        assertEquals(0, jb.code(), jb.toString());
        assertTrue(jb.out().contains("joined through 127.0.0.1:" + a.port), jb.out());
        final CliRunner.Result jc = CliRunner.run("join", a.address(), "--data", data(c));
        assertEquals(0, jc.code(), jc.toString());
        eventually("A sees B and C in its routing table", () -> {
            final CliRunner.Result p = CliRunner.run("peers", "--json", "--data", data(a));
            return p.code() == 0 && p.out().contains("\"port\":" + b.port) && p.out().contains("\"port\":" + c.port);
        });
        final CliRunner.Result peers = CliRunner.run("peers", "--data", data(c));
        assertEquals(0, peers.code(), peers.toString());
        assertTrue(peers.out().contains("127.0.0.1:" + a.port), peers.out());
    }

    @Test
    @Order(2)
    void shouldPublishOnOneAndGetOnAnother() {
        final CliRunner.Result pub = CliRunner.run("publish", "hola desde B", "--data", data(b));
        assertEquals(0, pub.code(), pub.toString());
        final String key = pub.out().trim();
        assertTrue(key.matches("[0-9a-f]{40}"), key);
        final CliRunner.Result get = CliRunner.run("get", key, "--data", data(c));
        assertEquals(0, get.code(), get.toString());
        assertEquals("hola desde B\n", get.out());

        final CliRunner.Result stdin = CliRunner.runWithStdin("valor por stdin\n", "publish", "-", "--data", data(a));
        assertEquals(0, stdin.code(), stdin.toString());
        keyOnA = stdin.out().trim();
        final CliRunner.Result got = CliRunner.run("get", keyOnA, "--data", data(b));
        assertEquals("valor por stdin\n", got.out(), got.toString());
    }

    @Test
    @Order(3)
    void shouldShowStatusStatsAndLogs() throws Exception {
        final CliRunner.Result status = CliRunner.run("status", "--data", data(a));
        assertEquals(0, status.code(), status.toString());
        assertTrue(status.out().contains("address   127.0.0.1:" + a.port), status.out());
        assertTrue(status.out().matches("(?s)id +[0-9a-f]{40}.*contacts +[12].*values +[1-9].*"), status.out());
        // b started with --join a: its own join succeeded, and status says so (issue 11).
        final CliRunner.Result statusB = CliRunner.run("status", "--data", data(b));
        assertTrue(statusB.out().contains("join      joined"), statusB.out());
        final CliRunner.Result json = CliRunner.run("status", "--json", "--data", data(a));
        assertTrue(json.out().startsWith("{\"id\":\""), json.out());
        final CliRunner.Result stats = CliRunner.run("stats", "--json", "--data", data(b));
        assertTrue(stats.out().contains("\"rx_datagrams\":") && stats.out().contains("\"admin_requests\":"), stats.out());
        final CliRunner.Result logs = CliRunner.run("logs", "--data", data(a));
        assertEquals(0, logs.code(), logs.toString());
        assertTrue(logs.out().contains(" START node "), logs.out());

        // logs -f prints events as they come and ends when its output goes away.
        final StringBuilder seen = new StringBuilder();
        final OutputStream closing = new OutputStream() {
            @Override
            public void write(final int ch) throws IOException {
                seen.append((char) ch);
                if (ch == '\n' && seen.toString().contains("PUBLISH")) {
                    throw new IOException("reader gone");
                }
            }
        };
        final Thread follower = Thread.ofVirtual().start(() -> Chisme.run(new CliContext(java.io.InputStream.nullInputStream(),
            new PrintStream(closing, true, StandardCharsets.UTF_8), System.err), "logs", "-f", "-n", "1", "--data", data(a)));
        Thread.sleep(300);
        assertEquals(0, CliRunner.run("publish", "seguido", "--data", data(a)).code());
        follower.join(10_000);
        assertFalse(follower.isAlive(), "logs -f did not stop");
        assertTrue(seen.toString().contains("PUBLISH published"), seen.toString());
    }

    @Test
    @Order(4)
    void shouldInsertABookAndReadItBackEverywhere() throws Exception {
        final CliRunner.Result ins = CliRunner.runWithStdin("{\"10.0.0.1\": {\"name\": \"host-a\"}}", "shelf", "insert", "hosts", "--data", data(a));
        assertEquals(0, ins.code(), ins.toString());
        for (final DaemonProcess d : all) {
            eventually("book on " + d.dataDir, () -> {
                final CliRunner.Result g = CliRunner.run("shelf", "get", "hosts", "--compact", "--data", data(d));
                return g.code() == 0 && g.out().trim().equals("{\"10.0.0.1\":{\"name\":\"host-a\"}}");
            });
        }
        final CliRunner.Result dump = CliRunner.run("shelf", "dump", "hosts", "--compact", "--data", data(c));
        assertTrue(dump.out().contains("\"author\"") && dump.out().contains("host-a"), dump.toString());
        final CliRunner.Result list = CliRunner.run("shelf", "list", "--data", data(b));
        assertTrue(list.out().contains("hosts 1"), list.toString());
        // LibreMesh's Lua format through the compatibility command.
        final CliRunner.Result lua = CliRunner.run("shared-state", "get", "hosts", "--data", data(b));
        assertEquals(0, lua.code(), lua.toString());
        assertTrue(lua.out().replaceAll("\\s", "").matches(".*\"10.0.0.1\":\\{\"bleachTTL\":\\d+,\"author\":\"[^\"]+\",\"data\":\\{\"name\":\"host-a\"}}.*"), lua.out());
        final CliRunner.Result sync = CliRunner.run("shelf", "sync", "hosts", a.address(), "--data", data(b));
        assertEquals(0, sync.code(), sync.toString());
    }

    @Test
    @Order(5)
    void shouldRunTheHookOnChange() throws Exception {
        final Path out = root.resolve("c-hooks").resolve("hook-out.json");
        eventually("hook wrote " + out, () -> {
            try {
                return Files.exists(out) && Files.readString(out).contains("host-a");
            } catch (final IOException e) {
                return false;
            }
        });
    }

    @Test
    @Order(6)
    void shouldRemoveEverywhere() throws Exception {
        // Issue 12: the book is A's (signed by A's key, shelves default to writers = author), so B may not remove
        // it: refused in one line before anything is written. Its author's removal reaches B.
        final CliRunner.Result refused = CliRunner.runWithStdin("[\"10.0.0.1\"]", "shared-state", "remove", "hosts", "--data", data(b));
        assertEquals(4, refused.code(), refused.toString());
        assertTrue(refused.err().contains("belongs to key"), refused.toString());
        final CliRunner.Result rm = CliRunner.runWithStdin("[\"10.0.0.1\"]", "shared-state", "remove", "hosts", "--data", data(a));
        assertEquals(0, rm.code(), rm.toString());
        eventually("removal reached B", () -> CliRunner.run("shelf", "get", "hosts", "--compact", "--data", data(b)).out().trim().equals("{}"));
    }

    @Test
    @Order(7)
    void shouldExplainEveryErrorInOneLine() throws Exception {
        expect(1, "no value for key", CliRunner.run("get", "0123456789abcdef0123456789abcdef01234567", "--data", data(a)));
        expect(2, "invalid key 'xyz'", CliRunner.run("get", "xyz", "--data", data(a)));
        expect(2, "malformed HOST:PORT", CliRunner.run("join", "127.0.0.1", "--data", data(a)));
        expect(2, "malformed HOST:PORT", CliRunner.run("join", "127.0.0.1:99999", "--data", data(a)));
        expect(2, "invalid JSON on stdin", CliRunner.runWithStdin("{\"a\": ", "shelf", "insert", "hosts", "--data", data(a)));
        expect(2, "invalid JSON on stdin", CliRunner.runWithStdin("[1]", "shelf", "insert", "hosts", "--data", data(a)));
        expect(2, "invalid shelf name", CliRunner.runWithStdin("{}", "shelf", "insert", "bad/name", "--data", data(a)));
        // One key limit (chisme.wire.BookKey): 255 bytes are stored, 256 refused with a one-line reason.
        final CliRunner.Result k255 = CliRunner.runWithStdin("{\"" + "k".repeat(255) + "\": 1}", "shelf", "insert", "keys", "--data", data(a));
        assertEquals(0, k255.code(), k255.toString());
        expect(2, "must be 1-255 UTF-8 bytes", CliRunner.runWithStdin("{\"" + "k".repeat(256) + "\": 1}", "shelf", "insert", "keys",
            "--data", data(a)));
        expect(1, "unknown shelf 'nosuch'", CliRunner.run("shelf", "get", "nosuch", "--data", data(a)));
        expect(2, "Unmatched argument", CliRunner.run("frobnicate"));
        // The LibreMesh command exits as the Lua tool does (os.exit(-22)); docs/libremesh.md.
        expect(234, "needs an operation name", CliRunner.run("shared-state", "explode", "hosts", "--data", data(a)));
        expect(4, "join: no node answered", CliRunner.run("join", "127.0.0.1:" + DaemonProcess.freePort(), "--data", data(a)));
        final Path empty = Files.createDirectories(root.resolve("nobody"));
        expect(3, "no chisme node is running at " + empty.resolve("admin.sock") + "; start one with: chisme node --data " + empty,
            CliRunner.run("status", "--data", empty.toString()));
        final Path conf = root.resolve("bad.conf");
        Files.writeString(conf, "port = 4200\nalpha = many\n");
        expect(5, conf + ":2: alpha: 'many' is not a whole number", CliRunner.run("node", "--config", conf.toString()));
        expect(5, "--k: 0 not in 1..32", CliRunner.run("node", "--k", "0", "--data", empty.toString()));
        expect(5, "already running", CliRunner.run("node", "--data", data(b), "--port", "0", "--store", "memory"));

        // A malformed admin request gets an error reply and the node keeps serving.
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(a.dataDir.resolve("admin.sock")));
            ch.write(ByteBuffer.wrap("this is not json\n".getBytes(StandardCharsets.UTF_8)));
            final ByteBuffer reply = ByteBuffer.allocate(1024);
            final long deadline = System.nanoTime() + 10_000_000_000L;
            while (reply.position() == 0 || reply.get(reply.position() - 1) != '\n') {
                if (ch.read(reply) < 0 || System.nanoTime() > deadline) {
                    break;
                }
            }
            final String text = new String(reply.array(), 0, reply.position(), StandardCharsets.UTF_8);
            assertTrue(text.contains("\"ok\":false") && text.contains("BAD_REQUEST"), text);
        }
        assertEquals(0, CliRunner.run("status", "--data", data(a)).code());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(a.dataDir)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(a.dataDir.resolve("admin.sock"))));
    }

    private static void expect(final int code, final String message, final CliRunner.Result r) {
        assertEquals(code, r.code(), r.toString());
        assertTrue(r.err().startsWith("chisme: ") && r.err().contains(message), r.toString());
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), "stack trace: " + r.err());
    }

    @Test
    @Order(8)
    void shouldStopOnSigtermAndKeepDataAcrossRestart() throws Exception {
        final CliRunner.Result ins = CliRunner.runWithStdin("{\"keep\": \"me\"}", "shelf", "insert", "kept", "--data", data(a));
        assertEquals(0, ins.code(), ins.toString());
        final String idBefore = CliRunner.run("status", "--json", "--data", data(a)).out().substring(0, 50);
        // Stop every node so after the restart A can only answer from its own disk.
        for (final DaemonProcess d : all) {
            assertEquals(0, d.terminate(30_000), "exit status after SIGTERM; log:\n" + d.logText());
        }
        assertTrue(Files.exists(a.dataDir.resolve("store").resolve("clean-shutdown")), "clean-shutdown marker");
        assertTrue(a.logText().contains("stopped cleanly"), a.logText());
        assertFalse(Files.exists(a.dataDir.resolve("admin.sock")), "socket removed");
        expect(3, "no chisme node is running", CliRunner.run("status", "--data", data(a)));

        a.start().awaitReady(READY_MS);
        assertTrue(CliRunner.run("status", "--json", "--data", data(a)).out().startsWith(idBefore), "same node id");
        final CliRunner.Result got = CliRunner.run("get", keyOnA, "--data", data(a));
        assertEquals(0, got.code(), got.toString());
        assertEquals("valor por stdin\n", got.out());
        final CliRunner.Result kept = CliRunner.run("shelf", "get", "kept", "--compact", "--data", data(a));
        assertEquals("{\"keep\":\"me\"}", kept.out().trim(), kept.toString());
        assertEquals(0, a.terminate(30_000), a.logText());
    }
}
