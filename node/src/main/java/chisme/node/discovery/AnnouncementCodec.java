package chisme.node.discovery;

import chisme.wire.AnnounceFlyweight;
import chisme.wire.DecodeReason;
import chisme.wire.HeaderFlyweight;
import chisme.wire.MessageDecoder;
import chisme.wire.MessageType;
import chisme.wire.NodeId;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The one place announcement bytes are made and read (docs/architecture.md "Discovery"): the sender
 * calls {@link #encode}, the receiver {@link #open} before looking at any field. A network key that
 * authenticates announcements wraps these two methods and nothing else. One instance per thread.
 */
public final class AnnouncementCodec {
    /** Room for an announcement and any trailer a future authentication adds. */
    public static final int MAX_BYTES = 256;

    private final AnnounceFlyweight frame = new AnnounceFlyweight();

    /** Writes the announcement of node {@code id} listening on UDP {@code port}; returns its length. */
    public int encode(final MutableDirectBuffer buffer, final NodeId id, final int port) {
        return frame.wrap(buffer, 0).header(0, 0L, id).encode(port);
    }

    /**
     * Validates {@code length} bytes as an ANNOUNCE; true when {@link #frame()} may be read. Never throws,
     * never allocates, whatever the bytes.
     */
    public boolean open(final DirectBuffer buffer, final int offset, final int length) {
        if (MessageDecoder.validate(buffer, offset, length) != DecodeReason.OK
            || (buffer.getByte(offset + HeaderFlyweight.TYPE_OFFSET) & 0xFF) != MessageType.ANNOUNCE) {
            return false;
        }
        frame.wrap(buffer, offset);
        return true;
    }

    /** The frame last opened or encoded. */
    public AnnounceFlyweight frame() {
        return frame;
    }
}
