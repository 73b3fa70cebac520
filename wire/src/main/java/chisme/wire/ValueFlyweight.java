package chisme.wire;

import org.agrona.DirectBuffer;

/**
 * VALUE (0x06): answer to FIND_VALUE when the responder holds the value. Carries a write token (so the
 * requester may STORE at this node, e.g. to cache along the lookup path, xlattice "caching"), the original
 * publisher and the remaining time to live. Values above one datagram are sent as FRAGMENTs.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                     header (32 bytes)                         |  0
 *  +---------------------------------------------------------------+
 *  |                      token (64 bits, LE)                      |  32
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                   publisher id (160 bits)                     |  40
 *  |                              ...                              |
 *  +---------------------------------------------------------------+
 *  |                 remaining ttl seconds u32 LE                  |  60
 *  +---------------------------------------------------------------+
 *  |               value length u32 LE (<= 65536)                  |  64
 *  +---------------------------------------------------------------+
 *  |                        value bytes ...                        |  68
 *  +---------------------------------------------------------------+  68 + value length
 * </pre>
 */
public final class ValueFlyweight extends PublishedValueFlyweight<ValueFlyweight> {
    public static final int TOKEN_OFFSET = BODY_OFFSET;
    public static final int VALUE_LENGTH_OFFSET = TOKEN_OFFSET + VALUE_LENGTH_AT;
    public static final int VALUE_OFFSET = TOKEN_OFFSET + VALUE_AT;

    public ValueFlyweight() {
        super(MessageType.VALUE, TOKEN_OFFSET);
    }

    /**
     * Writes every field but the value bytes, which the caller then puts at {@link #valueOffset()} (e.g.
     * straight from the store). Returns the total length.
     */
    public int encode(final long token, final long publisherHi, final long publisherMid, final int publisherLo,
                      final long ttlSeconds, final int valueLength) {
        return putPublished(token, publisherHi, publisherMid, publisherLo, ttlSeconds, valueLength);
    }

    /** Writes every field and copies the value; returns the total length. */
    public int encode(final long token, final long publisherHi, final long publisherMid, final int publisherLo,
                      final long ttlSeconds, final DirectBuffer value, final int valueOffset, final int valueLength) {
        putValue(value, valueOffset, valueLength);
        return encode(token, publisherHi, publisherMid, publisherLo, ttlSeconds, valueLength);
    }

    /** Writes every field and copies the value; returns the total length. */
    public int encode(final long token, final long publisherHi, final long publisherMid, final int publisherLo,
                      final long ttlSeconds, final byte[] value) {
        putValue(value);
        return encode(token, publisherHi, publisherMid, publisherLo, ttlSeconds, value.length);
    }
}
