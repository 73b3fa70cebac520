package chisme.node.rpc;

import chisme.node.metrics.CounterId;
import chisme.node.metrics.Counters;
import chisme.node.transport.DatagramHandler;
import chisme.node.transport.Transport;
import chisme.wire.DecodeReason;
import chisme.wire.FragmentFlyweight;
import chisme.wire.HeaderFlyweight;
import chisme.wire.MessageDecoder;
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
        final Capture capture = new Capture();
        new MessageSender(capture, counters, RpcConfig.DEFAULT, 77).send(new UnsafeBuffer(message(3_000, 2)), 0, 3_000, SOURCE);
        final byte[] first = capture.sent.get(0);
        final byte[] last = capture.sent.get(capture.sent.size() - 1);
        final Reassembler r = new Reassembler(RpcConfig.DEFAULT, counters);
        r.onFragment(new UnsafeBuffer(first), 0, first.length, SOURCE, 0, (b, o, l, s) -> { });
        // Each alone passes MessageDecoder; only a sibling shows the disagreement.
        final UnsafeBuffer otherTotal = new UnsafeBuffer(first.clone());
        otherTotal.putInt(FragmentFlyweight.TOTAL_LENGTH_OFFSET, 2_900, java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(DecodeReason.OK, MessageDecoder.validate(otherTotal, 0, first.length));
        r.onFragment(otherTotal, 0, first.length, SOURCE, 0, (b, o, l, s) -> { });
        final int shorter = last.length - 1; // a last fragment one byte short implies another fragment length
        assertEquals(DecodeReason.OK, MessageDecoder.validate(new UnsafeBuffer(last), 0, shorter));
        r.onFragment(new UnsafeBuffer(last), 0, shorter, SOURCE, 0, (b, o, l, s) -> { });
        assertEquals(2, counters.get(CounterId.DROP_BAD_FRAGMENT));
        assertEquals(1, r.partialCount(), "the consistent first fragment still waits for its siblings");
        // Over this node's own limit: the wire allows 70,000, the config may allow less.
        final RpcConfig d = RpcConfig.DEFAULT;
        final Reassembler small = new Reassembler(new RpcConfig(d.maxDatagramBytes(), 2_000, d.maxCallsInFlight(),
            d.reassemblyTimeoutMs(), d.maxPartialMessages(), d.maxPartialsPerSource(), d.maxReassemblyBytes(),
            d.requestsPerSecond(), d.requestBurst(), d.totalRequestsPerSecond(), d.totalRequestBurst(),
            d.amplificationFactor(), d.provenAddresses(), d.provenTtlMs(), d.unverifiedRetries()), counters);
        small.onFragment(new UnsafeBuffer(first), 0, first.length, SOURCE, 0, (b, o, l, s) -> { });
        assertEquals(3, counters.get(CounterId.DROP_BAD_FRAGMENT));
        // Fields one fragment can show wrong (index past count, ...) never get here: MessageDecoder drops them.
        final UnsafeBuffer badIndex = new UnsafeBuffer(first.clone());
        badIndex.putShort(FragmentFlyweight.INDEX_OFFSET, (short) 5, java.nio.ByteOrder.LITTLE_ENDIAN);
        badIndex.putShort(FragmentFlyweight.COUNT_OFFSET, (short) 3, java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(DecodeReason.BAD_FRAGMENT, MessageDecoder.validate(badIndex, 0, first.length));
    }
}
