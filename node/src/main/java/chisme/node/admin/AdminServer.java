package chisme.node.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The admin channel: a Unix domain socket (never a network port) in the node's data directory, owner
 * only (directory 0700, socket 0600). Protocol: one JSON object per line each way; a request
 * {@code {"op":...}} gets {@code {"ok":true,"result":...}} or {@code {"ok":false,"code":...,"error":...}};
 * streaming operations first send {@code {"event":...}} lines. Each connection runs on its own virtual
 * thread; a malformed or oversized request gets an error reply and never stops the server.
 */
public final class AdminServer implements AutoCloseable {
    /** Largest request line (a shelf insert carries the JSON object in it). */
    public static final int MAX_REQUEST_BYTES = 4 << 20;
    /** Connections served at once; more get a BUSY reply. */
    public static final int MAX_CONNECTIONS = 32;

    private final Path socket;
    private final AdminHandler handler;
    private final ServerSocketChannel server;
    private final Semaphore slots = new Semaphore(MAX_CONNECTIONS);
    /** Default idle timeout: a connection that sends nothing this long (and waits for no reply) is closed. */
    public static final long DEFAULT_IDLE_TIMEOUT_MS = 60_000;

    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private final long idleTimeoutMs;
    private final Consumer<Throwable> onDeath;
    private final AtomicLong idleClosed = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong badRequests = new AtomicLong();
    private final Thread acceptor;
    private volatile boolean closed;

    private AdminServer(final Path socket, final AdminHandler handler, final ServerSocketChannel server,
                        final long idleTimeoutMs, final Consumer<Throwable> onDeath) {
        this.socket = socket;
        this.handler = handler;
        this.server = server;
        this.idleTimeoutMs = idleTimeoutMs;
        this.onDeath = onDeath;
        this.acceptor = Thread.ofVirtual().name("admin-accept").unstarted(this::acceptLoopGuarded);
    }

    /** One client connection: idle since {@code lastActiveNs} unless a request is being answered. */
    private static final class Connection {
        final SocketChannel channel;
        volatile long lastActiveNs = System.nanoTime();
        volatile boolean busy;

        Connection(final SocketChannel channel) {
            this.channel = channel;
        }
    }

    /**
     * Binds {@code socket} (its directory is made owner-only) and starts accepting. A stale socket file
     * left by a crashed node is replaced; a live one means another node owns this data directory.
     */
    public static AdminServer start(final Path socket, final AdminHandler handler) throws IOException {
        return start(socket, handler, DEFAULT_IDLE_TIMEOUT_MS, e -> { });
    }

