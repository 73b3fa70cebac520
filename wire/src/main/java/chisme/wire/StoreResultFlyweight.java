package chisme.wire;

/**
 * STORE_RESULT (0x08): answer to STORE, one {@link StoreResultStatus} byte.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                     header (32 bytes)                         |  0
 *  +---------------+-----------------------------------------------+
 *  |  status u8    |                                                  32
 *  +---------------+                                                  33
 * </pre>
 */
public final class StoreResultFlyweight extends MessageFlyweight<StoreResultFlyweight> {
    public static final int STATUS_OFFSET = BODY_OFFSET;
    public static final int LENGTH = STATUS_OFFSET + 1;

    public StoreResultFlyweight() {
        super(MessageType.STORE_RESULT);
    }

    /** Writes the status; returns the total length (33). */
    public int encode(final int status) {
        putU8(offset + STATUS_OFFSET, status);
        return LENGTH;
    }

    public int status() {
        return u8(offset + STATUS_OFFSET);
    }

    @Override
    public int length() {
        return LENGTH;
    }
}
