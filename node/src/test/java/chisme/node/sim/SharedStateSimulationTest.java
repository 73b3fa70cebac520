package chisme.node.sim;

import chisme.node.sharedstate.SharedStateConfig;
import chisme.node.sharedstate.SharedStateCounter;
import chisme.node.sharedstate.ShelfConfig;
import chisme.node.sharedstate.WritePolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Shared-state scenarios on full simulated nodes (Kademlia + shared-state on one host each) under virtual
 * time: the gossip scenarios that ran on real sockets with sleep-polls (SharedStateMeshTest), now with time
 * passed in. {@code -Dchisme.sim.nodes=500} runs them at 500 nodes (docs/benchmarks.md, issue 15); the
 * default keeps the suite fast.
 */
class SharedStateSimulationTest {
    private static final int N = Integer.getInteger("chisme.sim.nodes", 60);
    private static final long SYNC_MS = 30_000;
    private static final int BULK = 100;
    /** Bound of every wait, virtual: far above what convergence takes, so a failure means it never converged. */
    private static final long MAX_MS = 30 * 60_000;

    /** Signed books, shelves open to every writer (these scenarios edit one key from several nodes). */
    private static SharedStateConfig config() {
        return new SharedStateConfig()
            .defaultShelf(ShelfConfig.DEFAULT.syncIntervalMs(SYNC_MS).ttlMs(24 * 3_600_000L).writers(WritePolicy.OPEN))
            .callTimeoutMs(2_000);
    }

    private static long wall(final long startNs) {
        return (System.nanoTime() - startNs) / 1_000_000;
    }

    @ParameterizedTest
    @EnumSource(value = SharedStateSimulation.Topology.class, names = {"RING", "RANDOM"})
    void booksInsertedOnSeveralNodesReachEveryNode(final SharedStateSimulation.Topology topology) {
        final long t0 = System.nanoTime();
        final SharedStateSimulation sim = new SharedStateSimulation(N, topology, 11, i -> config(), null);
        final int[] writers = {0, N / 3, N / 2, N - 1, 7};
        for (final int w : writers) {
            sim.node(w).sharedState().insert("hosts", "{\"10.0.0." + w + "\": {\"name\": \"n" + w + "\"}}");
        }
        final String all = sim.node(0).sharedState().get("hosts"); // node 0 only has its own so far
        assertFalse(all.contains("n" + (N - 1)), all);
        final long ms = sim.runUntil(() -> sim.all(n -> {
            final String g = n.sharedState().get("hosts");
            for (final int w : writers) {
                if (!g.contains("\"n" + w + "\"")) {
                    return false;
                }
            }
            return true;
        }), 100, MAX_MS);
        assertTrue(ms >= 0, "books did not reach every node");
        sim.node(3).sharedState().remove("hosts", "[\"10.0.0." + N / 2 + "\"]");
        final long tomb = sim.runUntil(() -> sim.all(n -> !n.sharedState().get("hosts").contains("\"n" + N / 2 + "\"")
            && n.sharedState().dump("hosts").contains("\"tombstone\":true")), 100, MAX_MS);
        assertTrue(tomb >= 0, "tombstone did not reach every node");
        System.out.printf("issue15 sim mesh %s: %d nodes, %d links: %d books on all in %d ms virtual, tombstone in %d ms; "
                + "%d datagrams; %d ms virtual in all; %d ms wall%n", topology, N, sim.links(), writers.length, ms, tomb,
            sim.network().deliveredDatagrams(), sim.network().nowMs(), wall(t0));
    }

