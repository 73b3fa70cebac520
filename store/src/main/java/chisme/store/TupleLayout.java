package chisme.store;

import chisme.wire.NodeId;

/**
 * Layout of a tuple record (the Chronicle Map value; the key is the 20-byte tuple id: hi, mid, lo
 * little-endian). Fixed 56-byte metadata prefix, then the value. Little-endian (x86-64 and aarch64 are
 * both little-endian; {@link ChronicleStores} refuses a big-endian platform).
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |  0 checksum: CRC32C of bytes [4, 56 + valueLength)            |
 *  +---------------------------------------------------------------+
 *  |  4 flags (bit 0: this node is the original publisher)         |
 *  +---------------------------------------------------------------+
 *  |  8 publisher id hi (8 bytes)                                  |
 *  | 16 publisher id mid (8 bytes)                                 |
 *  +---------------------------------------------------------------+
 *  | 24 publisher id lo (4 bytes)                                  |
 *  +---------------------------------------------------------------+
 *  | 28 valueLength                                                |
 *  +---------------------------------------------------------------+
 *  | 32 publishedAtMs: original publication time (8 bytes)         |
 *  | 40 expiresAtMs: local expiry (8 bytes)                        |
 *  | 48 lastStoreReceivedMs: last STORE received (8 bytes)         |
 *  +---------------------------------------------------------------+
 *  | 56 value bytes ...                                            |
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class TupleLayout {
    public static final int CHECKSUM_OFFSET = 0;
    public static final int FLAGS_OFFSET = 4;
    public static final int PUBLISHER_HI_OFFSET = 8;
    public static final int PUBLISHER_MID_OFFSET = 16;
    public static final int PUBLISHER_LO_OFFSET = 24;
    public static final int VALUE_LENGTH_OFFSET = 28;
    public static final int PUBLISHED_AT_OFFSET = 32;
    public static final int EXPIRES_AT_OFFSET = 40;
    public static final int LAST_STORE_OFFSET = 48;
    /** Size of the metadata prefix; the value starts here. */
    public static final int HEADER_BYTES = 56;
    /** Key size: a 160-bit id. */
    public static final int KEY_BYTES = NodeId.BYTES;
    public static final int FLAG_ORIGINAL = 1;

    private TupleLayout() {
    }

    /** What one tuple counts against the byte quota: key + header + value. */
    public static long recordBytes(final int valueLength) {
        return KEY_BYTES + HEADER_BYTES + (long) valueLength;
    }
}
