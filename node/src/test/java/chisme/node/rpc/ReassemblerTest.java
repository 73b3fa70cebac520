package chisme.node.rpc;

import chisme.node.metrics.CounterId;
import chisme.node.metrics.Counters;
import chisme.node.transport.DatagramHandler;
import chisme.node.transport.Transport;
import chisme.wire.FragmentFlyweight;
import chisme.wire.HeaderFlyweight;
import chisme.wire.MessageType;
import chisme.wire.NodeId;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReassemblerTest {
    private static final InetSocketAddress SOURCE = new InetSocketAddress("127.0.0.2", 4000);

    /** Captures sent datagrams instead of sending them. */
    static final class Capture implements Transport {
        final List<byte[]> sent = new ArrayList<>();

        @Override
        public InetSocketAddress localAddress() {
            return SOURCE;
        }

        @Override
        public boolean send(final DirectBuffer buffer, final int offset, final int length, final InetSocketAddress destination) {
            final byte[] b = new byte[length];
            buffer.getBytes(offset, b);
            sent.add(b);
            return true;
        }

        @Override
        public void start(final DatagramHandler handler) {
        }

        @Override
        public void close() {
        }
    }

    private static byte[] message(final int length, final long seed) {
        final byte[] m = new byte[length];
        new Random(seed).nextBytes(m);
        new HeaderFlyweight().wrap(new UnsafeBuffer(m), 0).encode(MessageType.BOOKS, 0, 9, new NodeId(1, 2, 3));
        return m;
    }

    @Test
    void shouldReassembleOutOfOrderFragments() {
        final Counters counters = new Counters();
        final Capture capture = new Capture();
        final MessageSender sender = new MessageSender(capture, counters, RpcConfig.DEFAULT, 77);
        final byte[] m = message(10_000, 1);
        sender.send(new UnsafeBuffer(m), 0, m.length, SOURCE);
        assertTrue(capture.sent.size() > 8);
        Collections.shuffle(capture.sent, new Random(5));
        final Reassembler r = new Reassembler(RpcConfig.DEFAULT, counters);
        final List<byte[]> out = new ArrayList<>();
        for (final byte[] f : capture.sent) {
            r.onFragment(new UnsafeBuffer(f), 0, f.length, SOURCE, 0, (b, o, l, s) -> {
                final byte[] c = new byte[l];
                b.getBytes(o, c);
                out.add(c);
            });
        }
        assertEquals(1, out.size());
        assertArrayEquals(m, out.get(0));
        assertEquals(0, r.partialCount());
    }

    @Test
    void shouldBoundPartialsPerSourceAndExpireThem() {
        final Counters counters = new Counters();
        final RpcConfig config = RpcConfig.DEFAULT;
        final Reassembler r = new Reassembler(config, counters);
        final Capture capture = new Capture();
        final MessageSender sender = new MessageSender(capture, counters, config, 1);
        for (int i = 0; i < 20; i++) {
            final byte[] m = message(5_000, i);
            sender.send(new UnsafeBuffer(m), 0, m.length, SOURCE);
        }
        // Only the first fragment of each message arrives: twenty partial messages from one source.
        int seen = 0;
        for (final byte[] f : capture.sent) {
            final int index = new UnsafeBuffer(f).getShort(FragmentFlyweight.INDEX_OFFSET, java.nio.ByteOrder.LITTLE_ENDIAN);
            if (index == 0) {
                r.onFragment(new UnsafeBuffer(f), 0, f.length, SOURCE, 0, (b, o, l, s) -> { });
                seen++;
            }
        }
        assertEquals(20, seen);
        assertEquals(config.maxPartialsPerSource(), r.partialCount());
        assertEquals(20 - config.maxPartialsPerSource(), counters.get(CounterId.DROP_REASSEMBLY_FULL));
        r.expire(config.reassemblyTimeoutMs() + 1);
        assertEquals(0, r.partialCount());
        assertEquals(0, r.heldBytes());
        assertEquals(config.maxPartialsPerSource(), counters.get(CounterId.REASSEMBLY_TIMEOUTS));
    }

    @Test
    void shouldDropInconsistentFragments() {
        final Counters counters = new Counters();
        final Reassembler r = new Reassembler(RpcConfig.DEFAULT, counters);
        final UnsafeBuffer f = new UnsafeBuffer(new byte[100]);
        f.putInt(FragmentFlyweight.TOTAL_LENGTH_OFFSET, 1_000_000, java.nio.ByteOrder.LITTLE_ENDIAN);
        f.putShort(FragmentFlyweight.COUNT_OFFSET, (short) 3, java.nio.ByteOrder.LITTLE_ENDIAN);
        r.onFragment(f, 0, 100, SOURCE, 0, (b, o, l, s) -> { });
        f.putInt(FragmentFlyweight.TOTAL_LENGTH_OFFSET, 200, java.nio.ByteOrder.LITTLE_ENDIAN);
        f.putShort(FragmentFlyweight.INDEX_OFFSET, (short) 5, java.nio.ByteOrder.LITTLE_ENDIAN);
        r.onFragment(f, 0, 100, SOURCE, 0, (b, o, l, s) -> { });
        assertEquals(2, counters.get(CounterId.DROP_BAD_FRAGMENT));
        assertEquals(0, r.partialCount());
    }
}