    @Test
    void aPartitionHealedByOneLinkConvergesOnOneWinnerPerKey() {
        final long t0 = System.nanoTime();
        final int behind = N - 5;
        // Node 'behind' has a wall clock an hour slow: the HLC still orders every edit the same way everywhere.
        // Unsigned, as SharedStateMeshTest's bulk test: N nodes verifying every bulk book (several times, from
        // several neighbours) is Ed25519 time, which measures the machine; the other scenarios run signed.
        final SharedStateSimulation sim = new SharedStateSimulation(N, SharedStateSimulation.Topology.RANDOM, 12, i -> config().signing(false),
            i -> i == behind ? -3_600_000 : 0);
        final Set<Integer> side = IntStream.range(0, N / 2).boxed().collect(Collectors.toSet());
        sim.partition(side, true);
        sim.node(3).sharedState().insert("cfg", "{\"k\": \"from-3\", \"only-left\": 1}");
        sim.runFor(1_000);
        sim.node(behind).sharedState().insert("cfg", "{\"k\": \"from-behind\", \"only-right\": 2}");
        final StringBuilder bulk = new StringBuilder("{");
        for (int i = 0; i < BULK; i++) {
            bulk.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
        }
        sim.node(1).sharedState().insert("bulk", bulk.append('}').toString()); // a catch-up of many books through the one link
        assertTrue(sim.runUntil(() -> sim.all(n -> n.sharedState().get("cfg").contains(
            side.contains(sim.nodes().indexOf(n)) ? "\"k\":\"from-3\"" : "\"k\":\"from-behind\"")), 1_000, MAX_MS) >= 0,
            "each side converged on its own edit");
        sim.runFor(3 * SYNC_MS);
        assertFalse(sim.node(N - 1).sharedState().get("cfg").contains("only-left"), "the partition held");
        // Heal ONE link between the halves; the others stay cut.
        final List<int[]> cross = sim.crossLinks(side);
        assertTrue(cross.size() > 1, "the topology has several links between the halves");
        sim.cut(cross.get(0)[0], cross.get(0)[1], false);
        final String winner = "{\"k\":\"from-3\",\"only-left\":1,\"only-right\":2}";
        // Checked every virtual second (rounds are every 30 s): the check reads every node, the rounds do not need it.
        final long ms = sim.runUntil(() -> sim.all(n -> books(n, "bulk") == BULK && n.sharedState().get("cfg").equals(winner)), 1_000, MAX_MS);
        assertTrue(ms >= 0, "one winner everywhere: " + sim.node(N - 1).sharedState().get("cfg"));
        assertTrue(sim.node(N - 1).sharedState().get("bulk").contains("\"k" + (BULK - 1) + "\":" + (BULK - 1)), "the bulk books' data arrived");
        System.out.printf("issue15 sim partition: %d nodes healed by one link, one winner per key and %d bulk books on all in %d ms "
            + "virtual; %d ms virtual in all; %d ms wall%n", N, BULK, ms, sim.network().nowMs(), wall(t0));
    }

    private static int books(final SharedStateSimulation.Node n, final String shelf) {
        for (final var s : n.sharedState().shelves()) {
            if (s.shelf().equals(shelf)) {
                return s.books();
            }
        }
        return 0;
    }

    @Test
    void aStaleRepublishDoesNotUndoANewerEditPirania() {
        // The seed's Pirania story (SharedStateMeshTest): a node re-publishing its old unchanged copy (with a
        // fresher publication time and a clock an hour ahead) must not overwrite the newer edit made elsewhere.
        final long t0 = System.nanoTime();
        final int last = N - 1;
        final SharedStateSimulation sim = new SharedStateSimulation(N, SharedStateSimulation.Topology.LINE, 13, i -> config(),
            i -> i == last ? 3_600_000 : 0);
        sim.node(0).sharedState().insert("pirania", "{\"voucher-1\": {\"macs\": []}}");
        assertTrue(sim.runUntil(() -> sim.all(n -> n.sharedState().get("pirania").contains("\"macs\":[]")), 100, MAX_MS) >= 0);
        sim.cut(last - 1, last, true);
        sim.node(5).sharedState().insert("pirania", "{\"voucher-1\": {\"macs\": [\"aa:bb\"]}}");
        assertTrue(sim.runUntil(() -> sim.nodes().subList(0, last).stream()
            .allMatch(n -> n.sharedState().get("pirania").contains("aa:bb")), 100, MAX_MS) >= 0, "v2 on the connected part");
        final var r = sim.node(last).sharedState().insert("pirania", "{\"voucher-1\": {\"macs\": []}}");
        assertEquals(0, r.inserted(), "an unchanged copy makes no new version");
        assertEquals(1, r.refreshed());
        sim.cut(last - 1, last, false);
        final long ms = sim.runUntil(() -> sim.all(n -> n.sharedState().get("pirania").contains("aa:bb")), 100, MAX_MS);
        assertTrue(ms >= 0, "v2 everywhere");
        for (int i = 0; i < 30; i++) { // ten sync intervals, checked every third of one
            sim.runFor(SYNC_MS / 3);
            assertTrue(sim.all(n -> n.sharedState().get("pirania").contains("aa:bb")), "an edit flipped back");
        }
        System.out.printf("issue15 sim pirania: %d nodes in a line, v2 everywhere %d ms virtual after the link healed, "
            + "stable for 10 sync intervals; %d ms virtual in all; %d ms wall%n", N, ms, sim.network().nowMs(), wall(t0));
    }

