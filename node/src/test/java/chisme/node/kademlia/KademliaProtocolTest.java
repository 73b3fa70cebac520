package chisme.node.kademlia;

import chisme.node.metrics.CounterId;
import chisme.node.rpc.Response;
import chisme.node.rpc.RpcConfig;
import chisme.store.InMemoryTupleStore;
import chisme.wire.HeaderFlyweight;
import chisme.wire.MessageType;
import chisme.wire.NodeId;
import chisme.wire.NodesFlyweight;
import chisme.wire.StoreFlyweight;
import chisme.wire.StoreResultFlyweight;
import chisme.wire.StoreResultStatus;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KademliaProtocolTest {
    private final List<KademliaNode> nodes = new ArrayList<>();

    @AfterEach
    void tearDown() {
        nodes.forEach(KademliaNode::close);
    }

    private KademliaNode node(final KademliaConfig config, final InMemoryTupleStore store, final Path dir) throws Exception {
        final KademliaNode n = KademliaNode.udp(config, InetAddress.getByName("127.0.0.1"), 0, store, dir);
        nodes.add(n);
        n.start();
        return n;
    }

    private static KademliaConfig config() {
        return new KademliaConfig().rpcTimeoutMs(300).maxValueBytes(1000).rpc(RpcConfig.DEFAULT.withRate(100_000, 100_000));
    }

    /** The body of a STORE (what RpcClient.call sends after the header), built with the wire flyweight. */
    private static byte[] store(final NodeId key, final long token, final byte[] value) {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[StoreFlyweight.VALUE_OFFSET + value.length]);
        final int length = new StoreFlyweight().wrap(b, 0).encode(key, token, new NodeId(1, 2, 3), 3600, value);
        final byte[] body = new byte[length - HeaderFlyweight.LENGTH];
        b.getBytes(HeaderFlyweight.LENGTH, body);
        return body;
    }

    private static long tokenFrom(final KademliaNode client, final KademliaNode server) throws Exception {
        final Response r = client.rpcClient().call(server.localAddress(), MessageType.FIND_NODE, new byte[20], 1_000);
        assertEquals(MessageType.NODES, r.type());
        return new NodesFlyweight().wrap(r.buffer(), 0).token();
    }

    private static int status(final Response r) {
        assertEquals(MessageType.STORE_RESULT, r.type());
        return new StoreResultFlyweight().wrap(r.buffer(), 0).status();
    }

    @Test
    void shouldRefuseStoresWithBadTokenWrongKeyTooLargeOrFullStore() throws Exception {
        // Two tuples: remote STOREs may fill 80% of the quota (issue 12, LocalWriteReserve), i.e. one here.
        final KademliaNode server = node(config(), InMemoryTupleStore.withCapacity(2, 65_536), null);
        final KademliaNode client = node(config(), InMemoryTupleStore.withCapacity(10, 65_536), null);
        final long token = tokenFrom(client, server);
        final byte[] v = "value".getBytes();
        assertEquals(StoreResultStatus.BAD_TOKEN, status(client.rpcClient().call(server.localAddress(), MessageType.STORE,
            store(NodeId.sha1(v), token ^ 1, v), 1_000)));
        assertEquals(StoreResultStatus.KEY_MISMATCH, status(client.rpcClient().call(server.localAddress(), MessageType.STORE,
            store(NodeId.sha1("other".getBytes()), token, v), 1_000)));
        final byte[] big = new byte[2000];
        assertEquals(StoreResultStatus.TOO_LARGE, status(client.rpcClient().call(server.localAddress(), MessageType.STORE,
            store(NodeId.sha1(big), token, big), 1_000)));
        assertEquals(StoreResultStatus.OK, status(client.rpcClient().call(server.localAddress(), MessageType.STORE,
            store(NodeId.sha1(v), token, v), 1_000)));
        final byte[] v2 = "second".getBytes();
        assertEquals(StoreResultStatus.STORE_FULL, status(client.rpcClient().call(server.localAddress(), MessageType.STORE,
            store(NodeId.sha1(v2), token, v2), 1_000)));
        assertEquals(1, server.counters().get(CounterId.STORE_BAD_TOKEN));
        assertEquals(1, server.counters().get(CounterId.STORE_KEY_MISMATCH));
        assertEquals(1, server.counters().get(CounterId.STORE_TOO_LARGE));
        assertEquals(1, server.counters().get(CounterId.STORE_RESERVED_FOR_LOCAL), "the remote share is full before the store");
        assertArrayEquals(v, client.get(NodeId.sha1(v)).orElseThrow(), "client reads it back through FIND_VALUE");
    }

    @Test
    void shouldIdentifyAndNeverAddUnverifiedSenders() throws Exception {
        final KademliaNode a = node(config(), InMemoryTupleStore.withCapacity(10, 65_536), null);
        final KademliaNode b = node(config(), InMemoryTupleStore.withCapacity(10, 65_536), null);
        assertEquals(b.id(), a.identify(b.localAddress()).orElseThrow());
        assertTrue(a.contacts().stream().anyMatch(c -> c.id().equals(b.id())), "a PONG verifies the contact");
        // A sender that never answers our verification ping must not enter the table.
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            final UnsafeBuffer m = new UnsafeBuffer(new byte[52]);
            final NodeId stranger = NodeId.random(new SplittableRandom(9));
            new HeaderFlyweight().wrap(m, 0).encode(MessageType.FIND_NODE, 0, 77, stranger);
            final long pingsBefore = a.counters().get(CounterId.CONTACTS_VERIFY_PINGS);
            final long timeoutsBefore = a.counters().get(CounterId.CALLS_TIMED_OUT);
            s.send(new DatagramPacket(m.byteArray(), 52, a.localAddress()));
            s.setSoTimeout(1000);
            // Two datagrams come back: the verification PING (sent first, from the observer) and the NODES reply.
            boolean nodes = false;
            boolean ping = false;
            for (int i = 0; i < 2; i++) {
                final DatagramPacket d = new DatagramPacket(new byte[2048], 2048);
                s.receive(d);
                nodes |= d.getData()[HeaderFlyweight.TYPE_OFFSET] == MessageType.NODES;
                ping |= d.getData()[HeaderFlyweight.TYPE_OFFSET] == MessageType.PING;
            }
            assertTrue(nodes && ping, "got NODES " + nodes + ", verification PING " + ping);
            // Wait (bounded) until the verification ping to the silent stranger has timed out.
            final long deadlineNs = System.nanoTime() + 20_000_000_000L; // a bound for a loaded CI machine, not a timing
            while (a.counters().get(CounterId.CALLS_TIMED_OUT) == timeoutsBefore && System.nanoTime() < deadlineNs) {
                Thread.sleep(10); // not a spin: the node under test needs the core
            }
            assertEquals(timeoutsBefore + 1, a.counters().get(CounterId.CALLS_TIMED_OUT));
            assertFalse(a.contacts().stream().anyMatch(c -> c.id().equals(stranger)));
            assertEquals(pingsBefore + 1, a.counters().get(CounterId.CONTACTS_VERIFY_PINGS));
        }
    }

    @Test
    void shouldRejoinFromSavedContactsWithTheSameId(@TempDir final Path dir) throws Exception {
        final KademliaNode seed = node(config(), InMemoryTupleStore.withCapacity(10, 65_536), null);
        final KademliaNode other = node(config(), InMemoryTupleStore.withCapacity(10, 65_536), null);
        other.join(seed.localAddress());
        final KademliaNode first = node(config(), InMemoryTupleStore.withCapacity(10, 65_536), dir.resolve("n"));
        assertTrue(first.join(seed.localAddress()) >= 2);
        final NodeId id = first.id();
        first.close();
        final KademliaNode again = node(config(), InMemoryTupleStore.withCapacity(10, 65_536), dir.resolve("n"));
        assertEquals(id, again.id());
        assertTrue(again.rejoin() >= 2, "rejoined through saved contacts without a bootstrap address");
    }
}
