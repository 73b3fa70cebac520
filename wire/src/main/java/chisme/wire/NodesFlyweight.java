package chisme.wire;

/**
 * NODES (0x04): answer to FIND_NODE, or to FIND_VALUE when the value is not held: up to
 * {@link WireLimits#MAX_CONTACTS} contacts, IPv4 ones first, plus a write token for a later STORE (BEP 5
 * style: a keyed hash of the requester's address, so only a node that did a lookup may store).
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                     header (32 bytes)                         |  0
 *  +---------------------------------------------------------------+
 *  |                      token (64 bits, LE)                      |  32
 *  |                                                               |
 *  +---------------+---------------+-------------------------------+
 *  |   count4 u8   |   count6 u8   |  count4 IPv4 contacts, 26 bytes each:   42
 *  +---------------+---------------+  id (20) | ipv4 (4) | port u16 LE
 *  |  then count6 IPv6 contacts, 38 bytes each:                    |  42 + 26 * count4
 *  |  id (20) | ipv6 (16) | port u16 LE                            |
 *  +---------------------------------------------------------------+  42 + 26 * count4 + 38 * count6
 * </pre>
 * Contacts are written from primitives and read through primitive accessors indexed 0 .. count()-1
 * (IPv4 first), so neither direction allocates.
 */
public final class NodesFlyweight extends MessageFlyweight<NodesFlyweight> {
    public static final int TOKEN_OFFSET = BODY_OFFSET;
    public static final int COUNT4_OFFSET = TOKEN_OFFSET + 8;
    public static final int COUNT6_OFFSET = COUNT4_OFFSET + 1;
    public static final int CONTACTS_OFFSET = COUNT6_OFFSET + 1;
    public static final int IPV4_CONTACT_LENGTH = NodeId.BYTES + 4 + 2;
    public static final int IPV6_CONTACT_LENGTH = NodeId.BYTES + 16 + 2;

    public NodesFlyweight() {
        super(MessageType.NODES);
    }

    /** Total length of a NODES frame with these counts. */
    public static int length(final int count4, final int count6) {
        return CONTACTS_OFFSET + count4 * IPV4_CONTACT_LENGTH + count6 * IPV6_CONTACT_LENGTH;
    }

    /**
     * Writes the token and counts; returns the total length. Then write each contact with
     * {@link #putContact}: indexes below {@code count4} take IPv4 addresses, the others IPv6.
     */
    public int encode(final long token, final int count4, final int count6) {
        if (count4 < 0 || count6 < 0 || count4 + count6 > WireLimits.MAX_CONTACTS) {
            throw new IllegalArgumentException("0..32 contacts, got " + count4 + "+" + count6);
        }
        mutableBuffer.putLong(offset + TOKEN_OFFSET, token, LE);
        putU8(offset + COUNT4_OFFSET, count4);
        putU8(offset + COUNT6_OFFSET, count6);
        return length(count4, count6);
    }

    /** Writes contact {@code i}; {@code address} is 4 bytes for i &lt; count4, else 16 (network order). */
    public NodesFlyweight putContact(final int i, final long idHi, final long idMid, final int idLo,
                                     final byte[] address, final int port) {
        final boolean ipv6 = contactIsIpv6(i);
        if (address.length != (ipv6 ? 16 : 4)) {
            throw new IllegalArgumentException("contact " + i + " needs a " + (ipv6 ? 16 : 4) + "-byte address");
        }
        final int at = contactOffset(i);
        NodeId.write(mutableBuffer, at, idHi, idMid, idLo);
        if (ipv6) {
            mutableBuffer.putBytes(at + NodeId.BYTES, address);
        } else {
            // One 4-byte store instead of a memory copy: NODES(20) encoding is a hot path.
            mutableBuffer.putInt(at + NodeId.BYTES, (address[0] & 0xFF) << 24 | (address[1] & 0xFF) << 16
                | (address[2] & 0xFF) << 8 | (address[3] & 0xFF), java.nio.ByteOrder.BIG_ENDIAN);
        }
        putU16(at + NodeId.BYTES + address.length, port);
        return this;
    }

    public long token() {
        return buffer.getLong(offset + TOKEN_OFFSET, LE);
    }

    public int count4() {
        return u8(offset + COUNT4_OFFSET);
    }

    public int count6() {
        return u8(offset + COUNT6_OFFSET);
    }

    /** count4 + count6. */
    public int count() {
        return count4() + count6();
    }

    // Contact accessors read count4 from the buffer each time instead of caching it: nothing is written on
    // the read path (a cached field written lazily stopped the JIT from hoisting the buffer's fields out of
    // the contact loop, 2.5x slower), a pre-wrapped flyweight never goes stale, and the methods stay under
    // HotSpot's MaxInlineSize (35 bytecodes) so they inline even at call sites the JIT considers cold.

    /** Index in {@link #buffer()} of contact {@code i}'s first byte. */
    public int contactOffset(final int i) {
        final int count4 = count4();
        return i < count4 ? offset + CONTACTS_OFFSET + i * IPV4_CONTACT_LENGTH : ipv6ContactOffset(i, count4);
    }

    private int ipv6ContactOffset(final int i, final int count4) {
        return offset + CONTACTS_OFFSET + count4 * IPV4_CONTACT_LENGTH + (i - count4) * IPV6_CONTACT_LENGTH;
    }

    public boolean contactIsIpv6(final int i) {
        return i >= count4();
    }

    public long contactIdHi(final int i) {
        return NodeId.readHi(buffer, contactOffset(i));
    }

    public long contactIdMid(final int i) {
        return NodeId.readMid(buffer, contactOffset(i));
    }

    public int contactIdLo(final int i) {
        return NodeId.readLo(buffer, contactOffset(i));
    }

    /** Allocates: slow path. */
    public NodeId contactIdAsNodeId(final int i) {
        return NodeId.read(buffer, contactOffset(i));
    }

    /** Index in {@link #buffer()} of contact {@code i}'s address bytes. */
    public int contactAddressOffset(final int i) {
        return contactOffset(i) + NodeId.BYTES;
    }

    /** 4 or 16. */
    public int contactAddressLength(final int i) {
        return contactIsIpv6(i) ? 16 : 4;
    }

    /** Copies contact {@code i}'s address into {@code dst} (4 or 16 bytes long at least); returns 4 or 16. */
    public int contactAddress(final int i, final byte[] dst) {
        final int at = contactOffset(i) + NodeId.BYTES;
        return contactIsIpv6(i) ? copyIpv6(at, dst) : copyIpv4(at, dst);
    }

    private int copyIpv6(final int at, final byte[] dst) {
        buffer.getBytes(at, dst, 0, 16);
        return 16;
    }

    /** One 4-byte load instead of a memory copy (hot path: 20 contacts per NODES). */
    private int copyIpv4(final int at, final byte[] dst) {
        final int a = buffer.getInt(at, java.nio.ByteOrder.BIG_ENDIAN);
        dst[0] = (byte) (a >>> 24);
        dst[1] = (byte) (a >>> 16);
        dst[2] = (byte) (a >>> 8);
        dst[3] = (byte) a;
        return 4;
    }

    /** Contact {@code i}'s IPv4 address as an int, network order (most significant byte first). */
    public int contactIpv4(final int i) {
        return buffer.getInt(contactOffset(i) + NodeId.BYTES, java.nio.ByteOrder.BIG_ENDIAN);
    }

    public int contactPort(final int i) {
        return u16(contactOffset(i) + NodeId.BYTES + contactAddressLength(i));
    }

    @Override
    public int length() {
        return length(count4(), count6());
    }
}
