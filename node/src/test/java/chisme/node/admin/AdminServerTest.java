package chisme.node.admin;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdminServerTest {
    @TempDir
    Path tmp;
    private Path socket;
    private AdminServer server;

    @BeforeEach
    void start() throws IOException {
        socket = tmp.resolve("data").resolve("admin.sock");
        server = AdminServer.start(socket, (r, stream) -> switch (r.op()) {
            case "echo" -> Json.string(r.string("text"));
            case "count" -> {
                for (int i = 1; i <= r.number("n", 0); i++) {
                    stream.send(Long.toString(i));
                }
                yield "\"done\"";
            }
            case "boom" -> throw new IllegalStateException("bug inside");
            default -> throw new AdminException(AdminError.UNKNOWN_OP, "unknown operation '" + r.op() + "'");
        });
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void shouldAnswerAndBeOwnerOnly() throws Exception {
        final AdminReply r = new AdminClient(socket).call("{\"op\":\"echo\",\"text\":\"hola\"}");
        assertTrue(r.ok());
        assertEquals("\"hola\"", r.resultJson());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())));
    }

    @Test
    void shouldStreamEventsBeforeTheReply() throws Exception {
        final List<String> seen = new ArrayList<>();
        new AdminClient(socket).stream("{\"op\":\"count\",\"n\":3}", r -> {
            seen.add(r.isEvent() ? r.eventJson() : r.resultJson());
            return true;
        });
        assertEquals(List.of("1", "2", "3", "\"done\""), seen);
    }

    @Test
    void shouldReplyWithErrorsAndKeepServing() throws Exception {
        final List<String> lines = raw("not json\n{\"op\":1}\n[1]\n{\"op\":\"x\"}\n{\"op\":\"boom\"}\n{\"op\":\"echo\",\"text\":{\"a\":1}}\n"
            + "{\"op\":\"echo\",\"text\":\"still here\"}\n", 7);
        assertTrue(lines.get(0).contains("\"code\":\"BAD_REQUEST\""), lines.get(0));
        assertTrue(lines.get(1).contains("\"code\":\"BAD_REQUEST\""), lines.get(1));
        assertTrue(lines.get(2).contains("\"code\":\"BAD_REQUEST\""), lines.get(2));
        assertTrue(lines.get(3).contains("\"code\":\"UNKNOWN_OP\""), lines.get(3));
        assertTrue(lines.get(4).contains("\"code\":\"FAILED\"") && lines.get(4).contains("bug inside"), lines.get(4));
        assertTrue(lines.get(5).contains("\"code\":\"BAD_REQUEST\""), lines.get(5));
        assertEquals("{\"ok\":true,\"result\":\"still here\"}", lines.get(6));
        assertEquals(4, server.badRequests());
    }

    @Test
    void shouldRejectOversizedRequestWithoutBufferingIt() throws Exception {
        final StringBuilder big = new StringBuilder("{\"op\":\"echo\",\"text\":\"");
        big.append("x".repeat(AdminServer.MAX_REQUEST_BYTES + 10)).append("\"}\n{\"op\":\"echo\",\"text\":\"after\"}\n");
        final List<String> lines = raw(big.toString(), 2);
        assertTrue(lines.get(0).contains("\"code\":\"TOO_LARGE\""), lines.get(0));
        assertEquals("{\"ok\":true,\"result\":\"after\"}", lines.get(1));
    }

    @Test
    void shouldRefuseASecondServerAndReplaceAStaleSocket() throws Exception {
        assertThrows(IOException.class, () -> AdminServer.start(socket, (r, s) -> "1"));
        server.close();
        Files.createFile(socket);
        assertFalse(AdminClient.isListening(socket));
        server = AdminServer.start(socket, (r, s) -> "1");
        assertEquals("1", new AdminClient(socket).call("{\"op\":\"any\"}").resultJson());
    }

    @Test
    void shouldTellWhenNoNodeIsRunning() {
        server.close();
        assertThrows(NodeNotRunningException.class, () -> new AdminClient(socket).call("{\"op\":\"echo\"}"));
    }

    @Test
    void shouldRefuseInvalidUtf8InsteadOfReplacingIt() throws Exception {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            final byte[] head = "{\"op\":\"echo\",\"text\":\"a".getBytes(StandardCharsets.UTF_8);
            final byte[] tail = "\"}\n{\"op\":\"echo\",\"text\":\"ok\"}\n".getBytes(StandardCharsets.UTF_8);
            final ByteBuffer b = ByteBuffer.allocate(head.length + 2 + tail.length).put(head).put((byte) 0xC3).put((byte) 0x28).put(tail).flip();
            while (b.hasRemaining()) {
                ch.write(b);
            }
            final LineReader in = new LineReader(java.nio.channels.Channels.newInputStream(ch), 1 << 20);
            final String first = in.read();
            assertTrue(first.contains("\"code\":\"BAD_REQUEST\"") && first.contains("not valid UTF-8"), first);
            assertEquals("{\"ok\":true,\"result\":\"ok\"}", in.read());
        }
    }

    @Test
    void shouldCloseIdleConnectionsSoIdleClientsCannotLockOutAdmin() throws Exception {
        server.close();
        server = AdminServer.start(socket, (r, stream) -> Json.string("pong"), 300, e -> { });
        final List<SocketChannel> idle = new ArrayList<>();
        try {
            for (int i = 0; i < AdminServer.MAX_CONNECTIONS; i++) {
                final SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                ch.connect(UnixDomainSocketAddress.of(socket));
                idle.add(ch);
            }
            Thread.sleep(100);
            assertEquals(AdminError.BUSY, new AdminClient(socket).call("{\"op\":\"ping\"}").code(), "every slot held");
            final long deadline = System.nanoTime() + 20_000_000_000L; // a bound for a loaded CI machine, not a timing
            AdminReply r = null;
            while (System.nanoTime() < deadline) {
                try {
                    r = new AdminClient(socket).call("{\"op\":\"ping\"}");
                    if (r.ok()) {
                        break;
                    }
                } catch (final IOException e) {
                    // every slot still held: the server answered BUSY and closed before our request was written
                }
                Thread.sleep(50);
            }
            assertTrue(r != null && r.ok(), "admin answers again once idle connections are closed");
            assertTrue(server.idleClosed() >= 1, "idle closed " + server.idleClosed());
            assertEquals(-1, idle.get(0).read(ByteBuffer.allocate(1)), "the idle connection was closed by the server");
        } finally {
            for (final SocketChannel ch : idle) {
                ch.close();
            }
        }
    }

    private List<String> raw(final String text, final int expectLines) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            final Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    final ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
                    while (b.hasRemaining()) {
                        ch.write(b);
                    }
                } catch (final IOException ignored) {
                    // reader reports
                }
            });
            final LineReader in = new LineReader(java.nio.channels.Channels.newInputStream(ch), 1 << 20);
            final List<String> lines = new ArrayList<>();
            for (int i = 0; i < expectLines; i++) {
                final String l = in.read();
                if (l == null) {
                    break;
                }
                lines.add(l);
            }
            writer.interrupt();
            return lines;
        }
    }
}
