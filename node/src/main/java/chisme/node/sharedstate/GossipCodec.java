package chisme.node.sharedstate;

import chisme.wire.NodeId;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Bodies of the shared-state messages 0x20-0x23 (docs/shared-state.md "Wire"; integers little-endian
 * as in docs/wire.md). Decoders validate every length against the body before reading and return null
 * for junk (the caller drops and counts it); they never throw. Gossip is a slow path: decoded bodies
 * are small objects.
 * <pre>
 * SHELF_DIGEST  count u8 | count x (nameLen u8 | name | books u32 | hashHi u64 BE | hashLo u64 BE)
 * BUCKET_DIGEST nameLen u8 | name | prefix bits u8 (6 x level) | prefix u32 | n u8 (0 or 64) | n x (books u32 | hash u64)
 * BOOK_REQUEST  nameLen u8 | name | words u16 | words x u64: word 0 = range (prefix bits &lt;&lt; 32 | prefix), then
 *               (keyHash, entryHashLo) pairs of the books the requester holds in that range
 * BOOKS         nameLen u8 | name | n u16 | n x (keyLen u16 | key | author id 20 | authorLen u8 | author |
 *               version u64 | ttl seconds u32 | flags u8 (bit0 tombstone) | dataLen u32 | data)
 * </pre>
 * These are the frames of docs/wire.md, validated by chisme.wire.MessageDecoder before they reach us.
 */
public final class GossipCodec {
    /** Most shelves in one SHELF_DIGEST. */
    public static final int MAX_DIGEST_SHELVES = 255;
    /** Largest book data on the wire. */
    public static final int MAX_DATA_BYTES = 65_536;
    public static final int BOOK_FLAG_TOMBSTONE = 1;

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ByteOrder BE = ByteOrder.BIG_ENDIAN;
    /** Key-hash bits per tree level: wire.md's level field counts prefix bits, we step 6 at a time (64 buckets). */
    public static final int BITS_PER_LEVEL = 6;

    private GossipCodec() {
    }

    /** One shelf's summary. */
    public record ShelfDigest(String shelf, int count, long hashHi, long hashLo) {
    }

    /** Children of one bucket-tree node; counts/hashes empty when asked for (a request). */
    public record BucketDigest(String shelf, int level, long prefix, int[] counts, long[] hashes) {
    }

    /** "Send me your books under (level, prefix) except these exact entries." */
    public record BookRequest(String shelf, int level, long prefix, long[] keyHashes, long[] entryHashes) {
    }

    /** A book as carried: TTL is remaining milliseconds (whole seconds on the wire, rounded up). */
    public record WireBook(String key, NodeId authorId, String authorName, long version, long ttlMs,
                           boolean tombstone, byte[] data) {
    }

    /** A BOOKS body. */
    public record Books(String shelf, List<WireBook> books) {
    }

    // ---- encoders: write at offset, return bytes written

    public static int encodeShelfDigests(final MutableDirectBuffer b, final int offset, final List<ShelfDigest> digests) {
        int p = offset;
        b.putByte(p++, (byte) digests.size());
        for (final ShelfDigest d : digests) {
            p = putName(b, p, d.shelf);
            b.putInt(p, d.count, LE);
            b.putLong(p + 4, d.hashHi, BE); // wire.md: 16 raw bytes, two big-endian longs
            b.putLong(p + 12, d.hashLo, BE);
            p += 20;
        }
        return p - offset;
    }

    public static int shelfDigestBytes(final String shelf) {
        return 1 + shelf.length() + 20;
    }

    public static int encodeBucketDigest(final MutableDirectBuffer b, final int offset, final String shelf, final int level,
                                         final long prefix, final int[] counts, final long[] hashes) {
        int p = putName(b, offset, shelf);
        b.putByte(p++, (byte) (level * BITS_PER_LEVEL));
        b.putInt(p, (int) toWire(level, prefix), LE);
        p += 4;
        final int n = counts == null ? 0 : counts.length;
        b.putByte(p++, (byte) n);
        for (int i = 0; i < n; i++) {
            b.putInt(p, counts[i], LE);
            b.putLong(p + 4, hashes[i], LE);
            p += 12;
        }
        return p - offset;
    }

    public static int encodeBookRequest(final MutableDirectBuffer b, final int offset, final String shelf, final int level,
                                        final long prefix, final long[] keyHashes, final long[] entryHashes) {
        int p = putName(b, offset, shelf);
        b.putShort(p, (short) (1 + 2 * keyHashes.length), LE);
        p += 2;
        b.putLong(p, ((long) (level * BITS_PER_LEVEL) << 32) | toWire(level, prefix), LE);
        p += 8;
        for (int i = 0; i < keyHashes.length; i++) {
            b.putLong(p, keyHashes[i], LE);
            b.putLong(p + 8, entryHashes[i], LE);
            p += 16;
        }
        return p - offset;
    }

