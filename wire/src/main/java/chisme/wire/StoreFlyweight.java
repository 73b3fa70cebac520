package chisme.wire;

import org.agrona.DirectBuffer;

/**
 * STORE (0x07): asks a node to keep a value under a key (xlattice STORE). The token must be one the
 * receiver handed to this requester's address in a recent NODES or VALUE (BEP 5 write tokens stop
 * off-path nodes from storing). The key must be the SHA-1 of the value (checked by the receiver).
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                     header (32 bytes)                         |  0
 *  +---------------------------------------------------------------+
 *  |                       key (160 bits)                          |  32
 *  |                              ...                              |
 *  +---------------------------------------------------------------+
 *  |                      token (64 bits, LE)                      |  52
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                   publisher id (160 bits)                     |  60
 *  |                              ...                              |
 *  +---------------------------------------------------------------+
 *  |                 remaining ttl seconds u32 LE                  |  80
 *  +---------------------------------------------------------------+
 *  |               value length u32 LE (<= 65536)                  |  84
 *  +---------------------------------------------------------------+
 *  |                        value bytes ...                        |  88
 *  +---------------------------------------------------------------+  88 + value length
 * </pre>
 */
public final class StoreFlyweight extends PublishedValueFlyweight<StoreFlyweight> {
    public static final int KEY_OFFSET = BODY_OFFSET;
    public static final int TOKEN_OFFSET = KEY_OFFSET + NodeId.BYTES;
    public static final int VALUE_LENGTH_OFFSET = TOKEN_OFFSET + VALUE_LENGTH_AT;
    public static final int VALUE_OFFSET = TOKEN_OFFSET + VALUE_AT;

    public StoreFlyweight() {
        super(MessageType.STORE, TOKEN_OFFSET);
    }

    /**
     * Writes every field but the value bytes, which the caller then puts at {@link #valueOffset()}.
     * Returns the total length.
     */
    public int encode(final long keyHi, final long keyMid, final int keyLo, final long token,
                      final long publisherHi, final long publisherMid, final int publisherLo,
                      final long ttlSeconds, final int valueLength) {
        NodeId.write(mutableBuffer, offset + KEY_OFFSET, keyHi, keyMid, keyLo);
        return putPublished(token, publisherHi, publisherMid, publisherLo, ttlSeconds, valueLength);
    }

    /** Writes every field and copies the value; returns the total length. */
    public int encode(final long keyHi, final long keyMid, final int keyLo, final long token,
                      final long publisherHi, final long publisherMid, final int publisherLo,
                      final long ttlSeconds, final DirectBuffer value, final int valueOffset, final int valueLength) {
        putValue(value, valueOffset, valueLength);
        return encode(keyHi, keyMid, keyLo, token, publisherHi, publisherMid, publisherLo, ttlSeconds, valueLength);
    }

    /** Writes every field and copies the value; returns the total length. */
    public int encode(final NodeId key, final long token, final NodeId publisher, final long ttlSeconds, final byte[] value) {
        putValue(value);
        return encode(key.hi(), key.mid(), key.lo(), token, publisher.hi(), publisher.mid(), publisher.lo(),
            ttlSeconds, value.length);
    }

    public long keyHi() {
        return NodeId.readHi(buffer, offset + KEY_OFFSET);
    }

    public long keyMid() {
        return NodeId.readMid(buffer, offset + KEY_OFFSET);
    }

    public int keyLo() {
        return NodeId.readLo(buffer, offset + KEY_OFFSET);
    }

    /** Allocates: slow path. */
    public NodeId keyAsNodeId() {
        return NodeId.read(buffer, offset + KEY_OFFSET);
    }
}
