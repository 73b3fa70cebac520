package chisme.wire;

/**
 * FIND_NODE (0x03): asks for the k contacts closest to a target id (xlattice FIND_NODE). Answered by NODES.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                     header (32 bytes)                         |  0
 *  +---------------------------------------------------------------+
 *  |                     target id (160 bits)                      |  32
 *  |                              ...                              |
 *  +---------------------------------------------------------------+  52
 * </pre>
 */
public final class FindNodeFlyweight extends MessageFlyweight<FindNodeFlyweight> {
    public static final int TARGET_OFFSET = BODY_OFFSET;
    public static final int LENGTH = TARGET_OFFSET + NodeId.BYTES;

    public FindNodeFlyweight() {
        super(MessageType.FIND_NODE);
    }

    /** Writes the target; returns the total length (52). */
    public int encode(final long targetHi, final long targetMid, final int targetLo) {
        NodeId.write(mutableBuffer, offset + TARGET_OFFSET, targetHi, targetMid, targetLo);
        return LENGTH;
    }

    public int encode(final NodeId target) {
        return encode(target.hi(), target.mid(), target.lo());
    }

    public long targetHi() {
        return NodeId.readHi(buffer, offset + TARGET_OFFSET);
    }

    public long targetMid() {
        return NodeId.readMid(buffer, offset + TARGET_OFFSET);
    }

    public int targetLo() {
        return NodeId.readLo(buffer, offset + TARGET_OFFSET);
    }

    /** Allocates: slow path. */
    public NodeId targetAsNodeId() {
        return NodeId.read(buffer, offset + TARGET_OFFSET);
    }

    @Override
    public int length() {
        return LENGTH;
    }
}
