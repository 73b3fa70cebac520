package chisme.wire;

/**
 * SHELF_DIGEST (0x20): shared-state anti-entropy, first step. Lists each shelf (a LibreMesh shared-state
 * "type", e.g. {@code dnsmasq-leases}) the sender holds with its book count and a 16-byte summary hash,
 * so peers can skip shelves that already agree. Request and reply have the same layout; a reply lists only
 * the shelves whose count or hash differs from the request's, plus shelves the requester did not name, so
 * a reply to a node that already agrees is an empty digest (33 bytes, docs/shared-state.md "Anti-entropy").
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                     header (32 bytes)                         |  0
 *  +---------------+-----------------------------------------------+
 *  | shelf count u8|  then shelf count entries, each:                 32 | 33
 *  +---------------+---------------+-------------------------------+
 *  | name length u8| name (1..64 bytes [A-Za-z0-9_-]) ...          |  entry + 0 | + 1
 *  +---------------+-----------------------------------------------+
 *  |                     book count u32 LE                         |  entry + 1 + name length
 *  +---------------------------------------------------------------+
 *  |        summary hash (16 raw bytes, read as two BE longs)      |  entry + 5 + name length
 *  |                              ...                              |
 *  +---------------------------------------------------------------+  entry + 21 + name length
 * </pre>
 * Entries have variable length: iterate with {@link #firstShelf()} / {@link #nextShelf(int)}, which return
 * entry positions (indexes into {@link #buffer()}). Encode with {@link #encode()} then
 * {@link #appendShelf} per shelf.
 */
public final class ShelfDigestFlyweight extends MessageFlyweight<ShelfDigestFlyweight> {
    public static final int SHELF_COUNT_OFFSET = BODY_OFFSET;
    public static final int SHELVES_OFFSET = SHELF_COUNT_OFFSET + 1;
    // In-entry offsets (class diagram): name length u8 at E + 0, name at E + 1; from N = E + 1 + name length:
    public static final int ENTRY_NAME_AT = 1;
    public static final int BOOK_COUNT_AFTER_NAME = 0;
    public static final int HASH_HI_AFTER_NAME = BOOK_COUNT_AFTER_NAME + 4;
    public static final int HASH_LO_AFTER_NAME = HASH_HI_AFTER_NAME + 8;
    /** Bytes of an entry besides its name: name length u8, book count u32, hash 16. */
    public static final int ENTRY_FIXED_LENGTH = ENTRY_NAME_AT + HASH_LO_AFTER_NAME + 8;
    /** Most shelves in one digest (the count is a u8). */
    public static final int MAX_SHELVES = 255;

    private int limit;

    /** Bytes one entry with a name of {@code nameLength} bytes takes. */
    public static int entryLength(final int nameLength) {
        return ENTRY_FIXED_LENGTH + nameLength;
    }

    public ShelfDigestFlyweight() {
        super(MessageType.SHELF_DIGEST);
    }

    /** Starts an empty digest (count 0); returns the total length so far (33). */
    public int encode() {
        putU8(offset + SHELF_COUNT_OFFSET, 0);
        limit = SHELVES_OFFSET;
        return limit;
    }

    /**
     * Appends one shelf entry after the last one written since {@link #encode()}; {@code name} must be
     * {@code [A-Za-z0-9_-]{1,64}} (checked). Returns the total length so far.
     */
    public int appendShelf(final byte[] name, final long bookCount, final long hashHi, final long hashLo) {
        ShelfName.check(name);
        final int count = shelfCount();
        if (count >= MAX_SHELVES) {
            throw new IllegalStateException("a digest holds at most 255 shelves");
        }
        final int at = offset + limit;
        putU8(at, name.length);
        mutableBuffer.putBytes(at + ENTRY_NAME_AT, name);
        final int n = at + ENTRY_NAME_AT + name.length;
        putU32(n + BOOK_COUNT_AFTER_NAME, bookCount);
        mutableBuffer.putLong(n + HASH_HI_AFTER_NAME, hashHi, java.nio.ByteOrder.BIG_ENDIAN);
        mutableBuffer.putLong(n + HASH_LO_AFTER_NAME, hashLo, java.nio.ByteOrder.BIG_ENDIAN);
        putU8(offset + SHELF_COUNT_OFFSET, count + 1);
        limit += ENTRY_FIXED_LENGTH + name.length;
        return limit;
    }

    public int shelfCount() {
        return u8(offset + SHELF_COUNT_OFFSET);
    }

    /** Position of the first entry (meaningful only if {@link #shelfCount()} &gt; 0). */
    public int firstShelf() {
        return offset + SHELVES_OFFSET;
    }

    /** Position of the entry after the one at {@code entry}. */
    public int nextShelf(final int entry) {
        return entry + ENTRY_FIXED_LENGTH + shelfNameLength(entry);
    }

    public int shelfNameLength(final int entry) {
        return u8(entry);
    }

    /** Index in {@link #buffer()} of the entry's first name byte. */
    public int shelfNameOffset(final int entry) {
        return entry + ENTRY_NAME_AT;
    }

    private int afterName(final int entry) {
        return shelfNameOffset(entry) + shelfNameLength(entry);
    }

    /** True if the entry's name equals {@code name} byte for byte; no allocation. */
    public boolean shelfNameEquals(final int entry, final byte[] name) {
        return ShelfName.equals(buffer, shelfNameOffset(entry), shelfNameLength(entry), name);
    }

    /** Allocates: slow path. */
    public String shelfNameAsString(final int entry) {
        return utf8(shelfNameOffset(entry), shelfNameLength(entry));
    }

    public long shelfBookCount(final int entry) {
        return u32(afterName(entry) + BOOK_COUNT_AFTER_NAME);
    }

    /** First 8 bytes of the summary hash, big-endian (byte 0 most significant). */
    public long shelfHashHi(final int entry) {
        return buffer.getLong(afterName(entry) + HASH_HI_AFTER_NAME, java.nio.ByteOrder.BIG_ENDIAN);
    }

    /** Last 8 bytes of the summary hash, big-endian. */
    public long shelfHashLo(final int entry) {
        return buffer.getLong(afterName(entry) + HASH_LO_AFTER_NAME, java.nio.ByteOrder.BIG_ENDIAN);
    }

    @Override
    public int length() {
        int pos = firstShelf();
        for (int i = 0, n = shelfCount(); i < n; i++) {
            pos = nextShelf(pos);
        }
        return pos - offset;
    }
}
