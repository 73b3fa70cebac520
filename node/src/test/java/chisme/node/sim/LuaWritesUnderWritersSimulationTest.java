package chisme.node.sim;

import chisme.node.sharedstate.CanonicalJson;
import chisme.node.sharedstate.MergePolicy;
import chisme.node.sharedstate.SharedState;
import chisme.node.sharedstate.SharedStateConfig;
import chisme.node.sharedstate.SharedStateCounter;
import chisme.node.sharedstate.ShelfConfig;
import chisme.node.sharedstate.WritePolicy;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who vouches for a Lua entry on a multiwriter shelf under a {@code writers} key list (docs/security.md,
 * "Multiwriter shelves on a hostile network"), under virtual time. An entry this node's own Lua library wrote
 * into its persistent file (network-nodes.lua) is a local write signed by the node's key, so a listing peer
 * takes it; an outsider's is dropped. A Lua node's post through the CGI bridge cannot be signed: under a list
 * it is refused and counted, whatever author it names, and so cannot pin a key on the node that takes it.
 * Nodes 0 and 1 list their two keys; node 2 is the outsider.
 */
class LuaWritesUnderWritersSimulationTest {
    private static final long SYNC_MS = 300;
    private static final String SHELF = "network_nodes";

    private static SharedStateConfig config(final int i) {
        return new SharedStateConfig().nodeName("n" + i)
            .defaultShelf(ShelfConfig.DEFAULT.syncIntervalMs(SYNC_MS))
            .shelf(SHELF, ShelfConfig.DEFAULT.syncIntervalMs(SYNC_MS).policy(MergePolicy.MULTIWRITER))
            .expiryCheckMs(100).callTimeoutMs(2_000);
    }

    /** Nodes 0 and 1 (and {@code alsoOutsider}: node 2) take the list of nodes 0 and 1's keys. */
    private static SharedStateSimulation listedMesh(final long seed, final boolean alsoOutsider) {
        final SharedStateSimulation sim = new SharedStateSimulation(3, SharedStateSimulation.Topology.RING, seed,
            LuaWritesUnderWritersSimulationTest::config, null);
        final WritePolicy community = new WritePolicy(WritePolicy.Kind.KEYS,
            Set.of(sim.node(0).sharedState().signingKeyId(), sim.node(1).sharedState().signingKeyId()));
        for (int i = 0; i < (alsoOutsider ? 3 : 2); i++) {
            final SharedState ss = sim.node(i).sharedState();
            ss.config().shelf(SHELF, ss.config().shelf(SHELF).writers(community));
        }
        return sim;
    }

    private static String entry(final String key, final long changes, final int fortune, final String author, final String data) {
        return "\"" + key + "\": {\"lastModified\": 1732900000, \"changes\": " + changes + ", \"fortune\": " + fortune
            + ", \"author\": \"" + author + "\", \"data\": \"" + data + "\"}";
    }

    private static String held(final SharedStateSimulation sim, final int node) {
        return sim.node(node).sharedState().get(SHELF);
    }

    private static long count(final SharedStateSimulation sim, final int node, final SharedStateCounter c) {
        return sim.node(node).sharedState().counters().get(c);
    }

