package chisme.wire;

/**
 * ANNOUNCE (0x40): "a chisme node listens at this UDP port", multicast on a link (docs/architecture.md
 * "Discovery"). It carries what a PING would tell (the sender id in the header) plus the node's UDP port:
 * announcements leave from a separate multicast socket, so the datagram's source port is not the node's.
 * The receiver takes the address from the datagram's source and the port from the frame, and verifies
 * that endpoint with a PING before using it. Transaction id: 0 when sent, ignored on receive.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                     header (32 bytes)                         |  0
 *  +-------------------------------+-------------------------------+
 *  |         port u16 LE           |                                  32
 *  +-------------------------------+                                  34
 * </pre>
 */
public final class AnnounceFlyweight extends MessageFlyweight<AnnounceFlyweight> {
    public static final int PORT_OFFSET = BODY_OFFSET;
    public static final int LENGTH = PORT_OFFSET + 2;

    public AnnounceFlyweight() {
        super(MessageType.ANNOUNCE);
    }

    /** Writes the node's UDP port; returns the total length (34). */
    public int encode(final int port) {
        putU16(offset + PORT_OFFSET, port);
        return LENGTH;
    }

    /** The announced UDP port (0 is invalid: receivers drop it). */
    public int port() {
        return u16(offset + PORT_OFFSET);
    }

    @Override
    public int length() {
        return LENGTH;
    }
}
