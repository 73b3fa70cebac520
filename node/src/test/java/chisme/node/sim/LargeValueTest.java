package chisme.node.sim;

import chisme.node.event.EventLog;
import chisme.node.kademlia.KademliaConfig;
import chisme.node.kademlia.KademliaEngine;
import chisme.node.kademlia.LookupResult;
import chisme.store.InMemoryTupleStore;
import chisme.wire.NodeId;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A value near the 64 KiB limit is stored remotely and served back by FIND_VALUE: the VALUE reply is written
 * by the store straight into the responder's buffer, which grows on demand (issue 15; a 60 KB FIND_VALUE was
 * answered with an empty NODES when the buffer was not grown first).
 */
class LargeValueTest {
    @Test
    void aSixtyKilobyteValueIsStoredAndServedBack() {
        final SimNetwork net = new SimNetwork(15, 2, 10, 0.0);
        final KademliaConfig config = new KademliaConfig().rpcTimeoutMs(2_000).conclude();
        final SplittableRandom random = new SplittableRandom(15);
        final List<KademliaEngine> nodes = new ArrayList<>();
        final List<SimNetwork.Host> hosts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            final SimNetwork.Host h = net.addHost();
            final KademliaEngine e = new KademliaEngine(config, h.nodeHost(NodeId.random(random), random.split(), config.rpc()),
                InMemoryTupleStore.withCapacity(100, 65_536), new EventLog(16));
            h.execute(e::start);
            nodes.add(e);
            hosts.add(h);
        }
        for (int i = 1; i < 3; i++) {
            final KademliaEngine e = nodes.get(i);
            final boolean[] done = {false};
            hosts.get(i).execute(() -> e.join(List.of(nodes.get(0).localAddress()), n -> done[0] = true));
            net.runWhile(() -> !done[0], net.nowMs() + 60_000, 10_000_000);
        }
        final byte[] value = new byte[60_000];
        random.nextBytes(value);
        final int[] copies = {-1};
        final NodeId[] key = new NodeId[1];
        hosts.get(1).execute(() -> key[0] = nodes.get(1).publish(value, (local, c) -> copies[0] = c));
        net.runWhile(() -> copies[0] < 0, net.nowMs() + 60_000, 10_000_000);
        assertTrue(copies[0] >= 1, "remote copies " + copies[0]);
        // Ask from a node that holds no copy, or from the holder's neighbour: a FIND_VALUE that must come back as VALUE.
        int asker = -1;
        for (int i = 0; i < 3; i++) {
            if (i != 1 && nodes.get(i).store().get(key[0]) == null) {
                asker = i;
            }
        }
        if (asker < 0) {
            asker = 2;
            nodes.get(2).store().remove(key[0]);
        }
        final KademliaEngine from = nodes.get(asker);
        final LookupResult[] got = new LookupResult[1];
        hosts.get(asker).execute(() -> from.lookup(key[0], true, r -> got[0] = r));
        net.runWhile(() -> got[0] == null, net.nowMs() + 60_000, 10_000_000);
        assertNotNull(got[0]);
        assertTrue(got[0].found(), "the 60 KB value was not served");
        assertArrayEquals(value, got[0].value());
    }
}
