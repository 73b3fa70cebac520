package chisme.store;

import chisme.wire.BookKey;
import chisme.wire.ShelfName;
import chisme.wire.WireLimits;

import java.nio.charset.StandardCharsets;

/**
 * Layout of a book record. Key: {@code shelf UTF-8, 0x00, book key UTF-8} (shelf names are
 * [A-Za-z0-9_-] so never contain 0). Value: fixed 56-byte prefix, author name, data. Little-endian.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |  0 checksum: CRC32C of bytes [4, end of record)               |
 *  +---------------------------------------------------------------+
 *  |  4 flags (bit 0: tombstone)                                   |
 *  +---------------------------------------------------------------+
 *  |  8 author id hi (8 bytes)                                     |
 *  | 16 author id mid (8 bytes)                                    |
 *  +---------------------------------------------------------------+
 *  | 24 author id lo (4 bytes)                                     |
 *  +---------------------------------------------------------------+
 *  | 28 dataLength                                                 |
 *  +---------------------------------------------------------------+
 *  | 32 version (8 bytes)                                          |
 *  | 40 expiresAtMs (8 bytes)                                      |
 *  +-------------------------------+-------------------------------+
 *  | 48 authorNameLength (u16)     | 50 reserved (0)               |
 *  +-------------------------------+-------------------------------+
 *  | 52 reserved (0)                                               |
 *  +---------------------------------------------------------------+
 *  | 56 author name UTF-8 ..., then data UTF-8 JSON ...            |
 *  +---------------------------------------------------------------+
 *  | with flag bit 1 (signed): the 100-byte signature block         |
 *  +---------------------------------------------------------------+
 * </pre>
 * Records written before signing existed have bit 1 clear and read unchanged.
 */
public final class BookLayout {
    public static final int CHECKSUM_OFFSET = 0;
    public static final int FLAGS_OFFSET = 4;
    public static final int AUTHOR_HI_OFFSET = 8;
    public static final int AUTHOR_MID_OFFSET = 16;
    public static final int AUTHOR_LO_OFFSET = 24;
    public static final int DATA_LENGTH_OFFSET = 28;
    public static final int VERSION_OFFSET = 32;
    public static final int EXPIRES_AT_OFFSET = 40;
    public static final int AUTHOR_NAME_LENGTH_OFFSET = 48;
    public static final int HEADER_BYTES = 56;
    public static final int FLAG_TOMBSTONE = 1;
    /** Flag: a signature block of {@link #SIGNATURE_BYTES} follows the data. */
    public static final int FLAG_SIGNED = 2;
    /** Signed ttl u32, Ed25519 public key (32), signature (64): as on the wire (wire.md "BOOKS"). */
    public static final int SIGNATURE_BYTES = 100;
    /** Longest shelf name in bytes ({@link ShelfName}). */
    public static final int MAX_SHELF_BYTES = WireLimits.MAX_SHELF_NAME;
    /** Longest book key in bytes ({@link BookKey}). */
    public static final int MAX_KEY_BYTES = BookKey.MAX_BYTES;
    /** Longest author name in bytes (a host name is at most 253). */
    public static final int MAX_AUTHOR_NAME_BYTES = 255;

    private BookLayout() {
    }

    /** What one book counts against the byte quota: key (shelf, 0, key) + header + author name + data. */
    public static long recordBytes(final int keyBytes, final int authorNameBytes, final int dataBytes) {
        return (long) keyBytes + HEADER_BYTES + authorNameBytes + dataBytes;
    }

    /** The map key of (shelf, key): shelf bytes, 0, key bytes. */
    public static byte[] key(final String shelf, final String key) {
        final byte[] s = shelf.getBytes(StandardCharsets.US_ASCII);
        final byte[] k = key.getBytes(StandardCharsets.UTF_8);
        final byte[] out = new byte[s.length + 1 + k.length];
        System.arraycopy(s, 0, out, 0, s.length);
        System.arraycopy(k, 0, out, s.length + 1, k.length);
        return out;
    }

    /**
     * Why a book cannot be stored at all, or null when it can: checked before any quota.
     * Returns TOO_LARGE for oversized key, author name or data.
     */
    static StoreStatus check(final Book book, final int maxDataBytes) {
        if (!ShelfName.valid(book.shelf())) {
            throw new IllegalArgumentException("shelf name must be " + ShelfName.RULE + ": " + book.shelf());
        }
        if (book.key() == null || book.authorId() == null || book.data() == null) {
            throw new IllegalArgumentException("book key, authorId and data must not be null");
        }
        if (book.data().length > maxDataBytes) {
            return StoreStatus.TOO_LARGE;
        }
        return null;
    }
}
