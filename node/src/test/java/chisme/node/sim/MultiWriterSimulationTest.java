package chisme.node.sim;

import chisme.node.sharedstate.MergePolicy;
import chisme.node.sharedstate.SharedStateConfig;
import chisme.node.sharedstate.ShelfConfig;
import chisme.node.sharedstate.SharedStateException;
import chisme.node.sharedstate.CanonicalJson;
import chisme.node.sharedstate.SharedState;
import chisme.node.sharedstate.WritePolicy;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
        assertEquals(1, ss.counters().get(chisme.node.sharedstate.SharedStateCounter.REQSYNC_DROPPED), "the malformed 'c' is counted");
        // An older entry (fewer changes) from Lua changes nothing; our next edit counts on from the Lua one.
        ss.reqsyncMultiWriter("network_nodes", "{\"a\": {\"lastModified\": 1, \"changes\": 3, \"fortune\": 100000, \"author\": \"old\", \"data\": 0}}");
        assertEquals(4, changes(entry(sim, 0, "a")));
        ss.insert("network_nodes", "{\"a\": {\"v\": 3}}");
        assertEquals(5, changes(entry(sim, 0, "a")));
        assertEquals("\"n0\"", entry(sim, 0, "a").get("author"));
        assertTrue(fortune >= 1 && fortune <= 100_000, "fortune as math.random(1, 100000): " + fortune);
        assertThrows(SharedStateException.class, () -> ss.remove("network_nodes", "[\"a\"]"), "the multiwriter has no removal");
    }

    /**
     * docs/security.md, "Multiwriter shelves on a hostile network": under the default open writers one entry
     * at the most changes that fit (2^46 - 1) pins its key on every node; a writers list of the community's
     * book-signing keys keeps an outsider's entries (signed by another key, or bridged unsigned from a Lua
     * post) on the outsider's node, and a listed node's bridge refuses a Lua post, while listed nodes still edit
     * each other's keys.
     */
    @Test
    void anEntryAtTheMostChangesPinsItsKeyAndAWritersListKeepsOutsidersOut() {
        final SharedStateSimulation sim = new SharedStateSimulation(3, SharedStateSimulation.Topology.RING, 23, MultiWriterSimulationTest::config, null);
        final long most = (1L << 46) - 1;
        sim.node(0).sharedState().reqsyncMultiWriter("network_nodes", "{\"host-p\": {\"lastModified\": 1, \"changes\": " + most
            + ", \"fortune\": 131071, \"author\": \"intruder\", \"data\": \"pinned\"}}");
        assertTrue(sim.runUntil(() -> sim.all(n -> n.sharedState().get("network_nodes").contains("\"pinned\"")), 10, 60_000) >= 0,
            "open writers: the entry reaches every node");
        assertThrows(SharedStateException.class, () -> sim.node(1).sharedState().insert("network_nodes", "{\"host-p\": \"mine\"}"),
            "no edit can count past it");
        sim.node(2).sharedState().reqsyncMultiWriter("network_nodes", "{\"host-p\": {\"lastModified\": 2, \"changes\": " + (most + 1)
            + ", \"fortune\": 1, \"author\": \"owner\", \"data\": \"higher\"}}");
        sim.runFor(5 * SYNC_MS);
        assertTrue(sim.all(n -> n.sharedState().get("network_nodes").contains("\"pinned\"")), "nor can a larger count be written");

        // Nodes 0 and 1 list their two keys; node 2, the outsider, keeps writing as if the shelf were open.
        final WritePolicy community = new WritePolicy(WritePolicy.Kind.KEYS,
            Set.of(sim.node(0).sharedState().signingKeyId(), sim.node(1).sharedState().signingKeyId()));
        for (final int i : new int[] {0, 1}) {
            final SharedState ss = sim.node(i).sharedState();
            ss.config().shelf("network_nodes", ss.config().shelf("network_nodes").writers(community));
        }
        sim.node(0).sharedState().insert("network_nodes", "{\"host-a\": \"by n0\"}");
        assertTrue(sim.runUntil(() -> sim.node(1).sharedState().get("network_nodes").contains("by n0"), 10, 60_000) >= 0);
        sim.node(1).sharedState().insert("network_nodes", "{\"host-a\": \"gone, said n1\"}");
        assertTrue(sim.runUntil(() -> sim.node(0).sharedState().get("network_nodes").contains("gone, said n1"), 10, 60_000) >= 0,
            "a listed node edits a key another listed node wrote (network-nodes' mark_nodes_as_gone)");
        sim.node(2).sharedState().insert("network_nodes", "{\"host-a\": \"taken\", \"host-o\": \"outsider's\"}");
        sim.node(2).sharedState().reqsyncMultiWriter("network_nodes", "{\"host-l\": {\"lastModified\": 3, \"changes\": 9, \"fortune\": 5,"
            + " \"author\": \"lua-post\", \"data\": \"bridged\"}}");
        // A Lua post to a listed node's bridge: unsigned, so refused under the list (counted), as node 1 would drop it.
        sim.node(0).sharedState().reqsyncMultiWriter("network_nodes", "{\"host-m\": {\"lastModified\": 4, \"changes\": 2, \"fortune\": 6,"
            + " \"author\": \"lua-post\", \"data\": \"posted to n0\"}}");
        assertEquals(1, sim.node(0).sharedState().counters().get(chisme.node.sharedstate.SharedStateCounter.LUA_REFUSED_UNSIGNED));
        sim.runFor(20 * SYNC_MS);
        assertFalse(sim.node(0).sharedState().get("network_nodes").contains("posted to n0"), "the bridge took a post under a list");
        assertFalse(sim.node(1).sharedState().get("network_nodes").contains("posted to n0"), "an unsigned bridged entry spread under a list");
        for (final int i : new int[] {0, 1}) {
            final String held = sim.node(i).sharedState().get("network_nodes");
            assertTrue(held.contains("gone, said n1"), held);
            assertFalse(held.contains("taken") || held.contains("outsider's") || held.contains("bridged"), "node " + i + " took an outsider's entry: " + held);
        }
    }
}
