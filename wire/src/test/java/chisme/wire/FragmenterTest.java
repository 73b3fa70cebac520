package chisme.wire;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FragmenterTest {
    /** Builds a STORE with a value of {@code valueLength} random bytes; returns the message bytes. */
    private static byte[] store(final int valueLength) {
        final byte[] value = new byte[valueLength];
        new SplittableRandom(valueLength).nextBytes(value);
        final UnsafeBuffer b = new UnsafeBuffer(new byte[StoreFlyweight.VALUE_OFFSET + valueLength]);
        final int len = new StoreFlyweight().wrap(b, 0).header(0, 99, Frames.SENDER)
            .encode(NodeId.sha1(value), 5, Frames.OTHER, 60, value);
        return Arrays.copyOf(b.byteArray(), len);
    }

    @Test
    void shouldSplitA64KiBValueIntoValidFragmentsThatReassemble() {
        final byte[] message = store(WireLimits.MAX_VALUE);
        final int maxDatagram = WireLimits.MAX_DATAGRAM;
        final byte[] reassembled = new byte[message.length];
        final int[] seen = {0};
        final UnsafeBuffer scratch = new UnsafeBuffer(new byte[maxDatagram]);
        final FragmentFlyweight f = new FragmentFlyweight();
        final int count = Fragmenter.fragment(new UnsafeBuffer(message), 0, message.length, 0x77, maxDatagram, scratch,
            (DirectBuffer buf, int off, int len) -> {
                assertTrue(len <= maxDatagram);
                final UnsafeBuffer exact = new UnsafeBuffer(Arrays.copyOfRange(((UnsafeBuffer) buf).byteArray(), off, off + len));
                assertEquals(DecodeReason.OK, MessageDecoder.validate(exact, 0, len));
                f.wrap(exact, 0, len);
                assertEquals(MessageType.FRAGMENT, f.type());
                assertEquals(99, f.transactionId());
                assertEquals(Frames.SENDER, f.senderAsNodeId());
                assertEquals(0x77, f.messageId());
                assertEquals(message.length, f.totalLength());
                assertEquals(seen[0], f.index());
                final int per = Fragmenter.payloadPerFragment(maxDatagram);
                exact.getBytes(f.payloadOffset(), reassembled, f.index() * per, f.payloadLength());
                seen[0]++;
            });
        assertEquals(Fragmenter.datagramCount(message.length, maxDatagram), count);
        assertEquals(seen[0], count);
        assertEquals((message.length + 1187) / 1188, count);
        assertArrayEquals(message, reassembled);
        assertEquals(DecodeReason.OK, MessageDecoder.validate(new UnsafeBuffer(reassembled), 0, reassembled.length));
    }

    @Test
    void shouldPassAMessageThatFitsThroughUnchanged() {
        final byte[] message = store(100);
        final UnsafeBuffer in = new UnsafeBuffer(message);
        final int[] calls = {0};
        final int count = Fragmenter.fragment(in, 0, message.length, 1, WireLimits.MAX_DATAGRAM,
            new UnsafeBuffer(new byte[WireLimits.MAX_DATAGRAM]), (buf, off, len) -> {
                assertSame(in, buf);
                assertEquals(message.length, len);
                calls[0]++;
            });
        assertEquals(1, count);
        assertEquals(1, calls[0]);
    }

    @Test
    void shouldSplitAtExactBoundaries() {
        final int maxDatagram = 300;
        final int per = Fragmenter.payloadPerFragment(maxDatagram);
        for (final int length : new int[] {maxDatagram + 1, 2 * per, 2 * per + 1, 3 * per - 1}) {
            final byte[] message = store(length - StoreFlyweight.VALUE_OFFSET);
            final int[] last = {0};
            final int count = Fragmenter.fragment(new UnsafeBuffer(message), 0, length, 3, maxDatagram,
                new UnsafeBuffer(new byte[maxDatagram]), (buf, off, len) -> {
                    assertEquals(DecodeReason.OK, MessageDecoder.validate(buf, off, len), "length " + length);
                    last[0] = len - FragmentFlyweight.PAYLOAD_OFFSET;
                });
            assertEquals((length + per - 1) / per, count);
            assertEquals(length - (count - 1) * per, last[0]);
        }
    }

    @Test
    void shouldRefuseMessagesBeyondTheLimit() {
        final UnsafeBuffer big = new UnsafeBuffer(new byte[WireLimits.MAX_MESSAGE + 1]);
        assertThrows(IllegalArgumentException.class, () -> Fragmenter.fragment(big, 0, WireLimits.MAX_MESSAGE + 1, 1,
            WireLimits.MAX_DATAGRAM, new UnsafeBuffer(new byte[WireLimits.MAX_DATAGRAM]), (b, o, l) -> { }));
    }
}
