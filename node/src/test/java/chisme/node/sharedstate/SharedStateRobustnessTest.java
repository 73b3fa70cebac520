package chisme.node.sharedstate;

import chisme.node.metrics.CounterId;
import chisme.store.StoreConfig;
import chisme.store.Stores;
import chisme.wire.BodyDeflater;
import chisme.wire.BookRequestFlyweight;
import chisme.wire.BooksFlyweight;
import chisme.wire.HeaderFlyweight;
import chisme.wire.MessageType;
import chisme.wire.NodeId;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Junk from the network, misbehaving hooks, publishers, discovery, and the Chronicle Map store. */
class SharedStateRobustnessTest {
    private static SharedStateConfig config() {
        // Junk and valid books come unsigned from raw sockets: the shelves take unsigned books (signing: BookSigningTest).
        return new SharedStateConfig().defaultShelf(ShelfConfig.DEFAULT.syncIntervalMs(200).writers(WritePolicy.OPEN)).callTimeoutMs(500);
    }

    private static Path script(final Path dir, final String name, final String body) throws IOException {
        Files.createDirectories(dir);
        final Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    @Test
    void shouldDropAndCountMalformedGossip() throws IOException {
        // The junk comes from a configured neighbour: pushes from anyone else are dropped before decoding.
        try (DatagramChannel ch = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
             TestNode node = new TestNode("target", 5).start(config().staticNeighbour(
                 "127.0.0.1:" + ((InetSocketAddress) ch.getLocalAddress()).getPort()), null, System::currentTimeMillis, null)) {
            final InetSocketAddress to = node.address();
            final UnsafeBuffer b = new UnsafeBuffer(new byte[512]);
            final HeaderFlyweight h = new HeaderFlyweight().wrap(b, 0);
            final NodeId junkId = NodeId.random(new SplittableRandom(9));
            // 1. A BOOKS frame whose lengths are wrong: the wire validator drops it.
            h.encode(MessageType.BOOKS, 0, 1, junkId);
            b.putByte(32, (byte) 1);
            b.putByte(33, (byte) 's');
            b.putShort(34, (short) 5, java.nio.ByteOrder.LITTLE_ENDIAN);
            send(ch, b, 36, to);
            // 2. A well-framed BOOKS frame carrying data that is not JSON: dropped by the merge.
            final BooksFlyweight books = new BooksFlyweight().wrap(b, 0).header(0, 2, junkId);
            books.encode("s".getBytes(StandardCharsets.US_ASCII));
            final int p = books.appendBook("k".getBytes(StandardCharsets.UTF_8), junkId, new byte[0], 1, 10, 0,
                "{not json".getBytes(StandardCharsets.UTF_8));
            send(ch, b, p, to);
            // 3. A BOOK_REQUEST with an even word count: framed right, our decoder refuses it.
            final int n = new BookRequestFlyweight().wrap(b, 0).header(0, 3, junkId).encode("s".getBytes(StandardCharsets.US_ASCII), 2);
            send(ch, b, n, to);
            Await.until("three drops counted", 5_000, () -> node.counters.get(CounterId.DROP_BAD_LENGTH) >= 1
                && node.ss.counters().get(SharedStateCounter.DROP_BAD_BOOK) >= 1
                && node.ss.counters().get(SharedStateCounter.DROP_BAD_BODY) >= 1);
            assertEquals("{}", node.ss.get("s"), "nothing stored from junk");
            node.ss.insert("s", "{\"still\": \"alive\"}");
            assertEquals("{\"still\":\"alive\"}", node.ss.get("s"));
        }
    }

    @Test
    void shouldDropAndCountJunkCatchUpFrames() throws IOException {
        // The junk comes from a configured neighbour: pushes from anyone else are dropped before decoding.
        try (DatagramChannel ch = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
             TestNode node = new TestNode("target", 5).start(config().staticNeighbour(
                 "127.0.0.1:" + ((InetSocketAddress) ch.getLocalAddress()).getPort()), null, System::currentTimeMillis, null)) {
            final InetSocketAddress to = node.address();
            final NodeId junkId = NodeId.random(new SplittableRandom(10));
            final UnsafeBuffer b = new UnsafeBuffer(new byte[4_096]);
            final HeaderFlyweight h = new HeaderFlyweight().wrap(b, 0);
            // 1. A deflated BOOKS push whose body is not a DEFLATE stream.
            h.encode(MessageType.BOOKS, HeaderFlyweight.FLAG_DEFLATED, 1, junkId);
            for (int i = 0; i < 200; i++) {
                b.putByte(HeaderFlyweight.LENGTH + i, (byte) (i * 37 + 0xFF));
            }
            send(ch, b, HeaderFlyweight.LENGTH + 200, to);
            // 2. A deflate bomb: 1 MB of zeros in ~1 KB; inflating stops at the message limit and drops it.
            final int bomb = new BodyDeflater(9).deflate(new UnsafeBuffer(new byte[1_000_000]), 0, 1_000_000, b,
                HeaderFlyweight.LENGTH, 2_000);
            assertTrue(bomb > 0 && bomb < 1_200, "fits one datagram: " + bomb);
            h.encode(MessageType.BOOKS, HeaderFlyweight.FLAG_DEFLATED, 2, junkId);
            send(ch, b, HeaderFlyweight.LENGTH + bomb, to);
            // 3. A CONTINUED BOOK_REQUEST with an odd word count: range and cursor, then half a pair.
            final BookRequestFlyweight r = new BookRequestFlyweight().wrap(b, 0).header(HeaderFlyweight.FLAG_CONTINUED, 3, junkId);
            send(ch, b, r.encode("s".getBytes(StandardCharsets.US_ASCII), 3), to);
            // 4. FLAG_DEFLATED on a SHELF_DIGEST: refused by the wire decoder.
            h.encode(MessageType.SHELF_DIGEST, HeaderFlyweight.FLAG_DEFLATED, 4, junkId);
            b.putByte(HeaderFlyweight.LENGTH, (byte) 0);
            send(ch, b, HeaderFlyweight.LENGTH + 1, to);
            Await.until("four drops counted", 5_000, () -> node.ss.counters().get(SharedStateCounter.DROP_BAD_BODY) >= 3
                && node.counters.get(CounterId.DROP_BAD_FLAGS) >= 1);
            assertEquals("{}", node.ss.get("s"), "nothing stored from junk");
            // Still serving, and a real deflated push is merged.
            final BooksFlyweight books = new BooksFlyweight().wrap(b, 0).header(HeaderFlyweight.FLAG_DEFLATED, 5, junkId);
            books.encode("s".getBytes(StandardCharsets.US_ASCII));
            final int plain = books.appendBook("k".getBytes(StandardCharsets.UTF_8), junkId, new byte[0], 1, 10, 0,
                "{\"ok\":1}".getBytes(StandardCharsets.UTF_8));
            final UnsafeBuffer d = new UnsafeBuffer(new byte[4_096]);
            d.putBytes(0, b, 0, HeaderFlyweight.LENGTH);
            final int n = new BodyDeflater(6).deflate(b, HeaderFlyweight.LENGTH, plain - HeaderFlyweight.LENGTH, d,
                HeaderFlyweight.LENGTH, 4_000);
            send(ch, d, HeaderFlyweight.LENGTH + n, to);
            Await.until("the valid deflated push merged", 5_000, () -> node.ss.get("s").equals("{\"k\":{\"ok\":1}}"));
            node.ss.insert("s", "{\"still\": \"alive\"}");
            assertTrue(node.ss.get("s").contains("\"still\":\"alive\""));
        }
    }

    private static void send(final DatagramChannel ch, final UnsafeBuffer b, final int len, final InetSocketAddress to) throws IOException {
        final byte[] bytes = new byte[len];
        b.getBytes(0, bytes);
        ch.send(ByteBuffer.wrap(bytes), to);
    }

    @Test
    void shouldKillAHangingHookWithoutStallingTheNode(@TempDir final Path dir) throws IOException {
        script(dir.resolve("hooks").resolve("s"), "hang", "cat > /dev/null\nexec sleep 30");
        final List<ProgramRun> runs = new CopyOnWriteArrayList<>();
        try (TestNode node = new TestNode("hooked", 6).start(config().hooksDir(dir.resolve("hooks")).hookTimeoutMs(300), null,
            System::currentTimeMillis, s -> s.hookListener(runs::add))) {
            final long t0 = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                node.ss.insert("s", "{\"k\": " + i + "}");
            }
            final long burstMs = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(burstMs < 2_000, "inserts do not wait for hooks");
            Await.until("the re-run with the latest state", 5_000, () -> runs.size() >= 2);
            assertTrue(runs.stream().allMatch(ProgramRun::timedOut), "killed at the timeout");
            Await.until("no more runs pending", 3_000, () -> node.ss.counters().get(SharedStateCounter.HOOK_RUNS) == runs.size());
            // Changes during a run coalesce into one re-run: one run per 300 ms timeout while the burst lasted, plus
            // the first and the last (at most 3 when the burst fits in one run; a loaded machine may stretch it).
            final long allowed = 3 + burstMs / 300;
            assertTrue(runs.size() <= allowed, "20 changes in " + burstMs + " ms coalesce, at most " + allowed + " runs, got " + runs.size());
            assertEquals("{\"k\":19}", new String(runs.get(runs.size() - 1).stdin(), StandardCharsets.UTF_8));
            assertTrue(node.ss.counters().get(SharedStateCounter.HOOK_TIMEOUTS) >= 2);
            assertTrue(node.eventLog.recent(10).stream().anyMatch(e -> e.message().contains("killed after timeout")));
        }
    }

