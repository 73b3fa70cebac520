package chisme.wire;

/**
 * FIND_VALUE (0x05): asks for the value stored under a key (xlattice FIND_VALUE). Answered by VALUE
 * if the responder holds it, otherwise by NODES.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                     header (32 bytes)                         |  0
 *  +---------------------------------------------------------------+
 *  |                     key id (160 bits)                         |  32
 *  |                              ...                              |
 *  +---------------------------------------------------------------+  52
 * </pre>
 */
public final class FindValueFlyweight extends MessageFlyweight<FindValueFlyweight> {
    public static final int KEY_OFFSET = BODY_OFFSET;
    public static final int LENGTH = KEY_OFFSET + NodeId.BYTES;

    public FindValueFlyweight() {
        super(MessageType.FIND_VALUE);
    }

    /** Writes the key; returns the total length (52). */
    public int encode(final long keyHi, final long keyMid, final int keyLo) {
        NodeId.write(mutableBuffer, offset + KEY_OFFSET, keyHi, keyMid, keyLo);
        return LENGTH;
    }

    public int encode(final NodeId key) {
        return encode(key.hi(), key.mid(), key.lo());
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

    @Override
    public int length() {
        return LENGTH;
    }
}