    /** Most (key hash, entry hash) pairs one BOOK_REQUEST carries (u16 word count). */
    public static final int MAX_REQUEST_PAIRS = (0xFFFF - 1) / 2;

    /** Bytes {@code book} takes in a BOOKS body. */
    public static int bookBytes(final byte[] key, final byte[] author, final int dataLength) {
        return 2 + key.length + NodeId.BYTES + 1 + author.length + 8 + 4 + 1 + 4 + dataLength;
    }

    /** Writes the BOOKS prefix; returns the offset of the first book. Fill in count with {@link #finishBooks}. */
    public static int startBooks(final MutableDirectBuffer b, final int offset, final String shelf) {
        final int p = putName(b, offset, shelf);
        b.putShort(p, (short) 0, LE);
        return p + 2;
    }

    /** Writes one book at {@code p}; returns the next offset. */
    public static int putBook(final MutableDirectBuffer b, final int p0, final byte[] key, final NodeId authorId,
                              final byte[] author, final long version, final long ttlMs, final boolean tombstone,
                              final byte[] data) {
        int p = p0;
        b.putShort(p, (short) key.length, LE);
        b.putBytes(p + 2, key);
        p += 2 + key.length;
        authorId.write(b, p);
        p += NodeId.BYTES;
        b.putByte(p++, (byte) author.length);
        b.putBytes(p, author);
        p += author.length;
        b.putLong(p, version, LE);
        b.putInt(p + 8, (int) Math.min((ttlMs + 999) / 1_000, 0xFFFF_FFFFL), LE);
        b.putByte(p + 12, (byte) (tombstone ? BOOK_FLAG_TOMBSTONE : 0));
        b.putInt(p + 13, data.length, LE);
        p += 17;
        b.putBytes(p, data);
        return p + data.length;
    }

    /** Sets the count of a BOOKS body started at {@code offset} for {@code shelf}. */
    public static void finishBooks(final MutableDirectBuffer b, final int offset, final String shelf, final int count) {
        b.putShort(offset + 1 + shelf.length(), (short) count, LE);
    }

    private static int putName(final MutableDirectBuffer b, final int p, final String name) {
        b.putByte(p, (byte) name.length());
        for (int i = 0; i < name.length(); i++) {
            b.putByte(p + 1 + i, (byte) name.charAt(i));
        }
        return p + 1 + name.length();
    }

    // ---- decoders: null = invalid