    @Test
    void shouldFeedLibremeshFormatToHooksWhenAsked(@TempDir final Path dir) throws IOException {
        script(dir.resolve("hooks").resolve("s"), "ok", "cat > /dev/null\necho done");
        final List<ProgramRun> runs = new CopyOnWriteArrayList<>();
        try (TestNode node = new TestNode("lua", 7).start(config().hooksDir(dir.resolve("hooks")).libremeshHooks(true), null,
            System::currentTimeMillis, s -> s.hookListener(runs::add))) {
            node.ss.insert("s", "{\"k\": 1}");
            Await.until("hook ran", 5_000, () -> !runs.isEmpty());
            assertEquals("{\"k\":{\"bleachTTL\":30,\"author\":\"lua\",\"data\":1}}", new String(runs.get(0).stdin(), StandardCharsets.UTF_8));
            assertEquals("done\n", runs.get(0).output());
        }
    }

    @Test
    void shouldRunPublishersWithTheDataDir(@TempDir final Path dir) throws IOException {
        final Path out = dir.resolve("out");
        script(dir.resolve("publishers"), "pub", "echo \"$CHISME_DATA\" >> " + out + "\nexit 3");
        final List<ProgramRun> runs = new CopyOnWriteArrayList<>();
        try (TestNode node = new TestNode("pub", 8).start(config().publishersDir(dir.resolve("publishers")).dataDir(dir)
            .publisherIntervalMs(200), null, System::currentTimeMillis, s -> s.publisherListener(runs::add))) {
            Await.until("ran at start and then periodically", 5_000, () -> runs.size() >= 3);
            assertEquals(3, runs.get(0).exitCode());
            assertTrue(Files.readString(out).startsWith(dir.toString()));
            assertTrue(node.ss.counters().get(SharedStateCounter.PUBLISHER_FAILURES) >= 3);
        }
    }

