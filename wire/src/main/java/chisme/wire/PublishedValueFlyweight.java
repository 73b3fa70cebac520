package chisme.wire;

import org.agrona.DirectBuffer;

/**
 * The part STORE and VALUE share: a write token, the publisher, the remaining time to live and the value,
 * which ends the frame. It starts right after the body's fixed prefix ({@code partOffset}: the body start for
 * VALUE, after the key for STORE); offsets below are relative to that start.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                      token (64 bits, LE)                      |  P + 0
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                   publisher id (160 bits)                     |  P + 8
 *  |                              ...                              |
 *  +---------------------------------------------------------------+
 *  |                 remaining ttl seconds u32 LE                  |  P + 28
 *  +---------------------------------------------------------------+
 *  |               value length u32 LE (<= 65536)                  |  P + 32
 *  +---------------------------------------------------------------+
 *  |                        value bytes ...                        |  P + 36
 *  +---------------------------------------------------------------+  P + 36 + value length
 * </pre>
 *
 * @param <T> the concrete flyweight
 */
public abstract class PublishedValueFlyweight<T extends PublishedValueFlyweight<T>> extends MessageFlyweight<T> {
    /** Offset of the token from the start of the shared part. */
    public static final int TOKEN_AT = 0;
    public static final int PUBLISHER_AT = TOKEN_AT + 8;
    public static final int TTL_AT = PUBLISHER_AT + NodeId.BYTES;
    public static final int VALUE_LENGTH_AT = TTL_AT + 4;
    public static final int VALUE_AT = VALUE_LENGTH_AT + 4;

    /** Offset of the shared part from the start of the message. */
    private final int partOffset;

    protected PublishedValueFlyweight(final int messageType, final int partOffset) {
        super(messageType);
        this.partOffset = partOffset;
    }

    /** Writes token, publisher, ttl and value length; returns the total message length. */
    protected final int putPublished(final long token, final long publisherHi, final long publisherMid,
                                     final int publisherLo, final long ttlSeconds, final int valueLength) {
        final int p = offset + partOffset;
        mutableBuffer.putLong(p + TOKEN_AT, token, LE);
        NodeId.write(mutableBuffer, p + PUBLISHER_AT, publisherHi, publisherMid, publisherLo);
        putU32(p + TTL_AT, ttlSeconds);
        putU32(p + VALUE_LENGTH_AT, valueLength);
        return partOffset + VALUE_AT + valueLength;
    }

    /** Copies the value bytes into place (the length field is written by {@link #putPublished}). */
    protected final void putValue(final DirectBuffer value, final int valueOffset, final int valueLength) {
        mutableBuffer.putBytes(valueOffset(), value, valueOffset, valueLength);
    }

    /** Copies the value bytes into place (the length field is written by {@link #putPublished}). */
    protected final void putValue(final byte[] value) {
        mutableBuffer.putBytes(valueOffset(), value);
    }

    public long token() {
        return buffer.getLong(offset + partOffset + TOKEN_AT, LE);
    }

    public long publisherHi() {
        return NodeId.readHi(buffer, offset + partOffset + PUBLISHER_AT);
    }

    public long publisherMid() {
        return NodeId.readMid(buffer, offset + partOffset + PUBLISHER_AT);
    }

    public int publisherLo() {
        return NodeId.readLo(buffer, offset + partOffset + PUBLISHER_AT);
    }

    /** Allocates: slow path. */
    public NodeId publisherAsNodeId() {
        return NodeId.read(buffer, offset + partOffset + PUBLISHER_AT);
    }

    /** Remaining time to live in seconds (u32). */
    public long ttlSeconds() {
        return u32(offset + partOffset + TTL_AT);
    }

    public int valueLength() {
        return (int) u32(offset + partOffset + VALUE_LENGTH_AT);
    }

    /** Index in {@link #buffer()} of the first value byte. */
    public int valueOffset() {
        return offset + partOffset + VALUE_AT;
    }

    /** Copies the value into {@code dst} at {@code dstOffset}; returns its length. */
    public int value(final byte[] dst, final int dstOffset) {
        final int n = valueLength();
        buffer.getBytes(valueOffset(), dst, dstOffset, n);
        return n;
    }

    /** Allocates a copy of the value: slow path. */
    public byte[] copyValue() {
        final byte[] out = new byte[valueLength()];
        value(out, 0);
        return out;
    }

    @Override
    public int length() {
        return partOffset + VALUE_AT + valueLength();
    }
}
