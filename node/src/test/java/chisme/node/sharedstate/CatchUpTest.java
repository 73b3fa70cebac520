package chisme.node.sharedstate;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Catch-up of an empty node (docs/shared-state.md "Bulk catch-up"): whole shelf from one neighbour in
 * ascending key-hash order over CONTINUED replies and several round budgets, compressed, without key lists;
 * one server at a time, and the other neighbour takes over when it dies; a 64 KiB book pulled by anti-entropy.
 */
class CatchUpTest {
    private static final String SHELF = "dnsmasq-hosts";

    /**
     * Pull-driven config: pushes happen, but rounds are what a joining node relies on. Unsigned books: these
     * tests count the catch-up protocol's bytes and turns; thousands of Ed25519 signatures on a loaded CI
     * machine (~5 ms each at load 30, 1,000 per insert here) would only test the machine. Signed books take the
     * same merge path (BookSigningTest).
     */
    private static SharedStateConfig config(final int roundBudgetBytes) {
        return new SharedStateConfig().signing(false)
            .defaultShelf(ShelfConfig.DEFAULT.syncIntervalMs(200).maxBooks(20_000).maxBookBytes(65_536))
            .roundBudgetBytes(roundBudgetBytes).callTimeoutMs(500);
    }

    /** {@code count} dnsmasq-hosts books (~95 bytes of JSON each), as the benchmarks use. */
    static String books(final int from, final int count) {
        final StringBuilder sb = new StringBuilder("{");
        for (int i = from; i < from + count; i++) {
            if (i > from) {
                sb.append(',');
            }
            sb.append("\"10.").append(i >> 16 & 255).append('.').append(i >> 8 & 255).append('.').append(i & 255)
                .append("\":{\"host\":\"node-").append(i).append("\",\"mac\":\"02:00:00:")
                .append(String.format("%02x:%02x:%02x", i >> 16 & 255, i >> 8 & 255, i & 255)).append("\"}");
        }
        return sb.append('}').toString();
    }

    private static void fill(final TestNode n, final int count) {
        for (int i = 0; i < count; i += 1_000) {
            n.ss.insert(SHELF, books(i, Math.min(1_000, count - i)));
        }
    }

    private static int count(final TestNode n) {
        return n.ss.shelves().stream().filter(s -> s.shelf().equals(SHELF)).mapToInt(SharedStateEngine.ShelfInfo::books).findFirst().orElse(0);
    }

    private static long tx(final TestNode n) {
        return n.ss.counters().get(SharedStateCounter.GOSSIP_TX_BYTES);
    }

    private static long answered(final TestNode n) {
        return n.ss.counters().get(SharedStateCounter.BOOK_REQUESTS_ANSWERED);
    }

    private static long json(final TestNode n) {
        return n.ss.dumpLibremesh(SHELF).getBytes(StandardCharsets.UTF_8).length;
    }

    @Test
    void shouldCatchUpOverManyContinuedRepliesAndRoundsInFewerBytesThanTheJson() {
        final int n = 4_000;
        try (TestNode a = new TestNode("a", 60); TestNode b = new TestNode("b", 61)) {
            a.start(config(32 * 1024), null, System::currentTimeMillis, null); // no neighbours: a pushes nothing
            fill(a, n);
            final long before = tx(a);
            b.start(config(32 * 1024).staticNeighbour(a.addressText()), null, System::currentTimeMillis, null);
            Await.until("b holds all " + n + " books", 20_000, () -> count(b) == n);
            Await.until("same shelf", 5_000, () -> a.ss.get(SHELF).equals(b.ss.get(SHELF)));
            final long bytes = tx(a) + tx(b) - before;
            final long json = json(a);
            System.out.printf("catch-up of %d books: %d gossip bytes, LibreMesh JSON %d bytes (ratio %.2f), %d BOOKS replies, %d rounds cut by the budget%n",
                n, bytes, json, json / (double) bytes, answered(a), b.ss.counters().get(SharedStateCounter.ROUNDS_INCOMPLETE));
            assertTrue(answered(a) >= 6, "many CONTINUED replies (60 kB plain each), got " + answered(a));
            assertTrue(b.ss.counters().get(SharedStateCounter.ROUNDS_INCOMPLETE) >= 1, "more than one round budget");
            assertEquals(0, a.ss.counters().get(SharedStateCounter.BUCKETS_ANSWERED), "no narrowing");
            assertTrue(bytes < json, "catch-up " + bytes + " bytes must be below the JSON " + json);
            assertEquals(0, b.ss.counters().get(SharedStateCounter.PUSH_SENT), "a bulk catch-up is not relayed");
        }
    }

    /** a and b hold the same books (a pushed them to b, its neighbour); c joins with both as neighbours (they do not know c). */
    private static void twoServers(final TestNode a, final TestNode b, final int n, final int budget) {
        b.start(config(budget).staticNeighbour(a.addressText()), null, System::currentTimeMillis, null); // b takes a's pushes
        a.start(config(budget).staticNeighbour(b.addressText()), null, System::currentTimeMillis, null);
        fill(a, n);
        Await.until("b got a's books", 20_000, () -> count(b) == n && a.ss.get(SHELF).equals(b.ss.get(SHELF)));
    }

