package chisme.node.kademlia;

import chisme.node.metrics.CounterId;
import chisme.store.InMemoryTupleStore;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 12 item 6: one remote peer cannot fill a node's value store so that the node's own publishes fail. */
class StoreExhaustionTest {
    @Test
    void shouldKeepAShareOfTheStoreForLocalPublishes() {
        final InetAddress lo = InetAddress.getLoopbackAddress();
        final InMemoryTupleStore small = InMemoryTupleStore.withCapacity(10, 65_536);
        // The subject is the reserve for local writes: the share per source prefix (StoreFairShareTest) is off,
        // else this one flooder would stop at a quarter of the remote space.
        final KademliaConfig cfg = new KademliaConfig().rpcTimeoutMs(500).remoteStoreSharePerPrefix(1.0);
        try (KademliaNode victim = KademliaNode.udp(cfg, lo, 0, small, null);
             KademliaNode flooder = KademliaNode.udp(cfg, lo, 0, InMemoryTupleStore.withCapacity(100, 65_536), null)) {
            victim.start();
            flooder.start();
            assertEquals(1, flooder.join(victim.localAddress()));
            int accepted = 0;
            for (int i = 0; i < 12; i++) {
                accepted += flooder.publishWithCopies(("flood-" + i).getBytes(StandardCharsets.UTF_8)).remoteCopies();
            }
            // Control: remote STOREs are welcome up to 80% of the quota; the attacker got no more than that.
            assertEquals(8, accepted);
            assertEquals(8, small.size());
            assertEquals(4, victim.counters().get(CounterId.STORE_RESERVED_FOR_LOCAL));
            // The victim's own publishes still land in its store.
            for (int i = 0; i < 2; i++) {
                final byte[] own = ("own-" + i).getBytes(StandardCharsets.UTF_8);
                victim.publish(own);
                assertTrue(victim.get(chisme.wire.NodeId.sha1(own)).isPresent());
            }
            assertEquals(10, small.size());
        }
    }
}