    @Test
    void aShortLivedBookExpiresOnEveryNodeWithinItsTtlAndStaysGone() {
        // A relayed copy may never outlive the copy it was made from: the TTL on the wire is the sender's remaining
        // time, rounded DOWN to whole seconds. Rounded up, two neighbours handed a nearly expired book back and
        // forth, each pass adding up to a second, and it lived on for many TTLs (SharedStateMeshTest's flake).
        final long ttlMs = 2_000;
        final long syncMs = 300;
        final SharedStateSimulation sim = new SharedStateSimulation(30, SharedStateSimulation.Topology.RING, 15, i -> new SharedStateConfig()
            .defaultShelf(ShelfConfig.DEFAULT.syncIntervalMs(syncMs).ttlMs(60_000).writers(WritePolicy.OPEN))
            .shelf("short", ShelfConfig.DEFAULT.syncIntervalMs(syncMs).ttlMs(ttlMs).writers(WritePolicy.OPEN))
            .expiryCheckMs(100), null);
        // Half the ring is cut off until the book has 0.8 s left: its copies there are made from nearly expired ones.
        final Set<Integer> late = IntStream.range(15, 30).boxed().collect(Collectors.toSet());
        sim.partition(late, true);
        final long insertedAt = sim.network().nowMs();
        sim.node(5).sharedState().insert("short", "{\"lease\": 1}");
        final long spread = sim.runUntil(() -> sim.nodes().subList(0, 15).stream()
            .allMatch(n -> n.sharedState().get("short").equals("{\"lease\":1}")), 10, 10 * ttlMs);
        assertTrue(spread >= 0, "the book reached every node of its half");
        sim.runFor(insertedAt + ttlMs - 800 - sim.network().nowMs());
        sim.partition(late, false);
        final long gone = sim.runUntil(() -> sim.all(n -> n.sharedState().get("short").equals("{}")), 10, 100 * ttlMs);
        assertTrue(gone >= 0, "the book expired everywhere");
        final long lifetime = sim.network().nowMs() - insertedAt;
        // Its TTL, plus the expiry check's period and the transit time of the hops it took (20 ms each at most).
        assertTrue(lifetime <= ttlMs + 100 + 30 * 20, "the last copy outlived the author's TTL: gone " + lifetime + " ms after the insert");
        for (int i = 0; i < 30; i++) {
            sim.runFor(syncMs / 3);
            assertTrue(sim.all(n -> n.sharedState().get("short").equals("{}")), "an expired book came back");
        }
        assertTrue(sim.node(0).sharedState().counters().get(SharedStateCounter.BOOKS_EXPIRED) >= 1);
        System.out.printf("sim short TTL: %d ms TTL on 30 nodes in a ring, half of it joined 0.8 s before expiry: on the first half in %d ms, "
            + "gone from all %d ms after the insert%n",
            ttlMs, spread, lifetime);
    }

    @Test
    void aNewNeighbourGetsARoundOfEveryShelfWithinTwoSeconds() {
        // Rounds every hour: only the new-neighbour check (AntiEntropyInitiator.newNeighbourTick, every ~2 s)
        // can bring node 1's books to node 0 within seconds of node 1 appearing as node 0's link neighbour.
        final SharedStateSimulation sim = new SharedStateSimulation(2, SharedStateSimulation.Topology.NONE, 14,
            i -> new SharedStateConfig().defaultShelf(ShelfConfig.DEFAULT.syncIntervalMs(3_600_000).writers(WritePolicy.OPEN)), null);
        sim.node(1).sharedState().insert("alpha", "{\"a\": 1}");
        sim.node(1).sharedState().insert("beta", "{\"b\": 2}");
        sim.runFor(10_000);
        assertEquals("{}", sim.node(0).sharedState().get("alpha"), "no gossip between strangers");
        final List<InetSocketAddress> links = new ArrayList<>();
        sim.node(0).sharedState().linkNeighbours(() -> links);
        links.add(sim.node(1).address());
        final long ms = sim.runUntil(() -> sim.node(0).sharedState().get("alpha").equals("{\"a\":1}")
            && sim.node(0).sharedState().get("beta").equals("{\"b\":2}"), 10, 60_000);
        assertTrue(ms >= 0 && ms <= 3_000, "both shelves from the new neighbour within ~2 s, took " + ms + " ms");
        assertTrue(sim.node(0).sharedState().counters().get(SharedStateCounter.NEW_NEIGHBOUR_ROUNDS) >= 1);
    }
}
