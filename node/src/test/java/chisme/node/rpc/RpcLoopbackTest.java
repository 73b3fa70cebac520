package chisme.node.rpc;

import chisme.node.metrics.CounterId;
import chisme.node.metrics.Counters;
import chisme.node.transport.Clock;
import chisme.node.transport.NodeAgent;
import chisme.node.transport.UdpTransport;
import chisme.wire.HeaderFlyweight;
import chisme.wire.MessageType;
import chisme.wire.NodeId;
import chisme.wire.StoreFlyweight;
import chisme.wire.ValueFlyweight;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.DatagramSocket;
import java.net.DatagramPacket;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RpcLoopbackTest {
    private Peer a;
    private Peer b;

    static final class Peer implements AutoCloseable {
        final Counters counters = new Counters();
        final UdpTransport transport;
        final NodeAgent agent;
        final Dispatcher dispatcher;
        final RpcClient client;

        Peer(final long seed) throws Exception {
            transport = UdpTransport.open(InetAddress.getLoopbackAddress(), 0, counters);
            agent = new NodeAgent("rpc-test", Clock.SYSTEM, transport, counters);
            final SplittableRandom random = new SplittableRandom(seed);
            dispatcher = new Dispatcher(NodeId.random(random), transport, agent, Clock.SYSTEM, counters, random, RpcConfig.DEFAULT);
            client = new RpcClient(dispatcher, agent);
        }

        void start() {
            dispatcher.start();
            agent.start();
        }

        @Override
        public void close() {
            agent.close();
        }
    }

    /** The body of a STORE carrying {@code value} (what RpcClient.call sends after the header). */
    private static byte[] storeBody(final byte[] value) {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[StoreFlyweight.VALUE_OFFSET + value.length]);
        final int length = new StoreFlyweight().wrap(b, 0).encode(new NodeId(0, 0, 0), 0, new NodeId(0, 0, 0), 0, value);
        return Arrays.copyOfRange(b.byteArray(), HeaderFlyweight.LENGTH, length);
    }

    private static byte[] valueOf(final Response r) {
        return new ValueFlyweight().wrap(r.buffer(), 0).copyValue();
    }

    @BeforeEach
    void setUp() throws Exception {
        a = new Peer(1);
        b = new Peer(2);
        // Echo handler: answers a STORE with a VALUE carrying the same value bytes.
        final StoreFlyweight store = new StoreFlyweight();
        final ValueFlyweight value = new ValueFlyweight();
        a.dispatcher.registerRequestHandler(MessageType.STORE, (h, buf, off, len, from, r) -> {
            store.wrap(buf, off);
            final int length = value.wrap(r.buffer(), 0).encode(0, 0, 0, 0, 0, buf, store.valueOffset(), store.valueLength());
            r.reply(MessageType.VALUE, length - Responder.BODY_OFFSET);
        });
        a.start();
        b.start();
    }

    @AfterEach
    void tearDown() {
        a.close();
        b.close();
    }

    @Test
    void shouldCompleteCallWithMatchingReply() throws Exception {
        final byte[] value = "hello".getBytes();
        final Response r = b.client.call(a.transport.localAddress(), MessageType.STORE, storeBody(value), 2_000);
        assertEquals(MessageType.VALUE, r.type());
        assertEquals(a.dispatcher.localId(), r.sender());
        assertArrayEquals(value, valueOf(r));
    }

    @Test
    void shouldFragmentAndReassembleLargeMessagesBothWays() throws Exception {
        final byte[] value = new byte[65_536];
        new SplittableRandom(7).nextBytes(value);
        final Response r = b.client.call(a.transport.localAddress(), MessageType.STORE, storeBody(value), 3_000);
        assertArrayEquals(value, valueOf(r));
        assertTrue(a.counters.get(CounterId.MESSAGES_REASSEMBLED) >= 1);
        assertTrue(b.counters.get(CounterId.MESSAGES_REASSEMBLED) >= 1);
    }

    @Test
    void shouldTimeOutWhenNobodyAnswers() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            final InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), silent.getLocalPort());
            final RpcException e = assertThrows(RpcException.class, () -> b.client.call(to, MessageType.PING, new byte[0], 100));
            assertEquals(RpcException.Reason.TIMEOUT, e.reason());
            assertEquals(1, b.counters.get(CounterId.CALLS_TIMED_OUT));
        }
    }

    @Test
    void shouldDropJunkAndUnsolicitedRepliesAndKeepServing() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            final InetSocketAddress to = a.transport.localAddress();
            s.send(new DatagramPacket(new byte[5], 5, to));                       // too short
            final byte[] bad = new byte[40];
            bad[0] = 0x11;
            s.send(new DatagramPacket(bad, bad.length, to));                       // bad magic
            final UnsafeBuffer reply = new UnsafeBuffer(new byte[40]);
            new HeaderFlyweight().wrap(reply, 0).encode(MessageType.STORE_RESULT, 0, 42, NodeId.random(new SplittableRandom(3)));
            s.send(new DatagramPacket(reply.byteArray(), 33, to));                 // unsolicited reply
            final UnsafeBuffer unknown = new UnsafeBuffer(new byte[40]);
            new HeaderFlyweight().wrap(unknown, 0).encode(0x7F, 0, 1, NodeId.random(new SplittableRandom(4)));
            s.send(new DatagramPacket(unknown.byteArray(), 40, to));               // unknown type
        }
        final Response r = b.client.call(a.transport.localAddress(), MessageType.STORE, storeBody(new byte[]{1}), 2_000);
        assertEquals(MessageType.VALUE, r.type());
        assertEquals(1, a.counters.get(CounterId.DROP_TOO_SHORT));
        assertEquals(1, a.counters.get(CounterId.DROP_BAD_MAGIC));
        assertEquals(1, a.counters.get(CounterId.DROP_UNSOLICITED));
        assertEquals(1, a.counters.get(CounterId.DROP_UNKNOWN_TYPE));
    }

    @Test
    void shouldCountRequestsWithoutHandler() throws Exception {
        assertThrows(RpcException.class, () -> b.client.call(a.transport.localAddress(), MessageType.SHELF_DIGEST, new byte[1], 150));
        assertEquals(1, a.counters.get(CounterId.DROP_NO_HANDLER));
    }
}
