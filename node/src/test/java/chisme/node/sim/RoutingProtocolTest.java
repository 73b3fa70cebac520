package chisme.node.sim;

import chisme.store.InMemoryTupleStore;
import chisme.node.event.EventLog;
import chisme.node.kademlia.KademliaConfig;
import chisme.node.kademlia.KademliaEngine;
import chisme.node.metrics.CounterId;
import chisme.node.metrics.Counters;
import chisme.wire.NodeId;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine's side of the routing-table protocol (chisme.node.routing.RoutingTable), end to end over the
 * simulated network: an unknown sender enters only after answering our verification ping, and the head
 * of a full bucket is pinged when a newcomer arrives; a dead head is reported and replaced by the cached
 * newcomer (paper 2.2, 4.1).
 */
class RoutingProtocolTest {
    private final SimNetwork network = new SimNetwork(3, 5, 20, 0.0);
    // k = 2 so one bucket fills with two contacts; stale (and evicted when replaced) at the first failure.
    private final KademliaConfig config = new KademliaConfig().k(2).alpha(1).maxFailures(1).rpcTimeoutMs(500).conclude();

    private record Node(KademliaEngine engine, SimNetwork.Host host) {
    }

    private Node node(final NodeId id) {
        final SimNetwork.Host host = network.addHost();
        final KademliaEngine e = new KademliaEngine(config, host.nodeHost(id, new SplittableRandom(id.lo()), config.conclude().rpc()),
            InMemoryTupleStore.withCapacity(100, 1000), new EventLog(64));
        host.execute(e::start);
        return new Node(e, host);
    }

    /** {@code from} sends a PING (IDENTIFY) to {@code to}; the network then runs until quiet. */
    private void identify(final Node from, final Node to) {
        final NodeId[] got = new NodeId[1];
        from.host().execute(() -> from.engine().identify(to.engine().localAddress(), id -> got[0] = id));
        network.runUntil(network.nowMs() + 5_000);
        assertEquals(to.engine().localId(), got[0]);
    }

    @Test
    void shouldVerifySendersAndReplaceADeadBucketHead() {
        final Node a = node(new NodeId(0, 0, 0));
        // All three lie in the half of the id space farther from a's id; b and c are nearer than d, so
        // with k = 2 the far bucket is full when d arrives and d is not among a's 2 nearest (no split).
        final Node b = node(new NodeId(Long.MIN_VALUE, 0, 0));
        final Node c = node(new NodeId(Long.MIN_VALUE, 0, 1));
        final Node d = node(new NodeId(Long.MIN_VALUE, 0, 2));

        identify(b, a);
        // b's PING was unsolicited: a pinged b back and only b's PONG put it in a's table.
        assertEquals(1, a.engine().counters().get(CounterId.CONTACTS_VERIFY_PINGS));
        assertNotNull(a.engine().table().find(b.engine().localId()));
        identify(c, a);
        assertEquals(2, a.engine().table().size());

        b.host().close(); // b dies without a word
        identify(d, a);
        assertTrue(a.engine().counters().get(CounterId.HEAD_PINGS) >= 1, "the full bucket's head was not pinged");
        assertEquals(1, a.engine().counters().get(CounterId.CONTACTS_EVICTED));
        assertNull(a.engine().table().find(b.engine().localId()), "dead head kept");
        assertNotNull(a.engine().table().find(d.engine().localId()), "cached newcomer not promoted");
        assertTrue(a.engine().table().find(d.engine().localId()).isVerified());
        assertEquals(2, a.engine().table().size());
    }

    @Test
    void shouldKeepALiveHeadAndCacheTheNewcomer() {
        final Node a = node(new NodeId(0, 0, 0));
        final Node b = node(new NodeId(Long.MIN_VALUE, 0, 0));
        final Node c = node(new NodeId(Long.MIN_VALUE, 0, 1));
        final Node d = node(new NodeId(Long.MIN_VALUE, 0, 2));
        identify(b, a);
        identify(c, a);
        identify(d, a);
        assertTrue(a.engine().counters().get(CounterId.HEAD_PINGS) >= 1);
        assertEquals(0, a.engine().counters().get(CounterId.CONTACTS_EVICTED));
        assertNotNull(a.engine().table().find(b.engine().localId()));
        // Paper 2.2: old live contacts are kept; the newcomer waits in the replacement cache.
        assertTrue(a.engine().table().find(d.engine().localId()).inReplacementCache());
    }
}