    @Test
    void shouldGossipWithDiscoveredNeighbours(@TempDir final Path dir) throws IOException {
        // b accepts pushes only from its neighbours: it lists a statically, a finds b by discovery.
        try (TestNode a = new TestNode("a", 20); TestNode b = new TestNode("b", 21)) {
            b.start(config().staticNeighbour(a.addressText()), null, System::currentTimeMillis, null);
            final Path cmd = script(dir, "candidates", "echo 'not an address:xx'\necho '127.0.0.1:" + b.address().getPort() + "'");
            {
                a.start(config().discoveryCommand(List.of(cmd.toString())).discoveryIntervalMs(200), null, System::currentTimeMillis, null);
                Await.until("discovered", 5_000, () -> a.ss.neighbours().equals(List.of(b.address())));
                a.ss.insert("s", "{\"found\": true}");
                Await.until("pushed to the discovered neighbour", 5_000, () -> b.ss.get("s").equals("{\"found\":true}"));
                assertTrue(a.ss.counters().get(SharedStateCounter.DISCOVERY_FAILURES) >= 1, "the junk line is counted");
            }
        }
    }

    @Test
    void shouldSyncOverTheChronicleBookStore(@TempDir final Path dir) {
        try (Stores stores = Stores.open(new StoreConfig().dataDir(dir).maxBooks(1_000).conclude());
             TestNode a = new TestNode("a", 30); TestNode mid = new TestNode("mid", 31); TestNode c = new TestNode("c", 32)) {
            a.start(config().staticNeighbour(mid.addressText()), null, System::currentTimeMillis, null);
            mid.start(config().staticNeighbour(a.addressText()).staticNeighbour(c.addressText()), stores.books(),
                System::currentTimeMillis, null);
            mid.store = null; // closed with the Stores
            c.start(config().staticNeighbour(mid.addressText()), null, System::currentTimeMillis, null);
            a.ss.insert("s", "{\"x\": {\"deep\": [1, 2]}}");
            Await.until("through the Chronicle node", 5_000, () -> c.ss.get("s").equals("{\"x\":{\"deep\":[1,2]}}"));
            c.ss.remove("s", "[\"x\"]");
            Await.until("tombstone through the Chronicle node", 5_000, () -> a.ss.get("s").equals("{}"));
            assertTrue(mid.ss.dump("s").contains("\"tombstone\":true"));
        }
    }

    @Test
    void shouldClampPersistedExpiriesFromAnotherTimeLine(@TempDir final Path dir) {
        try (Stores stores = Stores.open(new StoreConfig().dataDir(dir).maxBooks(100).conclude())) {
            final long farFuture = chisme.node.transport.Clock.SYSTEM.nowMs() + 10L * 24 * 3_600_000;
            stores.books().put(new chisme.store.Book("s", "old", NodeId.random(new SplittableRandom(3)), "before-reboot", 5,
                farFuture, false, "1".getBytes(StandardCharsets.UTF_8)));
            try (TestNode node = new TestNode("rebooted", 40)) {
                node.start(config(), stores.books(), System::currentTimeMillis, null);
                node.store = null; // closed with the Stores
                assertEquals("{\"old\":1}", node.ss.get("s"));
                final String dump = node.ss.dump("s");
                final long ttlMs = Long.parseLong(dump.substring(dump.indexOf("\"ttlMs\":") + 8, dump.indexOf(",\"tombstone\"")));
                assertTrue(ttlMs <= ShelfConfig.DEFAULT.ttlMs(), "at most one shelf TTL left, got " + ttlMs);
            }
        }
    }
}
