package chisme.node.kademlia;

import chisme.node.rpc.RpcConfig;
import chisme.store.InMemoryTupleStore;
import chisme.wire.NodeId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Nodes on ::1: IPv6 contacts travel in NODES (38-byte entries) and lookups work over them. */
class Ipv6LoopbackTest {
    private final List<KademliaNode> nodes = new ArrayList<>();

    @AfterEach
    void tearDown() {
        nodes.forEach(KademliaNode::close);
    }

    @Test
    void shouldJoinPublishAndGetOverIpv6() throws Exception {
        final InetAddress v6 = InetAddress.getByName("::1");
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(v6, 0))) {
            assertTrue(probe.getLocalAddress() instanceof Inet6Address);
        } catch (final Exception e) {
            Assumptions.abort("no IPv6 loopback on this machine: " + e.getMessage());
        }
        final KademliaConfig cfg = new KademliaConfig().rpcTimeoutMs(300).rpc(RpcConfig.DEFAULT.withRate(100_000, 100_000));
        for (int i = 0; i < 6; i++) {
            final KademliaNode n = KademliaNode.udp(cfg, v6, 0, InMemoryTupleStore.withCapacity(100, 65_536), null);
            nodes.add(n);
            n.start();
            if (i > 0) {
                n.join(nodes.get(0).localAddress());
            }
        }
        assertTrue(nodes.get(5).contacts().size() >= 4, "learnt IPv6 contacts through NODES");
        final byte[] v = "hola por IPv6".getBytes();
        final NodeId key = nodes.get(3).publish(v);
        for (final KademliaNode n : nodes) {
            assertArrayEquals(v, n.get(key).orElseThrow());
        }
        assertEquals(16, nodes.get(5).contacts().get(0).address().getAddress().getAddress().length);
    }
}
