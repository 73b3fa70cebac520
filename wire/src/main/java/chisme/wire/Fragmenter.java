package chisme.wire;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Splits a message longer than one datagram into FRAGMENT datagrams (docs/wire.md, type 0x30). A pure
 * function of its inputs: no state, no allocation. Each fragment is built in a caller-supplied scratch
 * buffer and handed to a {@link Sink}; the bytes are valid only during the call.
 * <p>
 * Every fragment but the last carries {@code maxDatagram - 44} payload bytes (the same length, which
 * lets the receiver place fragment i at {@code i * L} before it has seen fragment 0).
 */
public final class Fragmenter {
    /** Receives one datagram; {@code buffer} is reused for the next one. */
    @FunctionalInterface
    public interface Sink {
        void onDatagram(DirectBuffer buffer, int offset, int length);
    }

    private Fragmenter() {
    }

    /** Payload bytes per fragment for a given datagram limit. */
    public static int payloadPerFragment(final int maxDatagram) {
        return maxDatagram - WireLimits.FRAGMENT_OVERHEAD;
    }

    /** Number of datagrams {@link #fragment} emits for a message of {@code length} bytes (1 if it fits). */
    public static int datagramCount(final int length, final int maxDatagram) {
        if (length <= maxDatagram) {
            return 1;
        }
        final int per = payloadPerFragment(maxDatagram);
        return (length + per - 1) / per;
    }

    /**
     * Emits the message at {@code [offset, offset + length)} as datagrams of at most {@code maxDatagram}
     * bytes: unchanged if it fits in one, otherwise as FRAGMENTs with message id {@code messageId} (unique
     * per sender among messages in flight). {@code scratch} must hold {@code maxDatagram} bytes.
     *
     * @return the number of datagrams emitted
     * @throws IllegalArgumentException if the message is shorter than a header, longer than
     *                                  {@link WireLimits#MAX_MESSAGE}, or maxDatagram leaves no payload
     */
    public static int fragment(final DirectBuffer message, final int offset, final int length, final int messageId,
                               final int maxDatagram, final MutableDirectBuffer scratch, final Sink sink) {
        if (length < HeaderFlyweight.LENGTH || length > WireLimits.MAX_MESSAGE) {
            throw new IllegalArgumentException("message length " + length + " outside 32.." + WireLimits.MAX_MESSAGE);
        }
        if (length <= maxDatagram) {
            sink.onDatagram(message, offset, length);
            return 1;
        }
        final int per = payloadPerFragment(maxDatagram);
        if (per < 1 || scratch.capacity() < maxDatagram) {
            throw new IllegalArgumentException("maxDatagram " + maxDatagram + " too small or scratch too short");
        }
        final int count = (length + per - 1) / per;
        if (count > WireLimits.MAX_FRAGMENTS) {
            throw new IllegalArgumentException("too many fragments: " + count);
        }
        // The fragment header is the original header with the type changed (wire.md FRAGMENT).
        scratch.putBytes(0, message, offset, HeaderFlyweight.LENGTH);
        scratch.putByte(HeaderFlyweight.TYPE_OFFSET, (byte) MessageType.FRAGMENT);
        scratch.putInt(FragmentFlyweight.MESSAGE_ID_OFFSET, messageId, MessageFlyweight.LE);
        scratch.putInt(FragmentFlyweight.TOTAL_LENGTH_OFFSET, length, MessageFlyweight.LE);
        scratch.putShort(FragmentFlyweight.COUNT_OFFSET, (short) count, MessageFlyweight.LE);
        for (int i = 0; i < count; i++) {
            final int from = i * per;
            final int n = Math.min(per, length - from);
            scratch.putShort(FragmentFlyweight.INDEX_OFFSET, (short) i, MessageFlyweight.LE);
            scratch.putBytes(FragmentFlyweight.PAYLOAD_OFFSET, message, offset + from, n);
            sink.onDatagram(scratch, 0, FragmentFlyweight.PAYLOAD_OFFSET + n);
        }
        return count;
    }
}
