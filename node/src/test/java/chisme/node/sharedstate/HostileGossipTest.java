package chisme.node.sharedstate;

import chisme.store.Book;
import chisme.store.InMemoryBookStore;
import chisme.wire.BooksFlyweight;
import chisme.wire.NodeId;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12 item 3, each attack with its control: a push from a stranger, versions 2^64-1 and year 2100
 * from a real neighbour, and a node whose clock says 1970.
 */
class HostileGossipTest {
    private static final long YEAR_2100_MS = 4_102_444_800_000L;
    private static final NodeId MALLORY = NodeId.random(new SplittableRandom(66));

    private static SharedStateConfig config() {
        // Unsigned pushes from a raw socket: these attacks are about neighbours, versions and space, not authorship
        // (BookSigningTest), so the shelves take unsigned books.
        return new SharedStateConfig().defaultShelf(ShelfConfig.DEFAULT.syncIntervalMs(60_000).writers(WritePolicy.OPEN))
            .callTimeoutMs(300).routingTableNeighbours(false);
    }

    @Test
    void shouldDropPushesFromAddressesThatAreNotNeighbours() throws IOException {
        try (DatagramChannel neighbour = channel(); DatagramChannel stranger = channel();
             TestNode node = new TestNode("target", 7).start(config().staticNeighbour(text(neighbour)), null,
                 System::currentTimeMillis, null)) {
            push(stranger, node.address(), "dns", "mallory", HybridLogicalClock.CLOCK_FLOOR_MS << 16, "{\"a\":\"6.6.6.6\"}");
            Await.until("the stranger's push counted as a drop", 5_000,
                () -> node.ss.counters().get(SharedStateCounter.DROP_NOT_NEIGHBOUR) == 1);
            assertEquals("{}", node.ss.get("dns"), "attacker got nothing");
            // Control: the same push from a neighbour is merged.
            push(neighbour, node.address(), "dns", "friend", System.currentTimeMillis() << 16, "{\"a\":\"10.1.1.1\"}");
            Await.until("the neighbour's push merged", 5_000, () -> node.ss.get("dns").contains("friend"));
            assertEquals(1, node.ss.counters().get(SharedStateCounter.DROP_NOT_NEIGHBOUR));
        }
    }

    @Test
    void shouldRefuseVersionsFromTheFarFutureAndKeepTheOwnerInControl() throws IOException {
        try (DatagramChannel neighbour = channel();
             TestNode node = new TestNode("owner", 8).start(config().staticNeighbour(text(neighbour)), null,
                 System::currentTimeMillis, null)) {
            node.ss.insert("dns", "{\"host\": \"10.0.0.1\"}");
            final long ownVersion = node.store.get("dns", "host").version();
            // 2^64-1 and year 2100, from a real neighbour: refused, counted, not adopted into the clock.
            push(neighbour, node.address(), "dns", "host", -1L, "\"6.6.6.6\"");
            push(neighbour, node.address(), "dns", "host", YEAR_2100_MS << 16, "\"6.6.6.7\"");
            Await.until("both refused", 5_000, () -> node.ss.counters().get(SharedStateCounter.DROP_VERSION_AHEAD) == 2);
            assertEquals("{\"host\":\"10.0.0.1\"}", node.ss.get("dns"), "attacker got nothing");
            // The owner's next edit and removal carry a version near now, above the old one (no wrap, no 2100).
            node.ss.insert("dns", "{\"host\": \"10.0.0.2\"}");
            final long edited = node.store.get("dns", "host").version();
            assertTrue(Long.compareUnsigned(edited, ownVersion) > 0);
            assertTrue(HybridLogicalClock.wallOf(edited) < System.currentTimeMillis() + 60_000, "not dated in the future");
            assertEquals(1, node.ss.remove("dns", "[\"host\"]"));
            assertTrue(node.store.get("dns", "host").tombstone());
            // Control: a neighbour's edit dated 30 minutes ahead (within the 1 h bound) still wins.
            push(neighbour, node.address(), "dns", "host", (System.currentTimeMillis() + 1_800_000) << 16, "\"10.0.0.3\"");
            Await.until("a plausible version merged", 5_000, () -> node.ss.get("dns").contains("10.0.0.3"));
            assertEquals(2, node.ss.counters().get(SharedStateCounter.DROP_VERSION_AHEAD));
        }
    }

