package chisme.node.sim;

import chisme.node.kademlia.KademliaConfig;
import chisme.node.kademlia.KademliaEngine;
import chisme.node.metrics.CounterId;
import chisme.wire.NodeId;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11: a lookup whose requests stalled used to finish as soon as nothing else was in flight, so a publish
 * stored only at the fast nodes (8 of 14 copies under load). Two of the k closest nodes answer in ~310-400 ms:
 * later than the 250 ms stall, before the 2 s RPC timeout. The publish must still reach all k.
 * (Was 400 ms each way: since issue 12's amplification bound a NODES reply to an address that never answered a
 * call of the replier costs an ERROR UNVERIFIED, a verification PING and the request again, three round trips:
 * ~2.5 s at that delay: past the timeout. It passed only while earlier merge self-lookups had happened to
 * prove the publisher's address to the slow nodes.)
 */
class SlowNodeStoreTest {
    @Test
    void aPublishStoresAtSlowNodesAmongTheKClosest() {
        final int k = 5;
        final KademliaSimulation sim = new KademliaSimulation(new KademliaConfig().k(k), 21);
        sim.grow(40);
        final byte[] value = new byte[100];
        new SplittableRandom(3).nextBytes(value);
        final NodeId key = NodeId.sha1(value);
        final List<KademliaEngine> byDistance = new ArrayList<>(sim.nodes());
        byDistance.sort(Comparator.comparing(KademliaEngine::localId, key::compareDistance));
        // The publisher is far from the key; the 2nd and 4th closest become slow.
        final KademliaEngine publisher = byDistance.get(byDistance.size() - 1);
        sim.hostOf(byDistance.get(1)).extraDelayMs(150);
        sim.hostOf(byDistance.get(3)).extraDelayMs(150);
        final int[] copies = {-1};
        sim.hostOf(publisher).execute(() -> publisher.publish(value, (local, c) -> copies[0] = c));
        sim.network().runWhile(() -> copies[0] < 0, sim.network().nowMs() + 60_000, 10_000_000);
        assertEquals(k, copies[0], "every one of the k closest holds a copy");
        for (int i = 0; i < k; i++) {
            assertTrue(byDistance.get(i).store().get(key) != null, "closest #" + i + " holds the value");
        }
        assertTrue(publisher.counters().get(CounterId.LOOKUPS_WAITED_FOR_STALLED) > 0, "the lookup waited for the slow nodes");
    }
}
