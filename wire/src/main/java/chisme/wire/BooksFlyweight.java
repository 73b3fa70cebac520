package chisme.wire;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * BOOKS (0x23): books of one shelf, pushed on change or sent in answer to BOOK_REQUEST. A book is one
 * LibreMesh shared-state entry ({@code {"<key>": {"bleachTTL", "author", "data"}}}) plus the author's node
 * id and a version so that merges are deterministic.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                     header (32 bytes)                         |  0
 *  +---------------+-----------------------------------------------+
 *  | name length u8|  name (1..64 bytes [A-Za-z0-9_-]) ...          |  32 | 33
 *  +---------------+---------------+-------------------------------+
 *  |        count u16 LE           |  then count books, each:         C = 33 + name length
 *  +-------------------------------+-------------------------------+
 *  |   key length u16 LE (1..255)  |  key bytes ...                |  B + 0 | B + 2
 *  +-------------------------------+-------------------------------+
 *  |                  author id (160 bits)                         |  B + 2 + kl
 *  |                              ...                              |
 *  +---------------+-----------------------------------------------+
 *  |author name len|  author name (UTF-8 host name) ...            |  B + 22 + kl | B + 23 + kl
 *  +---------------+-----------------------------------------------+
 *  |                      version u64 LE                           |  V = B + 23 + kl + al
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                    ttl seconds u32 LE                         |  V + 8
 *  +---------------+-----------------------------------------------+
 *  |   flags u8    |                                                  V + 12 (bit 0: tombstone)
 *  +---------------+-----------------------------------------------+
 *  |              data length u32 LE (<= 65536)                    |  V + 13
 *  +---------------------------------------------------------------+
 *  |                data (UTF-8 JSON) ...                          |  V + 17
 *  +---------------------------------------------------------------+  next book: V + 17 + data length
 * </pre>
 * A book with flag bit 1 (SIGNED, issue 12) carries its author's Ed25519 signature after the data
 * (D = V + 17 + data length):
 * <pre>
 *  +-------------------------------+-------------------------------+
 *  |   marker u16 LE = 0xFFFF      |  signed ttl seconds u32 LE ...   D
 *  +-------------------------------+-------------------------------+
 *  |  ... signed ttl (the author's TTL, bounds the ttl above)      |  D + 2
 *  +---------------------------------------------------------------+
 *  |                 author public key (Ed25519, 32 bytes)         |  D + 6
 *  +---------------------------------------------------------------+
 *  |                 signature (Ed25519, 64 bytes)                 |  D + 38
 *  +---------------------------------------------------------------+  next book: D + 102
 * </pre>
 * The marker reads as a key length of 65,535 to a decoder that predates the flag, so such a decoder drops
 * the frame (TOO_LARGE or BAD_LENGTH) instead of misreading it. What is signed: docs/wire.md "BOOKS".
 * Books have variable length: iterate with {@link #firstBook()} / {@link #nextBook(int)}, which return book
 * positions (indexes into {@link #buffer()}). Encode with {@link #encode(byte[])} then {@link #appendBook}.
 * Messages above one datagram are sent as FRAGMENTs.
 * <p>
 * Header flags: {@link HeaderFlyweight#FLAG_CONTINUED} on a reply to BOOK_REQUEST says the responder stopped
 * early: more books of the asked range follow, in ascending unsigned key-hash order, after the last book
 * here (ask again with that key hash as the cursor). {@link HeaderFlyweight#FLAG_DEFLATED}: everything after
 * the header is a raw DEFLATE stream (RFC 1951) of the body above, inflating to at most
 * {@link WireLimits#MAX_MESSAGE} - 32 bytes:
 * <pre>
 *  +---------------------------------------------------------------+
 *  |            header (32 bytes, flags bit 2 = DEFLATED)          |  0
 *  +---------------------------------------------------------------+
 *  |   raw DEFLATE stream of name length .. last book's data ...   |  32
 *  +---------------------------------------------------------------+  32 + stream length (>= 1)
 * </pre>
 * Such a frame is validated only as "non-empty body"; this flyweight must wrap the inflated message
 * ({@link BodyInflater}), never the deflated one.
 */
public final class BooksFlyweight extends ShelfFrameFlyweight<BooksFlyweight> {
    /** Bytes of the book count after the name. */
    public static final int COUNT_LENGTH = 2;
    /** Shortest frame that can hold the fixed fields (empty name, no books). */
    public static final int MIN_LENGTH = NAME_OFFSET + COUNT_LENGTH;
    // In-book offsets (class diagram), shared with MessageDecoder. From the book's start B:
    /** Key length u16 at B + 0, key bytes at B + 2. */
    public static final int BOOK_KEY_AT = 2;
    // From the end of the key, K = B + 2 + key length:
    /** Author id at K + 0, author name length u8 at K + 20, author name at K + 21. */
    public static final int AUTHOR_NAME_LENGTH_AFTER_KEY = NodeId.BYTES;
    public static final int AUTHOR_NAME_AFTER_KEY = AUTHOR_NAME_LENGTH_AFTER_KEY + 1;
    // From the end of the author name, V (the version):
    public static final int TTL_AFTER_VERSION = 8;
    public static final int FLAGS_AFTER_VERSION = TTL_AFTER_VERSION + 4;
    public static final int DATA_LENGTH_AFTER_VERSION = FLAGS_AFTER_VERSION + 1;
    public static final int DATA_AFTER_VERSION = DATA_LENGTH_AFTER_VERSION + 4;
    /** Bytes of a book besides key, author name and data: 40. */
    public static final int BOOK_FIXED_LENGTH = BOOK_KEY_AT + AUTHOR_NAME_AFTER_KEY + DATA_AFTER_VERSION;
    public static final int FLAG_TOMBSTONE = 0x01;
    /** Book flag: a signature block follows the data. */
    public static final int FLAG_SIGNED = 0x02;
    /** Bytes of the signature block given to {@link #appendBook(byte[], NodeId, byte[], long, long, int, byte[], byte[])}: signed ttl, key, signature. */
    public static final int SIGNATURE_LENGTH = 4 + 32 + 64;
    /** Bytes of the marker that starts a signature block. */
    public static final int SIGNATURE_MARKER_LENGTH = 2;
    /** Bytes a signed book adds: the marker and the signature block. */
    public static final int SIGNED_EXTRA_LENGTH = SIGNATURE_MARKER_LENGTH + SIGNATURE_LENGTH;
    /** First two bytes of a signature block. */
    public static final int SIGNATURE_MARKER = 0xFFFF;

    private int limit;

    /** Bytes one book with these key, author-name and data lengths takes. */
    public static int bookLength(final int keyLength, final int authorNameLength, final int dataLength) {
        return BOOK_FIXED_LENGTH + keyLength + authorNameLength + dataLength;
    }

    public BooksFlyweight() {
        super(MessageType.BOOKS);
    }

    /** Writes the shelf name and count 0; returns the total length so far. */
    public int encode(final byte[] shelfName) {
        ShelfName.check(shelfName);
        putName(shelfName);
        putU16(offset + NAME_OFFSET + shelfName.length, 0);
        limit = NAME_OFFSET + shelfName.length + COUNT_LENGTH;
        return limit;
    }

    /**
     * Appends one book after the last one written since {@link #encode(byte[])}; returns the total length
     * so far. Key 1..255 bytes ({@link BookKey}), author name at most 255 bytes, data at most 64 KiB (checked).
     */
    public int appendBook(final DirectBuffer key, final int keyOffset, final int keyLength,
                          final long authorHi, final long authorMid, final int authorLo,
                          final DirectBuffer authorName, final int authorNameOffset, final int authorNameLength,
                          final long version, final long ttlSeconds, final int flags,
                          final DirectBuffer data, final int dataOffset, final int dataLength) {
        checkBook(keyLength, authorNameLength, dataLength);
        final int at = beginBook(keyLength, authorHi, authorMid, authorLo, authorNameLength, version, ttlSeconds,
            flags & ~FLAG_SIGNED, dataLength); // no block here: never claim one
        mutableBuffer.putBytes(at + BOOK_KEY_AT, key, keyOffset, keyLength);
        mutableBuffer.putBytes(at + BOOK_KEY_AT + keyLength + AUTHOR_NAME_AFTER_KEY, authorName, authorNameOffset, authorNameLength);
        mutableBuffer.putBytes(at + BOOK_FIXED_LENGTH + keyLength + authorNameLength, data, dataOffset, dataLength);
        return limit;
    }

    /** {@link #appendBook(DirectBuffer, int, int, long, long, int, DirectBuffer, int, int, long, long, int, DirectBuffer, int, int)} from arrays. */
    public int appendBook(final byte[] key, final NodeId author, final byte[] authorName,
                          final long version, final long ttlSeconds, final int flags, final byte[] data) {
        return appendBook(key, author, authorName, version, ttlSeconds, flags & ~FLAG_SIGNED, data, null);
    }

    /**
     * As above; a non-null {@code signature} ({@link #SIGNATURE_LENGTH} bytes: signed ttl u32 LE, public
     * key, signature) sets flag SIGNED and follows the data with the marker.
     */
    public int appendBook(final byte[] key, final NodeId author, final byte[] authorName,
                          final long version, final long ttlSeconds, final int flags, final byte[] data, final byte[] signature) {
        checkBook(key.length, authorName.length, data.length);
        if (signature != null && signature.length != SIGNATURE_LENGTH) {
            throw new IllegalArgumentException("a signature block is " + SIGNATURE_LENGTH + " bytes");
        }
        final int f = signature == null ? flags & ~FLAG_SIGNED : flags | FLAG_SIGNED;
        final int at = beginBook(key.length, author.hi(), author.mid(), author.lo(), authorName.length, version, ttlSeconds, f, data.length);
        putVariable(mutableBuffer, at, key, authorName, data);
        if (signature != null) {
            final int block = at + bookLength(key.length, authorName.length, data.length);
            mutableBuffer.putShort(block, (short) SIGNATURE_MARKER, LE);
            mutableBuffer.putBytes(block + SIGNATURE_MARKER_LENGTH, signature);
            limit += SIGNED_EXTRA_LENGTH;
        }
        return limit;
    }

    /**
     * Writes one book at absolute index {@code at} of {@code buffer} without touching any count; returns the
     * index after it. For callers that lay books out themselves (then set {@link #count(int)}); others use
     * {@link #appendBook}. Same limits, checked.
     */
    public static int writeBook(final MutableDirectBuffer buffer, final int at, final byte[] key, final NodeId author,
                                final byte[] authorName, final long version, final long ttlSeconds, final int flags,
                                final byte[] data) {
        checkBook(key.length, authorName.length, data.length);
        putFixed(buffer, at, key.length, author.hi(), author.mid(), author.lo(), authorName.length, version, ttlSeconds, flags & ~FLAG_SIGNED, data.length);
        putVariable(buffer, at, key, authorName, data);
        return at + bookLength(key.length, authorName.length, data.length);
    }

    private static void putVariable(final MutableDirectBuffer buffer, final int at, final byte[] key, final byte[] authorName,
                                    final byte[] data) {
        buffer.putBytes(at + BOOK_KEY_AT, key);
        buffer.putBytes(at + BOOK_KEY_AT + key.length + AUTHOR_NAME_AFTER_KEY, authorName);
        buffer.putBytes(at + BOOK_FIXED_LENGTH + key.length + authorName.length, data);
    }

    /** Overwrites the book count (after {@link #writeBook}); {@link #appendBook} keeps it itself. */
    public BooksFlyweight count(final int count) {
        if (count < 0 || count > 0xFFFF) {
            throw new IllegalArgumentException("count 0..65535, got " + count);
        }
        putU16(afterName(), count);
        return this;
    }

    private static void checkBook(final int keyLength, final int authorNameLength, final int dataLength) {
        if (!BookKey.validLength(keyLength) || authorNameLength > 255 || dataLength < 0 || dataLength > WireLimits.MAX_VALUE) {
            throw new IllegalArgumentException("key " + BookKey.RULE + ", author name <= 255, data <= 65536 bytes, got "
                + keyLength + ", " + authorNameLength + ", " + dataLength);
        }
    }

    /** Writes the fixed fields of a book at the limit, bumps count and limit; returns the book's position. */
    private int beginBook(final int keyLength, final long authorHi, final long authorMid, final int authorLo,
                          final int authorNameLength, final long version, final long ttlSeconds, final int flags,
                          final int dataLength) {
        final int countIndex = afterName();
        final int count = u16(countIndex);
        if (count >= 0xFFFF) {
            throw new IllegalStateException("at most 65535 books per message");
        }
        final int at = offset + limit;
        putFixed(mutableBuffer, at, keyLength, authorHi, authorMid, authorLo, authorNameLength, version, ttlSeconds, flags, dataLength);
        putU16(countIndex, count + 1);
        limit += bookLength(keyLength, authorNameLength, dataLength);
        return at;
    }

    /** Writes the fixed fields of a book at {@code at} (the layout in the class comment). */
    private static void putFixed(final MutableDirectBuffer buffer, final int at, final int keyLength,
                                 final long authorHi, final long authorMid, final int authorLo, final int authorNameLength,
                                 final long version, final long ttlSeconds, final int flags, final int dataLength) {
        buffer.putShort(at, (short) keyLength, LE);
        final int k = at + BOOK_KEY_AT + keyLength;
        NodeId.write(buffer, k, authorHi, authorMid, authorLo);
        buffer.putByte(k + AUTHOR_NAME_LENGTH_AFTER_KEY, (byte) authorNameLength);
        final int v = k + AUTHOR_NAME_AFTER_KEY + authorNameLength;
        buffer.putLong(v, version, LE);
        buffer.putInt(v + TTL_AFTER_VERSION, (int) ttlSeconds, LE);
        buffer.putByte(v + FLAGS_AFTER_VERSION, (byte) flags);
        buffer.putInt(v + DATA_LENGTH_AFTER_VERSION, dataLength, LE);
    }

    public int count() {
        return u16(afterName());
    }

    /** Position of the first book (meaningful only if {@link #count()} &gt; 0). */
    public int firstBook() {
        return afterName() + COUNT_LENGTH;
    }

    /** Position of the book after the one at {@code book}. */
    public int nextBook(final int book) {
        return bookDataOffset(book) + bookDataLength(book) + (bookSigned(book) ? SIGNED_EXTRA_LENGTH : 0);
    }

    /** True when the book carries a signature block (flag SIGNED). */
    public boolean bookSigned(final int book) {
        return (bookFlags(book) & FLAG_SIGNED) != 0;
    }

    /** Copies the signature block (signed ttl, public key, signature; {@link #SIGNATURE_LENGTH} bytes), or null when unsigned. */
    public byte[] copyBookSignature(final int book) {
        if (!bookSigned(book)) {
            return null;
        }
        final byte[] out = new byte[SIGNATURE_LENGTH];
        buffer.getBytes(bookDataOffset(book) + bookDataLength(book) + SIGNATURE_MARKER_LENGTH, out);
        return out;
    }

    public int bookKeyLength(final int book) {
        return u16(book);
    }

    /** Index in {@link #buffer()} of the book's first key byte. */
    public int bookKeyOffset(final int book) {
        return book + BOOK_KEY_AT;
    }

    /** Allocates: slow path. */
    public String bookKeyAsString(final int book) {
        return utf8(bookKeyOffset(book), bookKeyLength(book));
    }

    /** Index in {@link #buffer()} of the book's author id, right after the key. */
    private int authorIndex(final int book) {
        return bookKeyOffset(book) + bookKeyLength(book);
    }

    public long bookAuthorHi(final int book) {
        return NodeId.readHi(buffer, authorIndex(book));
    }

    public long bookAuthorMid(final int book) {
        return NodeId.readMid(buffer, authorIndex(book));
    }

    public int bookAuthorLo(final int book) {
        return NodeId.readLo(buffer, authorIndex(book));
    }

    /** Allocates: slow path. */
    public NodeId bookAuthorAsNodeId(final int book) {
        return NodeId.read(buffer, authorIndex(book));
    }

    public int bookAuthorNameLength(final int book) {
        return u8(authorIndex(book) + AUTHOR_NAME_LENGTH_AFTER_KEY);
    }

    /** Index in {@link #buffer()} of the book's first author-name byte. */
    public int bookAuthorNameOffset(final int book) {
        return authorIndex(book) + AUTHOR_NAME_AFTER_KEY;
    }

    /** Allocates: slow path. */
    public String bookAuthorNameAsString(final int book) {
        return utf8(bookAuthorNameOffset(book), bookAuthorNameLength(book));
    }

    private int versionIndex(final int book) {
        return bookAuthorNameOffset(book) + bookAuthorNameLength(book);
    }

    public long bookVersion(final int book) {
        return buffer.getLong(versionIndex(book), LE);
    }

    public long bookTtlSeconds(final int book) {
        return u32(versionIndex(book) + TTL_AFTER_VERSION);
    }

    public int bookFlags(final int book) {
        return u8(versionIndex(book) + FLAGS_AFTER_VERSION);
    }

    public boolean bookTombstone(final int book) {
        return (bookFlags(book) & FLAG_TOMBSTONE) != 0;
    }

    public int bookDataLength(final int book) {
        return (int) u32(versionIndex(book) + DATA_LENGTH_AFTER_VERSION);
    }

    /** Index in {@link #buffer()} of the book's first data byte. */
    public int bookDataOffset(final int book) {
        return versionIndex(book) + DATA_AFTER_VERSION;
    }

    /** Copies the book's data into {@code dst} at {@code dstOffset}; returns its length. */
    public int bookData(final int book, final byte[] dst, final int dstOffset) {
        final int n = bookDataLength(book);
        buffer.getBytes(bookDataOffset(book), dst, dstOffset, n);
        return n;
    }

    /** Allocates a copy of the data: slow path. */
    public byte[] copyBookData(final int book) {
        final byte[] out = new byte[bookDataLength(book)];
        bookData(book, out, 0);
        return out;
    }

    @Override
    public int length() {
        int pos = firstBook();
        for (int i = 0, n = count(); i < n; i++) {
            pos = nextBook(pos);
        }
        return pos - offset;
    }
}