    @Test
    void shouldLetANodeBootedIn1970OverwriteItsOwnOlderBooks() {
        final InMemoryBookStore store = new InMemoryBookStore(1_000, 16L << 20, 65_536);
        final long before;
        final TestNode first = new TestNode("router", 9).start(config(), store, System::currentTimeMillis, null);
        try {
            first.ss.insert("dns", "{\"host\": \"10.0.0.1\"}");
            before = store.get("dns", "host").version();
        } finally {
            first.ss.close();
            first.agent.close();
        }
        // Reboot without RTC: the wall clock reads 1970 and only counts up from there.
        final AtomicLong wall = new AtomicLong(5_000);
        try (TestNode again = new TestNode("router", 9).start(config(), store, wall::get, null)) {
            again.ss.insert("dns", "{\"host\": \"10.0.0.2\"}");
            final Book edited = store.get("dns", "host");
            assertTrue(Long.compareUnsigned(edited.version(), before) > 0, "the 1970 edit orders after the older one");
            assertEquals("{\"host\":\"10.0.0.2\"}", again.ss.get("dns"));
            assertEquals(1, again.ss.remove("dns", "[\"host\"]"));
            assertTrue(Long.compareUnsigned(store.get("dns", "host").version(), edited.version()) > 0);
        }
    }

    @Test
    void shouldKeepAShareOfTheBookStoreForLocalInserts() throws IOException {
        final InMemoryBookStore small = new InMemoryBookStore(10, 16L << 20, 65_536);
        try (DatagramChannel neighbour = channel();
             TestNode node = new TestNode("full", 10).start(config().staticNeighbour(text(neighbour)), small,
                 System::currentTimeMillis, null)) {
            for (int i = 0; i < 12; i++) {
                push(neighbour, node.address(), "dns", "remote-" + i, System.currentTimeMillis() << 16, "1");
            }
            Await.until("12 pushes handled", 5_000, () -> node.ss.counters().get(SharedStateCounter.BOOKS_ACCEPTED)
                + node.ss.counters().get(SharedStateCounter.DROP_RESERVED_FOR_LOCAL) == 12);
            // Control: remote books are welcome up to 80% of the quota; no more.
            assertEquals(8, node.ss.counters().get(SharedStateCounter.BOOKS_ACCEPTED));
            assertEquals(4, node.ss.counters().get(SharedStateCounter.DROP_RESERVED_FOR_LOCAL));
            // Local inserts still fit.
            node.ss.insert("dns", "{\"own-1\": 1, \"own-2\": 2}");
            assertEquals(10, small.size());
        }
    }

    @Test
    void shouldNeverWrapOrAdoptARefusedVersion() {
        final HybridLogicalClock c = new HybridLogicalClock();
        final long now = System.currentTimeMillis();
        final long first = c.tick(now);
        assertTrue(!c.accept(-1L, now, 3_600_000), "2^64-1 refused");
        assertTrue(!c.accept(YEAR_2100_MS << 16, now, 3_600_000), "2100 refused");
        assertEquals(first, c.version(), "refused versions never reach the clock");
        // Control: a version 10 minutes ahead is adopted, and the next tick orders after it.
        final long ahead = (now + 600_000) << 16;
        assertTrue(c.accept(ahead, now, 3_600_000));
        assertTrue(Long.compareUnsigned(c.tick(now), ahead) > 0);
        // A 1970 clock is read as the 2026 floor for the bound: a 2026 version is plausible to it.
        assertTrue(new HybridLogicalClock().accept(HybridLogicalClock.CLOCK_FLOOR_MS << 16, 0, 3_600_000));
    }

    private static DatagramChannel channel() throws IOException {
        return DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
    }

    private static String text(final DatagramChannel ch) throws IOException {
        return "127.0.0.1:" + ((InetSocketAddress) ch.getLocalAddress()).getPort();
    }

    private static void push(final DatagramChannel from, final InetSocketAddress to, final String shelf, final String key,
                             final long version, final String json) throws IOException {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[2_048]);
        final BooksFlyweight books = new BooksFlyweight().wrap(b, 0).header(0, version ^ 77, MALLORY);
        books.encode(shelf.getBytes(StandardCharsets.US_ASCII));
        final int n = books.appendBook(key.getBytes(StandardCharsets.UTF_8), MALLORY, "mallory".getBytes(StandardCharsets.UTF_8),
            version, 600, 0, json.getBytes(StandardCharsets.UTF_8));
        final byte[] bytes = new byte[n];
        b.getBytes(0, bytes);
        from.send(ByteBuffer.wrap(bytes), to);
    }
}
