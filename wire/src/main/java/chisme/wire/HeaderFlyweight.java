package chisme.wire;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * The 32-byte header that starts every chisme datagram. Integers are little-endian (native on
 * x86-64 and aarch64); ids are their 20 raw bytes, most significant first.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+---------------+---------------+---------------+
 *  |  magic 0xC7   |  version 1    |     type      |     flags     |  0
 *  +---------------+---------------+---------------+---------------+
 *  |                 transaction id (64 bits, LE)                  |  4
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                  sender node id (160 bits)                    |  12
 *  |                              ...                              |
 *  +---------------------------------------------------------------+  32
 * </pre>
 * Flags: bit 0 {@link #FLAG_READ_ONLY} (BEP 43: the sender answers nothing and must not be added
 * to routing tables: CLI probes and load generators set it); bit 1 {@link #FLAG_CONTINUED} (BOOKS: the
 * responder stopped early and more books of the asked range follow; BOOK_REQUEST: word 1 is a cursor);
 * bit 2 {@link #FLAG_DEFLATED} (BOOKS only: the body is a raw DEFLATE stream, see {@link BodyInflater}).
 * Other bits are zero when sent and ignored on receive.
 * <p>
 * A flyweight: {@link #wrap} it over a buffer, read or write fields in place, no allocation.
 * It does not validate; call {@link MessageDecoder#validate} on received bytes first.
 * <p>
 * The one header root: every per-frame flyweight extends it through {@link MessageFlyweight} (as Aeron's
 * {@code DataHeaderFlyweight extends HeaderFlyweight}), so the header is read and written here only. It also
 * holds the little-endian field helpers the frame flyweights share.
 */
public class HeaderFlyweight {
    public static final int MAGIC = 0xC7;
    public static final int VERSION = 1;
    public static final int LENGTH = 32;
    public static final int FLAG_READ_ONLY = 0x01;
    /**
     * On a BOOKS reply: the responder stopped early; more books of the asked range follow, in ascending
     * unsigned key-hash order, after the last book of this reply. On a BOOK_REQUEST: word 1 (after the
     * range word) is a cursor, only books whose key hash is above it (unsigned) are wanted.
     */
    public static final int FLAG_CONTINUED = 0x02;
    /**
     * BOOKS only: everything after the header is a raw DEFLATE stream (RFC 1951) of the plain BOOKS body,
     * at most {@link WireLimits#MAX_MESSAGE} - {@link #LENGTH} bytes once inflated. A FRAGMENT of such a
     * message carries it too (fragments keep the original's flags); on any other type the frame is dropped as
     * {@link DecodeReason#BAD_FLAGS}.
     */
    public static final int FLAG_DEFLATED = 0x04;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = MAGIC_OFFSET + 1;
    public static final int TYPE_OFFSET = VERSION_OFFSET + 1;
    public static final int FLAGS_OFFSET = TYPE_OFFSET + 1;
    public static final int TRANSACTION_ID_OFFSET = FLAGS_OFFSET + 1;
    public static final int SENDER_ID_OFFSET = TRANSACTION_ID_OFFSET + 8;
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    protected DirectBuffer buffer;
    protected MutableDirectBuffer mutableBuffer;
    protected int offset;

    public HeaderFlyweight wrap(final DirectBuffer buffer, final int offset) {
        this.buffer = buffer;
        this.mutableBuffer = buffer instanceof MutableDirectBuffer m ? m : null;
        this.offset = offset;
        return this;
    }

    public DirectBuffer buffer() {
        return buffer;
    }

    /** Start of the wrapped message in {@link #buffer()}. */
    public int offset() {
        return offset;
    }

    /** Writes magic, version, type, flags, transaction id and sender id. */
    public HeaderFlyweight encode(final int type, final int flags, final long transactionId, final NodeId sender) {
        return encode(type, flags, transactionId, sender.hi(), sender.mid(), sender.lo());
    }

    /** Primitive form of {@link #encode(int, int, long, NodeId)}: the sender id as its three words. */
    public HeaderFlyweight encode(final int type, final int flags, final long transactionId,
                                  final long senderHi, final long senderMid, final int senderLo) {
        mutableBuffer.putByte(offset + MAGIC_OFFSET, (byte) MAGIC);
        mutableBuffer.putByte(offset + VERSION_OFFSET, (byte) VERSION);
        mutableBuffer.putByte(offset + TYPE_OFFSET, (byte) type);
        mutableBuffer.putByte(offset + FLAGS_OFFSET, (byte) flags);
        mutableBuffer.putLong(offset + TRANSACTION_ID_OFFSET, transactionId, LE);
        NodeId.write(mutableBuffer, offset + SENDER_ID_OFFSET, senderHi, senderMid, senderLo);
        return this;
    }

    public int magic() {
        return buffer.getByte(offset + MAGIC_OFFSET) & 0xFF;
    }

    public int version() {
        return buffer.getByte(offset + VERSION_OFFSET) & 0xFF;
    }

    public int type() {
        return buffer.getByte(offset + TYPE_OFFSET) & 0xFF;
    }

    public HeaderFlyweight type(final int type) {
        mutableBuffer.putByte(offset + TYPE_OFFSET, (byte) type);
        return this;
    }

    public int flags() {
        return buffer.getByte(offset + FLAGS_OFFSET) & 0xFF;
    }

    public HeaderFlyweight flags(final int flags) {
        mutableBuffer.putByte(offset + FLAGS_OFFSET, (byte) flags);
        return this;
    }

    public boolean readOnly() {
        return (flags() & FLAG_READ_ONLY) != 0;
    }

    /** True if {@link #FLAG_CONTINUED} is set. */
    public boolean continued() {
        return (flags() & FLAG_CONTINUED) != 0;
    }

    /** True if {@link #FLAG_DEFLATED} is set. */
    public boolean deflated() {
        return (flags() & FLAG_DEFLATED) != 0;
    }

    public long transactionId() {
        return buffer.getLong(offset + TRANSACTION_ID_OFFSET, LE);
    }

    public HeaderFlyweight transactionId(final long id) {
        mutableBuffer.putLong(offset + TRANSACTION_ID_OFFSET, id, LE);
        return this;
    }

    public long senderHi() {
        return NodeId.readHi(buffer, offset + SENDER_ID_OFFSET);
    }

    public long senderMid() {
        return NodeId.readMid(buffer, offset + SENDER_ID_OFFSET);
    }

    public int senderLo() {
        return NodeId.readLo(buffer, offset + SENDER_ID_OFFSET);
    }

    /** Allocates a NodeId: for slow paths (new contacts, logs). */
    public NodeId sender() {
        return NodeId.read(buffer, offset + SENDER_ID_OFFSET);
    }

    final int u8(final int index) {
        return buffer.getByte(index) & 0xFF;
    }

    final int u16(final int index) {
        return buffer.getShort(index, LE) & 0xFFFF;
    }

    final long u32(final int index) {
        return buffer.getInt(index, LE) & 0xFFFF_FFFFL;
    }

    final void putU8(final int index, final int value) {
        mutableBuffer.putByte(index, (byte) value);
    }

    final void putU16(final int index, final int value) {
        mutableBuffer.putShort(index, (short) value, LE);
    }

    final void putU32(final int index, final long value) {
        mutableBuffer.putInt(index, (int) value, LE);
    }

    /** Copies {@code length} bytes at {@code index} into a new String (UTF-8): slow path. */
    final String utf8(final int index, final int length) {
        final byte[] bytes = new byte[length];
        buffer.getBytes(index, bytes);
        return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }
}