    public static List<ShelfDigest> decodeShelfDigests(final DirectBuffer b, final int offset, final int length) {
        final int end = offset + length;
        if (length < 1) {
            return null;
        }
        final int n = b.getByte(offset) & 0xFF;
        int p = offset + 1;
        final List<ShelfDigest> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            final String name = name(b, p, end);
            if (name == null) {
                return null;
            }
            p += 1 + name.length();
            if (p + 20 > end) {
                return null;
            }
            final int count = b.getInt(p, LE);
            if (count < 0) {
                return null;
            }
            out.add(new ShelfDigest(name, count, b.getLong(p + 4, BE), b.getLong(p + 12, BE)));
            p += 20;
        }
        return p == end ? out : null;
    }

    public static BucketDigest decodeBucketDigest(final DirectBuffer b, final int offset, final int length) {
        final int end = offset + length;
        final String name = name(b, offset, end);
        if (name == null) {
            return null;
        }
        int p = offset + 1 + name.length();
        if (p + 6 > end) {
            return null;
        }
        final int bits = b.getByte(p) & 0xFF;
        final int level = bits / BITS_PER_LEVEL;
        final long prefix = fromWire(bits, b.getInt(p + 1, LE) & 0xFFFF_FFFFL);
        final int n = b.getByte(p + 5) & 0xFF;
        p += 6;
        if (bits % BITS_PER_LEVEL != 0 || level > ShelfIndex.MAX_LEVEL || !prefixFits(level, prefix) || (n != 0 && n != ShelfIndex.FANOUT)
            || p + 12 * n != end) {
            return null;
        }
        final int[] counts = new int[n];
        final long[] hashes = new long[n];
        for (int i = 0; i < n; i++) {
            counts[i] = b.getInt(p, LE);
            hashes[i] = b.getLong(p + 4, LE);
            if (counts[i] < 0) {
                return null;
            }
            p += 12;
        }
        return new BucketDigest(name, level, prefix, counts, hashes);
    }

    public static BookRequest decodeBookRequest(final DirectBuffer b, final int offset, final int length) {
        final int end = offset + length;
        final String name = name(b, offset, end);
        if (name == null) {
            return null;
        }
        int p = offset + 1 + name.length();
        if (p + 2 + 8 > end) {
            return null;
        }
        final int words = b.getShort(p, LE) & 0xFFFF;
        p += 2;
        if (words % 2 != 1 || p + 8L * words != end) {
            return null;
        }
        final long range = b.getLong(p, LE);
        p += 8;
        final long bits = range >>> 32;
        final int level = (int) (bits / BITS_PER_LEVEL);
        final long prefix = bits > 32 ? -1 : fromWire((int) bits, range & 0xFFFF_FFFFL);
        if (bits % BITS_PER_LEVEL != 0 || level > ShelfIndex.MAX_LEVEL + 1 || !prefixFits(level, prefix)) {
            return null;
        }
        final int n = words / 2;
        final long[] keys = new long[n];
        final long[] hashes = new long[n];
        for (int i = 0; i < n; i++) {
            keys[i] = b.getLong(p, LE);
            hashes[i] = b.getLong(p + 8, LE);
            p += 16;
        }
        return new BookRequest(name, level, prefix, keys, hashes);
    }

    public static Books decodeBooks(final DirectBuffer b, final int offset, final int length) {
        final int end = offset + length;
        final String name = name(b, offset, end);
        if (name == null) {
            return null;
        }
        int p = offset + 1 + name.length();
        if (p + 2 > end) {
            return null;
        }
        final int n = b.getShort(p, LE) & 0xFFFF;
        p += 2;
        final List<WireBook> books = new ArrayList<>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) {
            if (p + 2 > end) {
                return null;
            }
            final int keyLen = b.getShort(p, LE) & 0xFFFF;
            p += 2;
            if (keyLen == 0 || keyLen > ShelfNames.MAX_KEY_BYTES || p + keyLen + NodeId.BYTES + 1 > end) {
                return null;
            }
            final String key = utf8(b, p, keyLen);
            if (key == null) {
                return null;
            }
            p += keyLen;
            final NodeId author = NodeId.read(b, p);
            p += NodeId.BYTES;
            final int authorLen = b.getByte(p++) & 0xFF;
            if (p + authorLen + 17 > end) {
                return null;
            }
            final String authorName = utf8(b, p, authorLen);
            if (authorName == null) {
                return null;
            }
            p += authorLen;
            final long version = b.getLong(p, LE);
            final long ttlMs = (b.getInt(p + 8, LE) & 0xFFFF_FFFFL) * 1_000L;
            final int flags = b.getByte(p + 12) & 0xFF;
            final int dataLen = b.getInt(p + 13, LE);
            p += 17;
            if (dataLen < 0 || dataLen > MAX_DATA_BYTES || p + dataLen > end) {
                return null;
            }
            final byte[] data = new byte[dataLen];
            b.getBytes(p, data);
            p += dataLen;
            books.add(new WireBook(key, author, authorName, version, ttlMs, (flags & BOOK_FLAG_TOMBSTONE) != 0, data));
        }
        return p == end ? new Books(name, books) : null;
    }

    private static boolean prefixFits(final int level, final long prefix) {
        return prefix >= 0 && (level == 0 ? prefix == 0 : prefix >>> (6 * level) == 0);
    }

    /** wire.md: the prefix field holds the key-hash prefix in its top bits (left-aligned in the u32). */
    private static long toWire(final int level, final long prefix) {
        return level == 0 ? 0 : (prefix << (32 - level * BITS_PER_LEVEL)) & 0xFFFF_FFFFL;
    }

    /** The right-aligned prefix of a left-aligned wire field, or -1 when bits below the prefix are set. */
    private static long fromWire(final int bits, final long field) {
        if (bits == 0) {
            return field == 0 ? 0 : -1;
        }
        final long prefix = field >>> (32 - bits);
        return (prefix << (32 - bits)) == field ? prefix : -1;
    }

    private static String name(final DirectBuffer b, final int p, final int end) {
        if (p >= end) {
            return null;
        }
        final int n = b.getByte(p) & 0xFF;
        if (n == 0 || n > ShelfNames.MAX_SHELF_NAME || p + 1 + n > end) {
            return null;
        }
        final char[] c = new char[n];
        for (int i = 0; i < n; i++) {
            final int ch = b.getByte(p + 1 + i) & 0xFF;
            if (!ShelfNames.validChar(ch)) {
                return null;
            }
            c[i] = (char) ch;
        }
        return new String(c);
    }

    private static String utf8(final DirectBuffer b, final int p, final int n) {
        final byte[] bytes = new byte[n];
        b.getBytes(p, bytes);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (final CharacterCodingException e) {
            return null;
        }
    }
}
