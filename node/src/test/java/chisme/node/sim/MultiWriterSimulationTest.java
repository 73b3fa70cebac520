package chisme.node.sim;

import chisme.node.sharedstate.MergePolicy;
import chisme.node.sharedstate.SharedStateConfig;
import chisme.node.sharedstate.ShelfConfig;
import chisme.node.sharedstate.SharedStateException;
import chisme.node.sharedstate.CanonicalJson;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Multiwriter shelves (LibreMesh {@code shared-state-multiwriter}) under virtual time: the Lua merge rule
 * (more changes wins, then the larger fortune), any node writing any key, one value everywhere after
 * concurrent writes, and books that outlive their TTL many times over.
 */
class MultiWriterSimulationTest {
    private static final long SYNC_MS = 300;
    private static final long TTL_MS = 2_000;

    private static SharedStateConfig config(final int i) {
        // Signed books, no 'writers' set: lww shelves would default to 'author', multiwriter shelves are 'open'.
        return new SharedStateConfig().nodeName("n" + i)
            .defaultShelf(ShelfConfig.DEFAULT.syncIntervalMs(SYNC_MS))
            .shelf("network_nodes", ShelfConfig.DEFAULT.syncIntervalMs(SYNC_MS).ttlMs(TTL_MS).policy(MergePolicy.MULTIWRITER))
            .expiryCheckMs(100).callTimeoutMs(2_000);
    }

    /** One entry's members as JSON text ({@code "author"} with its quotes). */
    private static Map<String, String> entry(final SharedStateSimulation sim, final int node, final String key) {
        final byte[] e = CanonicalJson.parseObjectInOrder(sim.node(node).sharedState().get("network_nodes")).get(key);
        final Map<String, String> out = new LinkedHashMap<>();
        CanonicalJson.parseObjectInOrder(new String(e, StandardCharsets.UTF_8))
            .forEach((k, v) -> out.put(k, new String(v, StandardCharsets.UTF_8)));
        return out;
    }

    private static int changes(final Map<String, String> entry) {
        return Integer.parseInt(entry.get("changes"));
    }

    @Test
    void concurrentWritesOfOneKeyConvergeOnTheEntryWithMoreChangesThenTheLargerFortune() {
        final SharedStateSimulation sim = new SharedStateSimulation(8, SharedStateSimulation.Topology.RING, 21, MultiWriterSimulationTest::config, null);
        sim.node(0).sharedState().insert("network_nodes", "{\"host-x\": {\"member\": true}}");
        assertTrue(sim.runUntil(() -> sim.all(n -> n.sharedState().get("network_nodes").contains("host-x")), 10, 60_000) >= 0);
        final Map<String, String> first = entry(sim, 5, "host-x");
        assertEquals(0, changes(first), first.toString());
        assertEquals("\"n0\"", first.get("author"), "the writer is the author, as in the Lua tool");

        // Split the ring: nodes 4..7 edit twice (changes 2), nodes 0..3 once but later (changes 1).
        final Set<Integer> right = IntStream.range(4, 8).boxed().collect(Collectors.toSet());
        sim.partition(right, true);
        sim.node(6).sharedState().insert("network_nodes", "{\"host-x\": {\"member\": false}}");
        sim.runFor(5 * SYNC_MS);
        sim.node(5).sharedState().insert("network_nodes", "{\"host-x\": {\"member\": false, \"gone\": true}}");
        sim.runFor(5 * SYNC_MS);
        sim.node(1).sharedState().insert("network_nodes", "{\"host-x\": {\"member\": true, \"late\": true}}");
        sim.runFor(5 * SYNC_MS);
        assertEquals(1, changes(entry(sim, 2, "host-x")));
        assertEquals(2, changes(entry(sim, 7, "host-x")));
        sim.partition(right, false);
        final long ms = sim.runUntil(() -> sim.all(n -> n.sharedState().get("network_nodes").contains("\"gone\":true")), 10, 120_000);
        assertTrue(ms >= 0, "the entry with more changes wins everywhere, though written earlier");
        final String everywhere = sim.node(0).sharedState().get("network_nodes");
        assertTrue(sim.all(n -> n.sharedState().get("network_nodes").equals(everywhere)), "one value on all nodes");
        assertEquals("\"n5\"", entry(sim, 0, "host-x").get("author"));

        // Same changes on both sides: the larger fortune wins on every node.
        sim.partition(right, true);
        sim.node(2).sharedState().insert("network_nodes", "{\"host-x\": {\"side\": \"left\"}}");
        sim.node(7).sharedState().insert("network_nodes", "{\"host-x\": {\"side\": \"right\"}}");
        sim.runFor(5 * SYNC_MS);
        final Map<String, String> left = entry(sim, 0, "host-x");
        final Map<String, String> rightEntry = entry(sim, 4, "host-x");
        assertEquals(3, changes(left));
        assertEquals(3, changes(rightEntry));
        sim.partition(right, false);
        final String winner = Integer.parseInt(left.get("fortune")) > Integer.parseInt(rightEntry.get("fortune")) ? "left" : "right";
        assertTrue(sim.runUntil(() -> sim.all(n -> n.sharedState().get("network_nodes").contains("\"side\":\"" + winner + "\"")), 10, 120_000) >= 0,
            "the larger fortune wins: " + left + " vs " + rightEntry);

        // Never expires: twenty TTLs later every node still holds it.
        sim.runFor(20 * TTL_MS);
        assertTrue(sim.all(n -> n.sharedState().get("network_nodes").contains("\"side\":\"" + winner + "\"")), "a multiwriter entry expired");
        System.out.printf("multiwriter sim: 8 nodes in a ring, a healed partition converged in %d ms virtual%n", ms);
    }