    /**
     * {@link #start(Path, AdminHandler)} closing connections idle for {@code idleTimeoutMs} (so idle clients
     * cannot hold every slot) and telling {@code onDeath} if the accept loop ever dies of a fault.
     */
    public static AdminServer start(final Path socket, final AdminHandler handler, final long idleTimeoutMs,
                                    final Consumer<Throwable> onDeath) throws IOException {
        final Path dir = socket.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        if (Files.exists(socket)) {
            if (AdminClient.isListening(socket)) {
                throw new IOException("another node is already running with this data directory (" + socket + " answers)");
            }
            Files.delete(socket);
        }
        final ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        } catch (final IOException e) {
            server.close();
            throw e;
        }
        final AdminServer s = new AdminServer(socket, handler, server, idleTimeoutMs, onDeath);
        s.acceptor.start();
        Thread.ofVirtual().name("admin-idle").start(s::closeIdleLoop);
        return s;
    }

    public Path socket() {
        return socket;
    }

    /** Requests handled so far (any outcome). */
    public long requests() {
        return requests.get();
    }

    /** Requests rejected as malformed or too large. */
    public long badRequests() {
        return badRequests.get();
    }

    /** Connections closed because they were idle too long. */
    public long idleClosed() {
        return idleClosed.get();
    }

    private void acceptLoopGuarded() {
        try {
            acceptLoop();
        } catch (final Throwable t) {
            if (!closed) {
                onDeath.accept(t);
            }
        }
    }

    private void closeIdleLoop() {
        final long periodMs = Math.max(10, Math.min(1_000, idleTimeoutMs / 4));
        while (!closed) {
            try {
                Thread.sleep(periodMs);
            } catch (final InterruptedException e) {
                return;
            }
            final long now = System.nanoTime();
            for (final Connection c : open) {
                if (!c.busy && now - c.lastActiveNs > idleTimeoutMs * 1_000_000L) {
                    idleClosed.incrementAndGet();
                    try {
                        c.channel.close();
                    } catch (final IOException ignored) {
                        // closing anyway
                    }
                }
            }
        }
    }

    private void acceptLoop() {
        while (!closed) {
            final SocketChannel ch;
            try {
                ch = server.accept();
            } catch (final ClosedChannelException e) {
                return;
            } catch (final IOException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            if (!slots.tryAcquire()) {
                try (ch) {
                    write(Channels.newOutputStream(ch), error(AdminError.BUSY, "too many admin connections"));
                } catch (final IOException ignored) {
                    // client gone
                }
                continue;
            }
            final Connection c = new Connection(ch);
            open.add(c);
            Thread.ofVirtual().name("admin-conn").start(() -> serve(c));
        }
    }

    private void serve(final Connection c) {
        final SocketChannel ch = c.channel;
        try (ch) {
            final InputStream in = Channels.newInputStream(ch);
            final OutputStream out = Channels.newOutputStream(ch);
            final LineReader lines = new LineReader(in, MAX_REQUEST_BYTES);
            String line;
            while (!closed && (line = lines.read()) != null) {
                if (line.isBlank()) {
                    c.lastActiveNs = System.nanoTime();
                    continue;
                }
                requests.incrementAndGet();
                c.busy = true;
                if (line == LineReader.TOO_LONG) {
                    badRequests.incrementAndGet();
                    write(out, error(AdminError.TOO_LARGE, "request larger than " + MAX_REQUEST_BYTES + " bytes"));
                } else if (line == LineReader.NOT_UTF8) {
                    badRequests.incrementAndGet();
                    write(out, error(AdminError.BAD_REQUEST, "request is not valid UTF-8"));
                } else {
                    write(out, answer(line, out));
                }
                c.lastActiveNs = System.nanoTime();
                c.busy = false;
            }
        } catch (final IOException | RuntimeException e) {
            // the client went away or sent garbage we could not even frame: drop the connection only
        } finally {
            open.remove(c);
            slots.release();
        }
    }

    private String answer(final String line, final OutputStream out) throws IOException {
        try {
            final AdminRequest request = AdminRequest.parse(line);
            final String result = handler.handle(request, json -> write(out, "{\"event\":" + json + "}"));
            return "{\"ok\":true,\"result\":" + (result == null ? "null" : result) + "}";
        } catch (final AdminException e) {
            if (e.code() == AdminError.BAD_REQUEST) {
                badRequests.incrementAndGet();
            }
            return error(e.code(), e.getMessage());
        } catch (final IOException e) {
            throw e;
        } catch (final RuntimeException e) {
            // A bug or an unexpected failure inside the node: one error reply, the server keeps going.
            return error(AdminError.FAILED, e.getClass().getSimpleName() + ": " + AdminRequest.firstLine(e.getMessage()));
        }
    }

    static String error(final AdminError code, final String message) {
        return Json.write(g -> {
            g.writeStartObject();
            g.writeBooleanField("ok", false);
            g.writeStringField("code", code.name());
            g.writeStringField("error", message == null ? code.name() : message);
            g.writeEndObject();
        });
    }

    private static void write(final OutputStream out, final String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Stops accepting, closes every connection and removes the socket file. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (final IOException ignored) {
            // closing anyway
        }
        for (final Connection c : open) {
            try {
                c.channel.close();
            } catch (final IOException ignored) {
                // closing anyway
            }
        }
        try {
            acceptor.join(2_000);
            Files.deleteIfExists(socket);
        } catch (final IOException | InterruptedException ignored) {
            // best effort: a stale socket file is replaced at the next start
        }
    }
}
