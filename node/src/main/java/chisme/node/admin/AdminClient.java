package chisme.node.admin;

import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;

/**
 * Talks to a node's {@link AdminServer}: one connection per call, one request line, reply lines back.
 * Used by every CLI command and by the shell.
 */
public final class AdminClient {
    /** Largest reply line accepted (a large shelf dump). */
    public static final int MAX_REPLY_BYTES = 64 << 20;
    private final Path socket;

    public AdminClient(final Path socket) {
        this.socket = socket;
    }

    public Path socket() {
        return socket;
    }

    /** True when something accepts connections on {@code socket}. */
    public static boolean isListening(final Path socket) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (final IOException e) {
            return false;
        }
    }

    /** Sends {@code requestJson} (one JSON object) and returns the reply. */
    public AdminReply call(final String requestJson) throws NodeNotRunningException, IOException {
        final AdminReply[] last = new AdminReply[1];
        stream(requestJson, r -> {
            last[0] = r;
            return true;
        });
        return last[0];
    }

    /**
     * Sends {@code requestJson} and hands every line (events, then the final reply) to {@code onLine}
     * until the final reply arrives or {@code onLine} returns false.
     */
    public void stream(final String requestJson, final Predicate<AdminReply> onLine) throws NodeNotRunningException, IOException {
        final SocketChannel ch;
        if (!Files.exists(socket)) {
            throw new NodeNotRunningException(socket);
        }
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        } catch (final IOException e) {
            throw new IOException("cannot open a Unix socket: " + e.getMessage(), e);
        }
        try (ch) {
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
            } catch (final IOException e) {
                throw new NodeNotRunningException(socket);
            }
            final OutputStream out = Channels.newOutputStream(ch);
            IOException writeFailed = null;
            try {
                out.write((requestJson + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (final IOException e) {
                // A node with every admin slot taken answers BUSY and closes without reading: the reply may
                // already wait in the socket although our write found the connection closed.
                writeFailed = e;
            }
            final LineReader in = new LineReader(Channels.newInputStream(ch), MAX_REPLY_BYTES);
            while (true) {
                final String line;
                try {
                    line = in.read();
                } catch (final IOException e) {
                    throw writeFailed != null ? writeFailed : e;
                }
                if (line == null) {
                    if (writeFailed != null) {
                        throw writeFailed;
                    }
                    throw new IOException("the node closed the admin connection without replying");
                }
                if (line == LineReader.TOO_LONG) {
                    throw new IOException("reply larger than " + MAX_REPLY_BYTES + " bytes");
                }
                final AdminReply reply = AdminReply.parse(line);
                if (!onLine.test(reply) || !reply.isEvent()) {
                    return;
                }
            }
        }
    }
}
