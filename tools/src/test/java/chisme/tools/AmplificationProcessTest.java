package chisme.tools;

import chisme.node.admin.AdminClient;
import chisme.wire.BookRequestFlyweight;
import chisme.wire.BucketDigestFlyweight;
import chisme.wire.ErrorCode;
import chisme.wire.ErrorFlyweight;
import chisme.wire.FindNodeFlyweight;
import chisme.wire.FindValueFlyweight;
import chisme.wire.HeaderFlyweight;
import chisme.wire.MessageType;
import chisme.wire.NodeId;
import chisme.wire.PongFlyweight;
import chisme.wire.ShelfDigestFlyweight;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12 item 5 on a real {@code chisme node} process: a spoofed source (a socket that sends requests and
 * never answers the node's PING, as a victim whose address an attacker forged would not) gets at most 3x
 * the bytes it sent, for each vector the issue measured (FIND_VALUE of a large value, SHELF_DIGEST of many
 * shelves, BOOK_REQUEST, BUCKET_DIGEST, FIND_NODE). The control: a requester that answers the PING (proves
 * its address) gets every full answer after one retry.
 */
class AmplificationProcessTest {
    private static final long READY_MS = 60_000;
    private static final int ROUNDS = 10;
    private static final int SHELVES = 120;
    private static final String BIG_SHELF = "big";
    private static final int BIG_BOOKS = 150;

    @TempDir
    Path tmp;

    private final UnsafeBuffer out = new UnsafeBuffer(new byte[2048]);
    private final NodeId myId = NodeId.random();

    @Test
    void shouldNeverSendAnUnprovenAddressMoreThanThreeTimesItsRequestButServeAProvenOneInFull() throws Exception {
        final String host = "127.0.9.1";
        try (DaemonProcess d = new DaemonProcess(tmp.resolve("n"), host, DaemonProcess.freePort(),
            new ArrayList<>(List.of("--link-discovery", "off"))).start()) {
            d.awaitReady(READY_MS);
            final byte[] value = new byte[60_000];
            ThreadLocalRandom.current().nextBytes(value);
            fill(new AdminClient(d.dataDir.resolve("admin.sock")), value);
            final NodeId valueKey = NodeId.fromBytes(MessageDigest.getInstance("SHA-1").digest(value));
            final InetSocketAddress node = new InetSocketAddress(InetAddress.getByName(host), d.port);

            final Map<String, IntUnaryOperator> vectors = new LinkedHashMap<>();
            vectors.put("FIND_VALUE 60 KB", o -> new FindValueFlyweight().wrap(out, 0).encode(valueKey));
            vectors.put("SHELF_DIGEST " + (SHELVES + 1) + " shelves", o -> new ShelfDigestFlyweight().wrap(out, 0).encode());
            vectors.put("BOOK_REQUEST " + BIG_BOOKS + " books",
                o -> new BookRequestFlyweight().wrap(out, 0).encodeRange(BIG_SHELF.getBytes(StandardCharsets.US_ASCII), 0, 0, 0));
            vectors.put("BUCKET_DIGEST", o -> new BucketDigestFlyweight().wrap(out, 0)
                .encode(BIG_SHELF.getBytes(StandardCharsets.US_ASCII), 0, 0, 0));
            vectors.put("FIND_NODE", o -> new FindNodeFlyweight().wrap(out, 0).encode(NodeId.random()));
            final int[] types = {MessageType.FIND_VALUE, MessageType.SHELF_DIGEST, MessageType.BOOK_REQUEST,
                MessageType.BUCKET_DIGEST, MessageType.FIND_NODE};
            final long[] provenBytes = new long[types.length];
            final StringBuilder report = new StringBuilder();
            int t = 0;
            for (final Map.Entry<String, IntUnaryOperator> v : vectors.entrySet()) {
                // A fresh "victim" address per vector: one that never answers.
                try (DatagramChannel victim = open("127.0.9.2")) {
                    long sent = 0;
                    for (int i = 0; i < ROUNDS; i++) {
                        sent += send(victim, node, types[t], v.getValue().applyAsInt(0), ThreadLocalRandom.current().nextLong());
                    }
                    final Received got = drain(victim, 1_500, null, node);
                    final double ratio = (double) got.bytes / sent;
                    report.append(String.format("%-28s spoofed: sent %6d B, got %6d B (%.2fx; %d ERROR UNVERIFIED)%n",
                        v.getKey(), sent, got.bytes, ratio, got.unverified));
                    assertTrue(ratio <= 3.0, v.getKey() + ": " + report);
                    if (types[t] != MessageType.FIND_NODE) { // a lone node's NODES reply (one contact) is short: allowed
                        assertTrue(got.unverified > 0, v.getKey() + " was refused with ERROR UNVERIFIED: " + report);
                    }
                }
                // Control: a requester that answers the PING gets the whole answer.
                try (DatagramChannel honest = open("127.0.9.3")) {
                    final long id = ThreadLocalRandom.current().nextLong();
                    send(honest, node, types[t], v.getValue().applyAsInt(0), id);
                    Received got = drain(honest, 1_000, node, node); // answers the verification PING
                    final long deadline = System.currentTimeMillis() + 5_000;
                    while (got.unverified > 0 && System.currentTimeMillis() < deadline) {
                        send(honest, node, types[t], v.getValue().applyAsInt(0), ThreadLocalRandom.current().nextLong());
                        got = drain(honest, 1_000, node, node);
                    }
                    provenBytes[t] = got.bytes;
                    report.append(String.format("%-28s proven:  got %6d B%n", v.getKey(), got.bytes));
                    assertEquals(0, got.unverified, "a proven requester is answered in full: " + report);
                }
                t++;
            }
            System.out.print(report);
            assertTrue(provenBytes[0] > value.length, "the proven requester got the 60 KB value: " + report);
            assertTrue(provenBytes[1] > SHELVES * 20, "and every shelf in the digest: " + report);
            assertTrue(provenBytes[2] > BIG_BOOKS * 50, "and the books: " + report);
            assertTrue(provenBytes[3] > 64 * 12, "and 64 buckets: " + report);
            assertTrue(provenBytes[4] > HeaderFlyweight.LENGTH, "and a NODES reply: " + report);
            assertEquals(0, d.terminate(10_000), d.logText());
        }
    }

    /** A 60 KB value, SHELVES one-book shelves and one shelf of BIG_BOOKS books, through the admin socket. */
    private static void fill(final AdminClient admin, final byte[] value) throws Exception {
        admin.call("{\"op\":\"publish\",\"valueBase64\":\"" + Base64.getEncoder().encodeToString(value) + "\"}");
        for (int s = 0; s < SHELVES; s++) {
            insert(admin, "shelf-" + s, "{\"k\":\"v" + s + "\"}");
        }
        final StringBuilder json = new StringBuilder("{");
        for (int b = 0; b < BIG_BOOKS; b++) {
            json.append(b == 0 ? "" : ",").append("\"key-").append(b).append("\":\"").append("x".repeat(100)).append('"');
        }
        insert(admin, BIG_SHELF, json.append('}').toString());
    }

    private static void insert(final AdminClient admin, final String shelf, final String json) throws Exception {
        final String escaped = json.replace("\\", "\\\\").replace("\"", "\\\"");
        final var reply = admin.call("{\"op\":\"shelf.insert\",\"shelf\":\"" + shelf + "\",\"json\":\"" + escaped + "\"}");
        assertTrue(reply.ok(), shelf + ": " + reply);
    }

    private static DatagramChannel open(final String address) throws IOException {
        final DatagramChannel c = DatagramChannel.open();
        c.bind(new InetSocketAddress(InetAddress.getByName(address), 0));
        c.configureBlocking(false);
        return c;
    }

    private long send(final DatagramChannel c, final InetSocketAddress to, final int type, final int length, final long id)
        throws IOException {
        new HeaderFlyweight().wrap(out, 0).encode(type, 0, id, myId);
        return c.send(ByteBuffer.wrap(out.byteArray(), 0, length), to);
    }

    private record Received(long bytes, int unverified) {
    }

    /**
     * Reads for {@code ms}: counts bytes and ERROR UNVERIFIED replies; if {@code answerPingsOf} is set, answers
     * its PINGs with a PONG (proving this address).
     */
    private Received drain(final DatagramChannel c, final long ms, final InetSocketAddress answerPingsOf,
                           final InetSocketAddress node) throws IOException, InterruptedException {
        final ByteBuffer in = ByteBuffer.allocate(65_536);
        final UnsafeBuffer view = new UnsafeBuffer(in.array());
        final HeaderFlyweight h = new HeaderFlyweight();
        long bytes = 0;
        int unverified = 0;
        final long end = System.currentTimeMillis() + ms;
        while (System.currentTimeMillis() < end) {
            in.clear();
            final var from = c.receive(in);
            if (from == null) {
                Thread.sleep(5);
                continue;
            }
            bytes += in.position();
            h.wrap(view, 0);
            if (h.type() == MessageType.ERROR && new ErrorFlyweight().wrap(view, 0).code() == ErrorCode.UNVERIFIED) {
                unverified++;
            }
            if (h.type() == MessageType.PING && answerPingsOf != null && from.equals(answerPingsOf)) {
                final UnsafeBuffer pong = new UnsafeBuffer(new byte[64]);
                new HeaderFlyweight().wrap(pong, 0).encode(MessageType.PONG, 0, h.transactionId(), myId);
                final int n = new PongFlyweight().wrap(pong, 0).encode(node.getAddress().getAddress(), node.getPort());
                c.send(ByteBuffer.wrap(pong.byteArray(), 0, n), answerPingsOf);
            }
        }
        return new Received(bytes, unverified);
    }
}
