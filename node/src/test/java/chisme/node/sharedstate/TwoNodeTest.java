package chisme.node.sharedstate;

import chisme.node.sim.SharedStateSimulation;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two direct neighbours: push, and the content-addressed policy. Simulated nodes under virtual time (time passed in, no sleeps). */
class TwoNodeTest {
    private static final long MAX_MS = 60_000;

    private static SharedStateConfig config() {
        return new SharedStateConfig().defaultShelf(ShelfConfig.DEFAULT.syncIntervalMs(200))
            .shelf("vouchers", ShelfConfig.DEFAULT.syncIntervalMs(200).policy(MergePolicy.CONTENT));
    }

    private static SharedState ss(final SharedStateSimulation sim, final int i) {
        return sim.node(i).sharedState();
    }

    @Test
    void shouldPushToANeighbour() {
        final SharedStateSimulation sim = new SharedStateSimulation(2, SharedStateSimulation.Topology.LINE, 3, i -> config(), null);
        ss(sim, 0).insert("s", "{\"a\": 1}");
        // Rounds every 200 ms; a push takes one datagram (2-20 ms): the book is there before any round could bring it.
        assertTrue(sim.runUntil(() -> ss(sim, 1).get("s").equals("{\"a\":1}"), 1, MAX_MS) >= 0, "pushed");
        assertEquals(1, ss(sim, 1).counters().get(SharedStateCounter.PUSH_RECEIVED));
    }

    @Test
    void shouldTreatEqualContentAsOneBookAndLetRemovalWin() {
        final SharedStateSimulation sim = new SharedStateSimulation(2, SharedStateSimulation.Topology.LINE, 4, i -> config(), null);
        final var a = ss(sim, 0).insert("vouchers", "[{\"id\": \"v1\", \"macs\": [\"aa\"]}]");
        final var b = ss(sim, 1).insert("vouchers", "[{\"macs\": [\"aa\"], \"id\": \"v1\"}]");
        assertEquals(a.keys(), b.keys(), "the key is the content hash, whoever inserts it");
        ss(sim, 0).insert("vouchers", "[{\"id\": \"v1\", \"macs\": [\"aa\", \"bb\"]}]");
        assertTrue(sim.runUntil(() -> sim.all(n -> n.sharedState().shelves().get(0).books() == 2), 10, MAX_MS) >= 0,
            "both versions of the voucher on both nodes (a set, merged by the app's hook)");
        ss(sim, 1).remove("vouchers", "[\"" + a.keys().get(0) + "\"]");
        assertTrue(sim.runUntil(() -> sim.all(n -> !n.sharedState().get("vouchers").contains("\"aa\"]")), 10, MAX_MS) >= 0,
            "removal wins over the live copy");
        assertEquals(ss(sim, 0).shelves(), ss(sim, 1).shelves(), "same summaries");
    }

    @Test
    void shouldPullManyShelvesThatDoNotFitOneDigest() {
        // Node 0 has no neighbours (it never pushes); node 1 gossips with node 0 (as its link neighbour) and pulls.
        final SharedStateSimulation sim = new SharedStateSimulation(2, SharedStateSimulation.Topology.NONE, 5, i -> config(), null);
        ss(sim, 1).linkNeighbours(() -> List.of(sim.node(0).address()));
        final String prefix = "a-rather-long-shelf-name-number-";
        for (int i = 0; i < 60; i++) {
            ss(sim, 0).insert(prefix + i, "{\"k\": 1}");
        }
        assertTrue(sim.runUntil(() -> ss(sim, 1).shelves().size() == 60, 100, MAX_MS) >= 0, "node 1 learnt all 60 shelves by pulling");
        for (int i = 0; i < 60; i++) {
            ss(sim, 0).insert(prefix + i, "{\"k\": 2}"); // 60 x 53 bytes of digests: more than one datagram
        }
        assertTrue(sim.runUntil(() -> IntStream.range(0, 60).allMatch(i -> ss(sim, 1).get(prefix + i).equals("{\"k\":2}")), 100, MAX_MS) >= 0,
            "every shelf's edit pulled (shelves rotate through the digest)");
        assertEquals(0, ss(sim, 1).counters().get(SharedStateCounter.PUSH_RECEIVED), "pulled, not pushed");
    }
}
