package chisme.wire;

/**
 * BOOK_REQUEST (0x22): asks a peer for the books of one shelf in a key-hash range that it holds in another
 * version or we lack (found to differ by SHELF_DIGEST / BUCKET_DIGEST). The u64 words are: word 0 the range
 * ({@code prefix bits << 32 | left-aligned prefix}), then (key hash, entry hash low word) pairs of the
 * books the requester holds there (docs/shared-state.md). Answered by BOOKS.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                     header (32 bytes)                         |  0
 *  +---------------+-----------------------------------------------+
 *  | name length u8|  name (1..64 bytes [A-Za-z0-9_-]) ...          |  32 | 33
 *  +---------------+---------------+-------------------------------+
 *  |        count u16 LE           |                                  C = 33 + name length
 *  +-------------------------------+-------------------------------+
 *  |               key hash u64 LE, count times                    |  C + 2
 *  |                              ...                              |
 *  +---------------------------------------------------------------+  C + 2 + 8 * count
 * </pre>
 */
public final class BookRequestFlyweight extends MessageFlyweight<BookRequestFlyweight> {
    public static final int NAME_LENGTH_OFFSET = BODY_OFFSET;
    public static final int NAME_OFFSET = NAME_LENGTH_OFFSET + 1;
    /** Shortest frame that can hold the fixed fields (empty name, no hashes). */
    public static final int MIN_LENGTH = NAME_OFFSET + 2;

    public BookRequestFlyweight() {
        super(MessageType.BOOK_REQUEST);
    }

    /** Writes name and count; returns the total length. Then write each hash with {@link #putKeyHash}. */
    public int encode(final byte[] shelfName, final int count) {
        Names.check(shelfName);
        if (count < 0 || count > 0xFFFF) {
            throw new IllegalArgumentException("count 0..65535, got " + count);
        }
        putU8(offset + NAME_LENGTH_OFFSET, shelfName.length);
        mutableBuffer.putBytes(offset + NAME_OFFSET, shelfName);
        putU16(offset + NAME_OFFSET + shelfName.length, count);
        return NAME_OFFSET + shelfName.length + 2 + count * 8;
    }

    public BookRequestFlyweight putKeyHash(final int i, final long keyHash) {
        mutableBuffer.putLong(hashesIndex() + i * 8, keyHash, LE);
        return this;
    }

    public int nameLength() {
        return u8(offset + NAME_LENGTH_OFFSET);
    }

    /** Index in {@link #buffer()} of the first name byte. */
    public int nameOffset() {
        return offset + NAME_OFFSET;
    }

    public boolean nameEquals(final byte[] name) {
        return Names.equals(buffer, offset + NAME_OFFSET, nameLength(), name);
    }

    /** Allocates: slow path. */
    public String nameAsString() {
        return utf8(offset + NAME_OFFSET, nameLength());
    }

    public int count() {
        return u16(offset + NAME_OFFSET + nameLength());
    }

    private int hashesIndex() {
        return offset + NAME_OFFSET + nameLength() + 2;
    }

    public long keyHash(final int i) {
        return buffer.getLong(hashesIndex() + i * 8, LE);
    }

    @Override
    public int length() {
        return NAME_OFFSET + nameLength() + 2 + count() * 8;
    }
}
