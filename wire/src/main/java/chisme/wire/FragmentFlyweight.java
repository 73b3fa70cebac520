package chisme.wire;

import org.agrona.DirectBuffer;

/**
 * FRAGMENT (0x30): one slice of a message longer than a datagram (values and books up to 64 KiB). The
 * header is the original message's header with the type changed to FRAGMENT (same transaction id and
 * sender), so a receiver can match it before reassembly. Every fragment but the last carries the same
 * payload length L, so the slice of fragment {@code index} starts at {@code index * L} of the original.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |        header (32 bytes, the original's, type FRAGMENT)       |  0
 *  +---------------------------------------------------------------+
 *  |                    message id u32 LE                          |  32
 *  +---------------------------------------------------------------+
 *  |          total length u32 LE (of the original message)        |  36
 *  +-------------------------------+-------------------------------+
 *  |          index u16 LE         |          count u16 LE         |  40
 *  +-------------------------------+-------------------------------+
 *  |        payload: bytes [index * L, ...) of the original ...    |  44
 *  +---------------------------------------------------------------+
 * </pre>
 * Reassembly is the transport's job (it bounds memory per source); see {@link Fragmenter} for splitting.
 */
public final class FragmentFlyweight extends MessageFlyweight<FragmentFlyweight> {
    public static final int MESSAGE_ID_OFFSET = BODY_OFFSET;
    public static final int TOTAL_LENGTH_OFFSET = MESSAGE_ID_OFFSET + 4;
    public static final int INDEX_OFFSET = TOTAL_LENGTH_OFFSET + 4;
    public static final int COUNT_OFFSET = INDEX_OFFSET + 2;
    public static final int PAYLOAD_OFFSET = COUNT_OFFSET + 2;

    private int length;

    public FragmentFlyweight() {
        super(MessageType.FRAGMENT);
    }

    /**
     * Wraps a received FRAGMENT of {@code length} bytes (the payload length is implied by the datagram
     * length, so this flyweight needs it).
     */
    public FragmentFlyweight wrap(final DirectBuffer buffer, final int offset, final int length) {
        wrap(buffer, offset);
        this.length = length;
        return this;
    }

    /** Writes the fragment fields and copies the payload; returns the total length. */
    public int encode(final int messageId, final int totalLength, final int index, final int count,
                      final DirectBuffer payload, final int payloadOffset, final int payloadLength) {
        mutableBuffer.putInt(offset + MESSAGE_ID_OFFSET, messageId, LE);
        putU32(offset + TOTAL_LENGTH_OFFSET, totalLength);
        putU16(offset + INDEX_OFFSET, index);
        putU16(offset + COUNT_OFFSET, count);
        mutableBuffer.putBytes(offset + PAYLOAD_OFFSET, payload, payloadOffset, payloadLength);
        length = PAYLOAD_OFFSET + payloadLength;
        return length;
    }

    public int messageId() {
        return buffer.getInt(offset + MESSAGE_ID_OFFSET, LE);
    }

    /** Length of the original message (u32; at most {@link WireLimits#MAX_MESSAGE} once validated). */
    public int totalLength() {
        return (int) u32(offset + TOTAL_LENGTH_OFFSET);
    }

    public int index() {
        return u16(offset + INDEX_OFFSET);
    }

    public int count() {
        return u16(offset + COUNT_OFFSET);
    }

    /** Index in {@link #buffer()} of the first payload byte. */
    public int payloadOffset() {
        return offset + PAYLOAD_OFFSET;
    }

    public int payloadLength() {
        return length - PAYLOAD_OFFSET;
    }

    /** The length given to {@link #wrap(DirectBuffer, int, int)} or written by {@link #encode}. */
    @Override
    public int length() {
        return length;
    }
}