    @Test
    void aListingPeerTakesTheEntriesOurOwnLuaLibraryWroteAndDropsAnOutsiders() {
        final SharedStateSimulation sim = listedMesh(31, false);
        // network-nodes.lua on node 0 wrote its own entry; the file also holds another author's entry that node 0
        // never received by gossip (a Lua-era leftover): unsigned, so not ours to take under the list.
        final int took = sim.node(0).sharedState().takeOwnLuaFile(SHELF, "{" + entry("host-n0", 0, 5, "n0", "n0 by its Lua library")
            + ", " + entry("host-old", 3, 9, "lua-era-node", "leftover") + "}");
        assertEquals(1, took);
        assertEquals(1, count(sim, 0, SharedStateCounter.LUA_REFUSED_UNSIGNED), "the other author's unsigned entry is counted");
        // The outsider's own Lua library wrote an entry too: signed, by a key not on the list.
        assertEquals(1, sim.node(2).sharedState().takeOwnLuaFile(SHELF, "{" + entry("host-n2", 0, 7, "n2", "n2 by its Lua library") + "}"));

        assertTrue(sim.runUntil(() -> held(sim, 1).contains("n0 by its Lua library"), 10, 60_000) >= 0,
            "node 1 lists node 0's key, yet dropped node 0's own Lua entry (unsigned: DROP_UNSIGNED "
                + count(sim, 1, SharedStateCounter.DROP_UNSIGNED) + ")");
        sim.runFor(20 * SYNC_MS);
        final byte[] taken = CanonicalJson.parseObjectInOrder(held(sim, 1)).get("host-n0");
        assertTrue(new String(taken, StandardCharsets.UTF_8).contains("\"changes\":0,\"fortune\":5,\"author\":\"n0\""),
            "the Lua entry as the library wrote it: " + new String(taken, StandardCharsets.UTF_8));
        assertEquals(0, count(sim, 1, SharedStateCounter.DROP_UNSIGNED), "node 0 sent no unsigned entry");
        for (final int i : new int[] {0, 1}) {
            assertFalse(held(sim, i).contains("n2 by its Lua library"), "node " + i + " took the outsider's entry: " + held(sim, i));
            assertFalse(held(sim, i).contains("leftover"), "node " + i + " took an unsigned entry: " + held(sim, i));
        }
        assertTrue(count(sim, 1, SharedStateCounter.DROP_NOT_AUTHOR) >= 1, "the outsider's signed entry is dropped as not a writer's");
        assertTrue(held(sim, 2).contains("n0 by its Lua library"), "node 2 (open) takes the listed nodes' entries");

        // The file read again (the library wrote it back unchanged): the same edits, nothing new, nothing refused.
        assertEquals(0, sim.node(0).sharedState().takeOwnLuaFile(SHELF, "{" + entry("host-n0", 0, 5, "n0", "n0 by its Lua library") + "}"));
        // A later edit by node 0's library (changes 1) reaches node 1 as well.
        sim.node(0).sharedState().takeOwnLuaFile(SHELF, "{" + entry("host-n0", 1, 2, "n0", "n0 edited by Lua") + "}");
        assertTrue(sim.runUntil(() -> held(sim, 1).contains("n0 edited by Lua"), 10, 60_000) >= 0);
    }

    @Test
    void anOwnLuaEditTheListDoesNotAllowIsRefusedOnTheNodeItself() {
        final SharedStateSimulation sim = listedMesh(32, true);
        assertEquals(0, sim.node(2).sharedState().takeOwnLuaFile(SHELF, "{" + entry("host-n2", 0, 7, "n2", "n2 by its Lua library") + "}"));
        assertEquals(1, count(sim, 2, SharedStateCounter.LUA_REFUSED_LOCAL_WRITE), "as its insert would be: not on the list");
        assertEquals("{}", held(sim, 2), "nothing held");
    }

    @Test
    void aLuaPostUnderAListIsRefusedAndCountedAndCannotPinAKey() {
        final SharedStateSimulation sim = listedMesh(33, false);
        sim.node(0).sharedState().insert(SHELF, "{\"host-a\": \"by n0\"}");
        final String ours = held(sim, 0);
        final String ourEntry = new String(CanonicalJson.parseObjectInOrder(ours).get("host-a"), StandardCharsets.UTF_8);
        // A Lua peer's sync posts its whole map: our entry echoed back, one naming node 0 as author at the most
        // changes a version holds (it would pin host-a), and a new key of its own.
        final long most = (1L << 46) - 1;
        final String answer = sim.node(0).sharedState().reqsyncMultiWriter(SHELF, "{\"host-a\": " + ourEntry + "}");
        assertEquals(ours, answer, "an echo of what we hold changes nothing");
        assertEquals(0, count(sim, 0, SharedStateCounter.LUA_REFUSED_UNSIGNED), "an echo is no refusal");
        final String after = sim.node(0).sharedState().reqsyncMultiWriter(SHELF, "{" + entry("host-a", most, 131071, "n0", "pinned")
            + ", " + entry("host-l", 0, 3, "lua-node", "from a Lua node") + "}");
        assertEquals(ours, after, "the answer is our shelf, unchanged");
        assertEquals(2, count(sim, 0, SharedStateCounter.LUA_REFUSED_UNSIGNED));
        assertEquals(0, count(sim, 0, SharedStateCounter.REQSYNC_MERGED));
        sim.node(0).sharedState().insert(SHELF, "{\"host-a\": \"still ours to edit\"}");
        assertTrue(sim.runUntil(() -> held(sim, 1).contains("still ours to edit"), 10, 60_000) >= 0, "the key was not pinned");
        assertFalse(held(sim, 1).contains("pinned") || held(sim, 1).contains("from a Lua node"), held(sim, 1));

        // The outsider's shelf is open: there a post is taken, unsigned, and stays there (node 1 drops it).
        assertTrue(sim.node(2).sharedState().reqsyncMultiWriter(SHELF, "{" + entry("host-l", 0, 3, "lua-node", "from a Lua node") + "}")
            .contains("from a Lua node"));
        sim.runFor(20 * SYNC_MS);
        assertFalse(held(sim, 1).contains("from a Lua node"), held(sim, 1));
        assertTrue(count(sim, 1, SharedStateCounter.DROP_UNSIGNED) >= 1, "node 1 dropped the unsigned entry");
    }
}