    @Test
    void anInsertOfEqualDataIsNoEditAndALuaMapMergesByTheLuaRule() {
        final SharedStateSimulation sim = new SharedStateSimulation(1, SharedStateSimulation.Topology.NONE, 22, MultiWriterSimulationTest::config, null);
        final var ss = sim.node(0).sharedState();
        ss.insert("network_nodes", "{\"a\": {\"v\": 1, \"w\": [1]}}");
        final String once = ss.get("network_nodes");
        ss.insert("network_nodes", "{\"a\": {\"w\": [1], \"v\": 1}}");
        assertEquals(once, ss.get("network_nodes"), "equal data (members in another order) is no edit: changes, fortune stay");
        final long fortune = Long.parseLong(entry(sim, 0, "a").get("fortune"));
        // A Lua node's map: 'a' with more changes (wins), 'b' new, 'c' malformed (skipped); its author stays.
        final String merged = ss.reqsyncMultiWriter("network_nodes", "{\"a\": {\"lastModified\": 1700000000, \"changes\": 4, \"fortune\": 7,"
            + " \"author\": \"lua-node\", \"data\": {\"v\": 2}}, \"b\": {\"lastModified\": 1700000001, \"changes\": 0, \"fortune\": 99999,"
            + " \"author\": \"lua-node\", \"data\": \"x\"}, \"c\": {\"changes\": \"many\"}}");
        assertEquals("{\"a\":{\"lastModified\":1700000000,\"changes\":4,\"fortune\":7,\"author\":\"lua-node\",\"data\":{\"v\":2}},"
            + "\"b\":{\"lastModified\":1700000001,\"changes\":0,\"fortune\":99999,\"author\":\"lua-node\",\"data\":\"x\"}}", merged);
        // An older entry (fewer changes) from Lua changes nothing; our next edit counts on from the Lua one.
        ss.reqsyncMultiWriter("network_nodes", "{\"a\": {\"lastModified\": 1, \"changes\": 3, \"fortune\": 100000, \"author\": \"old\", \"data\": 0}}");
        assertEquals(4, changes(entry(sim, 0, "a")));
        ss.insert("network_nodes", "{\"a\": {\"v\": 3}}");
        assertEquals(5, changes(entry(sim, 0, "a")));
        assertEquals("\"n0\"", entry(sim, 0, "a").get("author"));
        assertTrue(fortune >= 1 && fortune <= 100_000, "fortune as math.random(1, 100000): " + fortune);
        assertThrows(SharedStateException.class, () -> ss.remove("network_nodes", "[\"a\"]"), "the multiwriter has no removal");
    }
}
