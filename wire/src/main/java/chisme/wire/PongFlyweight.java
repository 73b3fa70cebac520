package chisme.wire;

/**
 * PONG (0x02): answer to PING carrying the requester's address and port as the responder saw them, so a
 * node behind NAT learns its public endpoint (the "observed endpoint"). Address in network byte order.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                     header (32 bytes)                         |  0
 *  +---------------+-----------------------------------------------+  32
 *  | family (4|6)  |   address (4 bytes IPv4 or 16 bytes IPv6)  ... |  33
 *  +---------------+---------------+-------------------------------+
 *  |         port u16 LE           |                                  33 + 4|16
 *  +-------------------------------+                                  39 | 51
 * </pre>
 */
public final class PongFlyweight extends MessageFlyweight<PongFlyweight> {
    public static final int FAMILY_OFFSET = BODY_OFFSET;
    public static final int ADDRESS_OFFSET = FAMILY_OFFSET + 1;
    public static final int FAMILY_IPV4 = 4;
    public static final int FAMILY_IPV6 = 6;
    /** Total length with an IPv4 endpoint. */
    public static final int IPV4_LENGTH = ADDRESS_OFFSET + 4 + 2;
    /** Total length with an IPv6 endpoint. */
    public static final int IPV6_LENGTH = ADDRESS_OFFSET + 16 + 2;

    public PongFlyweight() {
        super(MessageType.PONG);
    }

    /** Writes the observed endpoint ({@code address} 4 or 16 bytes); returns the total length. */
    public int encode(final byte[] address, final int port) {
        final int family = familyOf(address.length);
        putU8(offset + FAMILY_OFFSET, family);
        mutableBuffer.putBytes(offset + ADDRESS_OFFSET, address);
        putU16(offset + ADDRESS_OFFSET + address.length, port);
        return ADDRESS_OFFSET + address.length + 2;
    }

    static int familyOf(final int addressLength) {
        return switch (addressLength) {
            case 4 -> FAMILY_IPV4;
            case 16 -> FAMILY_IPV6;
            default -> throw new IllegalArgumentException("an address is 4 or 16 bytes, got " + addressLength);
        };
    }

    public int family() {
        return u8(offset + FAMILY_OFFSET);
    }

    public boolean isIpv6() {
        return family() == FAMILY_IPV6;
    }

    /** 4 or 16. */
    public int addressLength() {
        return isIpv6() ? 16 : 4;
    }

    /** Index of the first address byte in {@link #buffer()}. */
    public int addressOffset() {
        return offset + ADDRESS_OFFSET;
    }

    /** Copies the address into {@code dst} (at least 4 or 16 bytes); returns the number of bytes copied. */
    public int address(final byte[] dst) {
        final int n = addressLength();
        buffer.getBytes(offset + ADDRESS_OFFSET, dst, 0, n);
        return n;
    }

    public int port() {
        return u16(offset + ADDRESS_OFFSET + addressLength());
    }

    @Override
    public int length() {
        return ADDRESS_OFFSET + addressLength() + 2;
    }
}
