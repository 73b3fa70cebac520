package chisme.wire;

/**
 * PING (0x01): liveness probe and IDENTIFY (a PING to an address whose id is unknown learns the id from
 * the PONG header). The body is empty.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                     header (32 bytes)                         |  0
 *  +---------------------------------------------------------------+  32
 * </pre>
 */
public final class PingFlyweight extends MessageFlyweight<PingFlyweight> {
    public static final int LENGTH = BODY_OFFSET;

    public PingFlyweight() {
        super(MessageType.PING);
    }

    /** Nothing to write after the header; returns the total length (32). */
    public int encode() {
        return LENGTH;
    }

    @Override
    public int length() {
        return LENGTH;
    }
}
