package chisme.wire;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Common part of the per-frame flyweights: a {@link HeaderFlyweight} (which reads and writes the 32-byte
 * header) that knows its frame's type, so {@link #header} writes it, and knows its body layout. Body offsets
 * in subclasses are relative to the start of the message. Integers are little-endian.
 * <p>
 * Decoding: call {@link MessageDecoder#validate} first; after OK every accessor stays inside the frame.
 * Encoding: {@code wrap(buffer, offset).header(...)} then the subclass's {@code encode(...)}, which returns
 * the total encoded length. Not thread-safe: one flyweight per thread.
 *
 * @param <T> the concrete flyweight, returned by the fluent methods
 */
public abstract class MessageFlyweight<T extends MessageFlyweight<T>> extends HeaderFlyweight {
    /** Offset of the first body byte: right after the header. */
    public static final int BODY_OFFSET = HeaderFlyweight.LENGTH;

    private final int messageType;

    protected MessageFlyweight(final int messageType) {
        this.messageType = messageType;
    }

    @SuppressWarnings("unchecked")
    private T self() {
        return (T) this;
    }

    /** Wraps the message starting at {@code offset}; writes need a {@link MutableDirectBuffer}. */
    @Override
    public T wrap(final DirectBuffer buffer, final int offset) {
        super.wrap(buffer, offset);
        return self();
    }

    /** The {@link MessageType} code this flyweight encodes. */
    public int messageType() {
        return messageType;
    }

    /** Writes the header: magic, version, this frame's type, flags, transaction id and sender id. */
    public T header(final int flags, final long transactionId, final long senderHi, final long senderMid, final int senderLo) {
        encode(messageType, flags, transactionId, senderHi, senderMid, senderLo);
        return self();
    }

    /** {@link #header(int, long, long, long, int)} with the sender as a {@link NodeId}. */
    public T header(final int flags, final long transactionId, final NodeId sender) {
        return header(flags, transactionId, sender.hi(), sender.mid(), sender.lo());
    }

    /** Allocates: slow path. Same as {@link #sender()}. */
    public NodeId senderAsNodeId() {
        return sender();
    }

    /** Total length of the wrapped message as its own length and count fields describe it. */
    public abstract int length();
}
