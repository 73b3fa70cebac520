package chisme.node.kademlia;

import chisme.store.InMemoryTupleStore;
import chisme.wire.NodeId;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A node with no contacts completes a publish inside the node thread's call (no lookup to wait for):
 * the key handed back must still be the value's SHA-1, never null (it used to be assigned after the
 * future could already have completed).
 */
class LoneNodePublishTest {
    @Test
    void shouldReturnTheKeyOfEveryPublishOnALoneNode() throws Exception {
        try (KademliaNode n = KademliaNode.udp(new KademliaConfig(), InetAddress.getByName("127.0.0.1"), 0,
            InMemoryTupleStore.withCapacity(1_000, 65_536), null)) {
            n.start();
            for (int i = 0; i < 200; i++) {
                final byte[] value = ("valor " + i).getBytes();
                final KademliaNode.Published p = n.publishWithCopies(value);
                assertEquals(NodeId.sha1(value), p.key(), "publish " + i);
                assertEquals(0, p.remoteCopies());
                final Optional<byte[]> got = n.get(p.key());
                assertArrayEquals(value, got.orElseThrow());
            }
        }
    }
}
