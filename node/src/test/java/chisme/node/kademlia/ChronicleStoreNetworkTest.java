package chisme.node.kademlia;

import chisme.node.rpc.RpcConfig;
import chisme.store.StoreConfig;
import chisme.store.Stores;
import chisme.wire.NodeId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Four UDP nodes whose values live in the store module's Chronicle Map tuple store (node thread access only). */
class ChronicleStoreNetworkTest {
    private final List<KademliaNode> nodes = new ArrayList<>();
    private final List<Stores> stores = new ArrayList<>();

    @AfterEach
    void tearDown() {
        nodes.forEach(KademliaNode::close);
        stores.forEach(Stores::close);
    }

    @Test
    void shouldPublishAndGetThroughChronicleStores() throws Exception {
        final KademliaConfig config = new KademliaConfig().rpcTimeoutMs(500).rpc(RpcConfig.DEFAULT.withRate(100_000, 100_000));
        for (int i = 0; i < 4; i++) {
            final Stores s = Stores.openTemporary(new StoreConfig().maxTuples(200));
            stores.add(s);
            final KademliaNode n = KademliaNode.udp(config, InetAddress.getByName("127.0.0.1"), 0, s.tuples(), null);
            nodes.add(n);
            n.start();
            if (i > 0) {
                n.join(nodes.get(0).localAddress());
            }
        }
        final SplittableRandom random = new SplittableRandom(4);
        final List<NodeId> keys = new ArrayList<>();
        final List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            // one value of 60 KiB: fragmented STORE and VALUE through Chronicle
            final byte[] v = new byte[i == 0 ? 60_000 : 100 + i];
            random.nextBytes(v);
            final KademliaNode.Published p = nodes.get(i % 4).publishWithCopies(v);
            assertTrue(p.remoteCopies() >= 3, "copies " + p.remoteCopies());
            keys.add(p.key());
            values.add(v);
        }
        for (final KademliaNode n : nodes) {
            for (int i = 0; i < keys.size(); i++) {
                assertArrayEquals(values.get(i), n.get(keys.get(i)).orElseThrow());
            }
        }
    }
}
