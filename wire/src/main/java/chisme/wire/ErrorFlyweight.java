package chisme.wire;

import org.agrona.DirectBuffer;

import java.nio.charset.StandardCharsets;

/**
 * ERROR (0x09): answer to any request that cannot be served: an {@link ErrorCode} and a short UTF-8
 * message (at most {@link WireLimits#MAX_ERROR_MESSAGE} bytes).
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                     header (32 bytes)                         |  0
 *  +-------------------------------+---------------+---------------+
 *  |        code u16 LE            | msg length u8 | message ...      32 | 34 | 35
 *  +-------------------------------+---------------+---------------+  35 + msg length
 * </pre>
 */
public final class ErrorFlyweight extends MessageFlyweight<ErrorFlyweight> {
    public static final int CODE_OFFSET = BODY_OFFSET;
    public static final int MESSAGE_LENGTH_OFFSET = CODE_OFFSET + 2;
    public static final int MESSAGE_OFFSET = MESSAGE_LENGTH_OFFSET + 1;

    public ErrorFlyweight() {
        super(MessageType.ERROR);
    }

    /** Writes code and message bytes (at most 200, UTF-8); returns the total length. */
    public int encode(final int code, final DirectBuffer message, final int messageOffset, final int messageLength) {
        if (messageLength > WireLimits.MAX_ERROR_MESSAGE) {
            throw new IllegalArgumentException("error message longer than 200 bytes");
        }
        putU16(offset + CODE_OFFSET, code);
        putU8(offset + MESSAGE_LENGTH_OFFSET, messageLength);
        mutableBuffer.putBytes(offset + MESSAGE_OFFSET, message, messageOffset, messageLength);
        return MESSAGE_OFFSET + messageLength;
    }

    /**
     * Slow path (allocates): writes the code and the message, cut to at most 200 UTF-8 bytes on a character
     * boundary. Returns the total length.
     */
    public int encode(final int code, final String message) {
        final byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(bytes.length, WireLimits.MAX_ERROR_MESSAGE);
        // Do not cut a multi-byte sequence: back up over continuation bytes (10xxxxxx) to a lead byte.
        if (n < bytes.length) {
            while (n > 0 && (bytes[n] & 0xC0) == 0x80) {
                n--;
            }
        }
        putU16(offset + CODE_OFFSET, code);
        putU8(offset + MESSAGE_LENGTH_OFFSET, n);
        mutableBuffer.putBytes(offset + MESSAGE_OFFSET, bytes, 0, n);
        return MESSAGE_OFFSET + n;
    }

    public int code() {
        return u16(offset + CODE_OFFSET);
    }

    public int messageLength() {
        return u8(offset + MESSAGE_LENGTH_OFFSET);
    }

    /** Index in {@link #buffer()} of the first message byte. */
    public int messageOffset() {
        return offset + MESSAGE_OFFSET;
    }

    /** Allocates: slow path. */
    public String messageAsString() {
        return utf8(offset + MESSAGE_OFFSET, messageLength());
    }

    @Override
    public int length() {
        return MESSAGE_OFFSET + messageLength();
    }
}
