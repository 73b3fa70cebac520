package chisme.wire;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Common part of the per-frame flyweights: wraps a whole message (header included) at an offset in a
 * buffer, writes the 32-byte {@link HeaderFlyweight header} with the frame's type and reads header fields.
 * Body offsets in subclasses are relative to the start of the message. Integers are little-endian.
 * <p>
 * Decoding: call {@link MessageDecoder#validate} first; after OK every accessor stays inside the frame.
 * Encoding: {@code wrap(buffer, offset).header(...)} then the subclass's {@code encode(...)}, which returns
 * the total encoded length. Not thread-safe: one flyweight per thread.
 *
 * @param <T> the concrete flyweight, returned by the fluent methods
 */
public abstract class MessageFlyweight<T extends MessageFlyweight<T>> {
    /** Offset of the first body byte: right after the header. */
    public static final int BODY_OFFSET = HeaderFlyweight.LENGTH;
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    protected DirectBuffer buffer;
    protected MutableDirectBuffer mutableBuffer;
    protected int offset;
    private final int messageType;

    protected MessageFlyweight(final int messageType) {
        this.messageType = messageType;
    }

    @SuppressWarnings("unchecked")
    private T self() {
        return (T) this;
    }

    /** Wraps the message starting at {@code offset}; writes need a {@link MutableDirectBuffer}. */
    public T wrap(final DirectBuffer buffer, final int offset) {
        this.buffer = buffer;
        this.mutableBuffer = buffer instanceof MutableDirectBuffer m ? m : null;
        this.offset = offset;
        return self();
    }

    public DirectBuffer buffer() {
        return buffer;
    }

    /** Start of the wrapped message in {@link #buffer()}. */
    public int offset() {
        return offset;
    }

    /** The {@link MessageType} code this flyweight encodes. */
    public int messageType() {
        return messageType;
    }

    /** Writes the header: magic, version, this frame's type, flags, transaction id and sender id. */
    public T header(final int flags, final long transactionId, final long senderHi, final long senderMid, final int senderLo) {
        mutableBuffer.putByte(offset + HeaderFlyweight.MAGIC_OFFSET, (byte) HeaderFlyweight.MAGIC);
        mutableBuffer.putByte(offset + HeaderFlyweight.VERSION_OFFSET, (byte) HeaderFlyweight.VERSION);
        mutableBuffer.putByte(offset + HeaderFlyweight.TYPE_OFFSET, (byte) messageType);
        mutableBuffer.putByte(offset + HeaderFlyweight.FLAGS_OFFSET, (byte) flags);
        mutableBuffer.putLong(offset + HeaderFlyweight.TRANSACTION_ID_OFFSET, transactionId, LE);
        NodeId.write(mutableBuffer, offset + HeaderFlyweight.SENDER_ID_OFFSET, senderHi, senderMid, senderLo);
        return self();
    }

    /** {@link #header(int, long, long, long, int)} with the sender as a {@link NodeId}. */
    public T header(final int flags, final long transactionId, final NodeId sender) {
        return header(flags, transactionId, sender.hi(), sender.mid(), sender.lo());
    }

    public int type() {
        return buffer.getByte(offset + HeaderFlyweight.TYPE_OFFSET) & 0xFF;
    }

    public int flags() {
        return buffer.getByte(offset + HeaderFlyweight.FLAGS_OFFSET) & 0xFF;
    }

    public long transactionId() {
        return buffer.getLong(offset + HeaderFlyweight.TRANSACTION_ID_OFFSET, LE);
    }

    public long senderHi() {
        return NodeId.readHi(buffer, offset + HeaderFlyweight.SENDER_ID_OFFSET);
    }

    public long senderMid() {
        return NodeId.readMid(buffer, offset + HeaderFlyweight.SENDER_ID_OFFSET);
    }

    public int senderLo() {
        return NodeId.readLo(buffer, offset + HeaderFlyweight.SENDER_ID_OFFSET);
    }

    /** Allocates: slow path. */
    public NodeId senderAsNodeId() {
        return NodeId.read(buffer, offset + HeaderFlyweight.SENDER_ID_OFFSET);
    }

    /** Total length of the wrapped message as its own length and count fields describe it. */
    public abstract int length();

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
