package chisme.node.kademlia;

import chisme.node.metrics.CounterId;
import chisme.node.rpc.RpcConfig;
import chisme.store.InMemoryTupleStore;
import chisme.wire.HeaderFlyweight;
import chisme.wire.MessageType;
import chisme.wire.NodeId;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Random, truncated and mutated datagrams at a live node: all dropped and counted, the node keeps answering. */
class BadInputTest {
    private KademliaNode a;
    private KademliaNode b;

    @AfterEach
    void tearDown() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    @Test
    void shouldSurviveJunkAndRateLimitFloods() throws Exception {
        final InetAddress lo = InetAddress.getByName("127.0.0.1");
        final KademliaConfig cfg = new KademliaConfig().rpcTimeoutMs(300).rpc(RpcConfig.DEFAULT.withRate(50, 100));
        a = KademliaNode.udp(cfg, lo, 0, InMemoryTupleStore.withCapacity(10, 65_536), null);
        a.start();
        final SplittableRandom r = new SplittableRandom(5);
        int sent = 0;
        try (DatagramSocket s = new DatagramSocket(0, lo)) {
            for (int i = 0; i < 2_000; i++) {
                final byte[] d = new byte[1 + r.nextInt(1300)];
                r.nextBytes(d);
                if (i % 2 == 0 && d.length >= 33) {
                    // a valid header with a random known type and a random (mostly wrong-length) body
                    final int[] types = {MessageType.PING, MessageType.FIND_NODE, MessageType.STORE, MessageType.NODES,
                        MessageType.FRAGMENT, MessageType.VALUE, MessageType.BOOKS};
                    new HeaderFlyweight().wrap(new UnsafeBuffer(d), 0).encode(types[r.nextInt(types.length)], 0, r.nextLong(), NodeId.random(r));
                }
                s.send(new DatagramPacket(d, d.length, a.localAddress()));
                sent++;
            }
            // Then 300 valid PINGs at once: over the burst of 100 from one IP.
            final UnsafeBuffer ping = new UnsafeBuffer(new byte[HeaderFlyweight.LENGTH]);
            for (int i = 0; i < 300; i++) {
                new HeaderFlyweight().wrap(ping, 0).encode(MessageType.PING, HeaderFlyweight.FLAG_READ_ONLY, i + 1, NodeId.random(r));
                s.send(new DatagramPacket(ping.byteArray(), HeaderFlyweight.LENGTH, a.localAddress()));
            }
        }
        // Still serving: a fresh peer (another source... but the same IP, whose bucket the flood drained) gets through
        // once tokens refill, bounded wait.
        b = KademliaNode.udp(cfg, lo, 0, InMemoryTupleStore.withCapacity(10, 65_536), null);
        b.start();
        boolean ok = false;
        final long deadlineNs = System.nanoTime() + 10_000_000_000L;
        while (!ok && System.nanoTime() < deadlineNs) {
            ok = b.identify(a.localAddress()).isPresent();
        }
        assertTrue(ok, "node still answers after junk");
        final long received = a.counters().get(CounterId.RX_DATAGRAMS);
        long dropped = 0;
        for (final CounterId id : CounterId.values()) {
            if (id.name().startsWith("DROP_")) {
                dropped += a.counters().get(id);
            }
        }
        assertTrue(received >= sent * 0.9, "received " + received + " of " + sent);
        assertTrue(dropped > sent / 2, "dropped " + dropped);
        assertTrue(a.counters().get(CounterId.DROP_RATE_LIMITED) > 0, "300 PINGs at once from one IP trip the limit");
        assertEquals(0, a.counters().get(CounterId.DROP_HANDLER_ERROR));
    }
}