    @Test
    void shouldLetOneNeighbourServeTheBulkWhenTwoCould() {
        final int n = 2_000;
        try (TestNode a = new TestNode("a", 70); TestNode b = new TestNode("b", 71); TestNode c = new TestNode("c", 72)) {
            twoServers(a, b, n, 256 * 1024);
            final long bytes0 = tx(a) + tx(b);
            final long answeredA = answered(a);
            final long answeredB = answered(b);
            c.start(config(256 * 1024).staticNeighbour(a.addressText()).staticNeighbour(b.addressText()), null,
                System::currentTimeMillis, null);
            Await.until("c holds all books", 20_000, () -> count(c) == n && c.ss.get(SHELF).equals(a.ss.get(SHELF)));
            // a and b also gossip with each other meanwhile (equal shelves: ~100 bytes a round); c sends requests.
            final long served = tx(a) + tx(b) - bytes0;
            final long json = json(a);
            final long byA = answered(a) - answeredA;
            final long byB = answered(b) - answeredB;
            System.out.printf("catch-up of %d books from 2 neighbours: %d bytes sent by them (+%d by c), one JSON copy %d, requests answered %d / %d%n",
                n, served, tx(c), json, byA, byB);
            assertTrue(byA == 0 || byB == 0, "only one neighbour serves: " + byA + " / " + byB);
            assertTrue(served + tx(c) < json, "about one compressed copy, below one JSON copy: " + served + " + " + tx(c) + " vs " + json);
        }
    }

    @Test
    void shouldFinishTheCatchUpFromTheOtherNeighbourWhenTheServerDies() {
        final int n = 4_000;
        try (TestNode a = new TestNode("a", 80); TestNode b = new TestNode("b", 81); TestNode c = new TestNode("c", 82)) {
            twoServers(a, b, n, 16 * 1024);
            final long answeredA = answered(a);
            final long answeredB = answered(b);
            c.transport.cutAfterLargeDatagrams = 12; // whoever serves dies after ~14 kB, mid-way
            c.start(config(16 * 1024).staticNeighbour(a.addressText()).staticNeighbour(b.addressText()), null,
                System::currentTimeMillis, null);
            Await.until("c holds all books", 30_000, () -> count(c) == n && c.ss.get(SHELF).equals(a.ss.get(SHELF)));
            final long byA = answered(a) - answeredA;
            final long byB = answered(b) - answeredB;
            System.out.printf("server died mid-way: requests answered %d / %d, c call timeouts %d, cut off %s%n",
                byA, byB, c.ss.counters().get(SharedStateCounter.CALL_TIMEOUTS), c.transport.blocked);
            assertEquals(1, c.transport.blocked.size(), "one neighbour was cut off mid-way");
            assertTrue(byA > 0 && byB > 0, "both served: the first until it died, the other the rest: " + byA + " / " + byB);
            assertTrue(c.ss.counters().get(SharedStateCounter.CALL_TIMEOUTS) >= 1);
        }
    }

    @Test
    void shouldPullA64KiBBookByAntiEntropy() {
        final String big = "\"" + "x0123456789abcdefghijklmnopqrstuvwxyz".repeat(1_800).substring(0, 65_534) + "\"";
        assertEquals(65_536, big.length());
        try (TestNode a = new TestNode("a", 90); TestNode empty = new TestNode("empty", 91);
             TestNode narrowing = new TestNode("narrowing", 92)) {
            a.start(config(256 * 1024), null, System::currentTimeMillis, null); // no neighbours: never pushed
            a.ss.insert(SHELF, "{\"big\": " + big + ", \"small\": 1}");
            // An empty node (bulk catch-up), and one holding books of its own, so it narrows instead. Its
            // first round comes ~0.5 s after start (sync 1 s), after its inserts.
            empty.start(config(256 * 1024).staticNeighbour(a.addressText()), null, System::currentTimeMillis, null);
            narrowing.start(config(256 * 1024).staticNeighbour(a.addressText())
                .defaultShelf(ShelfConfig.DEFAULT.syncIntervalMs(1_000).maxBookBytes(65_536)), null, System::currentTimeMillis, null);
            narrowing.ss.insert(SHELF, books(0, 20));
            Await.until("the 64 KiB book pulled by both", 10_000,
                () -> empty.ss.get(SHELF).contains("x0123") && narrowing.ss.get(SHELF).contains("x0123"));
            // narrowing pushes its own books to a, but a does not count narrowing as a neighbour (issue 12): refused.
            assertEquals(a.ss.get(SHELF), empty.ss.get(SHELF));
            assertTrue(narrowing.ss.get(SHELF).contains("\"big\":" + big + ",\"small\":1"));
            Await.until("a refused narrowing's pushes", 5_000, () -> a.ss.counters().get(SharedStateCounter.DROP_NOT_NEIGHBOUR) >= 1);
            assertTrue(a.ss.counters().get(SharedStateCounter.BUCKETS_ANSWERED) >= 1, "the node holding books narrowed");
            assertTrue(empty.ss.get(SHELF).contains("x0123"));
        }
    }
}
