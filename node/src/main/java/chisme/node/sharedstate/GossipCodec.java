package chisme.node.sharedstate;

import chisme.store.Book;
import chisme.wire.BodyDeflater;
import chisme.wire.BodyInflater;
import chisme.wire.BookRequestFlyweight;
import chisme.wire.BooksFlyweight;
import chisme.wire.BucketDigestFlyweight;
import chisme.wire.DecodeReason;
import chisme.wire.HeaderFlyweight;
import chisme.wire.MessageDecoder;
import chisme.wire.MessageFlyweight;
import chisme.wire.MessageType;
import chisme.wire.NodeId;
import chisme.wire.ShelfDigestFlyweight;
import chisme.wire.WireLimits;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Shared-state meaning of the gossip frames 0x20-0x23 on top of the wire flyweights, which own every byte
 * layout (chisme.wire, docs/wire.md). What lives here is shared-state logic only: the bucket tree steps
 * {@link #BITS_PER_LEVEL} key-hash bits per level (a wire prefix of {@code 6 * level} bits), TTLs are
 * milliseconds (whole seconds on the wire, rounded down: a copy never outlives its source), book keys and author names are strict UTF-8, and
 * decoded frames become small objects for the merge (gossip is a slow path, docs/shared-state.md "Gossip").
 * <p>
 * Trust boundary (docs/wire.md "Decode reasons"): decoders take a whole message (header included) that
 * {@link MessageDecoder#validate} accepted; the Dispatcher validates every datagram before any handler or
 * reply callback sees it, so framing, names, counts and limits are not checked again here. What is checked
 * here is what the wire decoder cannot know: the frame type a reply callback expected, the rules above, and
 * the body of a deflated BOOKS ({@link HeaderFlyweight#FLAG_DEFLATED}), which is inflated into a scratch
 * buffer of this codec first, bounded by the message limit, and only then validated. Junk gives null (the
 * caller drops and counts it); decoders never throw. Encoders write the body of a message starting at {@code offset} (the RPC
 * layer writes the header) and return the body length; {@link #deflateBooks} compresses a BOOKS body in
 * place when that makes it shorter. Holds flyweights and zlib state: one instance per thread.
 */
public final class GossipCodec {
    /** Most shelves in one SHELF_DIGEST. */
    public static final int MAX_DIGEST_SHELVES = ShelfDigestFlyweight.MAX_SHELVES;
    /** Most (key hash, entry hash) pairs one BOOK_REQUEST carries. */
    public static final int MAX_REQUEST_PAIRS = BookRequestFlyweight.MAX_PAIRS;
    /** Key-hash bits per tree level: the wire's level field counts prefix bits, we step 6 at a time (64 buckets). */
    public static final int BITS_PER_LEVEL = 6;
    /** BOOKS bodies shorter than this are sent plain: a few books gain little and cost a zlib call. */
    public static final int DEFLATE_MIN_BODY = 512;
    /**
     * Deflate level for BOOKS bodies: zlib's default, 6. Measured on a 59,960-byte BOOKS body of 629
     * dnsmasq-hosts books (the benchmarks' books) on the x86 build machine: level 1 gives 6,710 bytes in ~100 us,
     * level 6 gives 5,820 bytes (13% fewer) in ~410 us. Radio airtime is what a mesh runs out of; 0.4 ms of CPU
     * per 60 kB (150 MB/s, or a few ms on a router) is not (docs/shared-state.md "Compression").
     */
    public static final int DEFLATE_LEVEL = 6;

    private static final int BODY_OFFSET = MessageFlyweight.BODY_OFFSET;

    private final ShelfDigestFlyweight shelfDigest = new ShelfDigestFlyweight();
    private final BucketDigestFlyweight bucketDigest = new BucketDigestFlyweight();
    private final BookRequestFlyweight bookRequest = new BookRequestFlyweight();
    private final BooksFlyweight books = new BooksFlyweight();
    // zlib state and scratch are made on first use: most nodes never exchange large BOOKS bodies.
    private BodyDeflater deflater;
    private BodyInflater inflater;
    private ExpandableArrayBuffer scratch;

    /** One shelf's summary. */
    public record ShelfDigest(String shelf, int count, long hashHi, long hashLo) {
    }

    /** Children of one bucket-tree node; counts/hashes empty when asked for (a request). */
    public record BucketDigest(String shelf, int level, long prefix, int[] counts, long[] hashes) {
    }

    /**
     * "Send me your books under (level, prefix) except these exact entries", and with {@code continued}
     * only those whose key hash is above {@code cursor} (unsigned).
     */
    public record BookRequest(String shelf, int level, long prefix, boolean continued, long cursor, long[] keyHashes,
                              long[] entryHashes) {
    }

    /**
     * A book as carried: TTL is remaining milliseconds (whole seconds on the wire, rounded down); {@code signature}
     * is the author's signature block (BooksFlyweight, 100 bytes) or null.
     */
    public record WireBook(String key, NodeId authorId, String authorName, long version, long ttlMs,
                           boolean tombstone, byte[] data, byte[] signature) {
        /** An unsigned book. */
        public WireBook(final String key, final NodeId authorId, final String authorName, final long version, final long ttlMs,
                        final boolean tombstone, final byte[] data) {
            this(key, authorId, authorName, version, ttlMs, tombstone, data, null);
        }
    }

    /** A BOOKS body; {@code continued}: a reply cut short, more books of the asked range follow. */
    public record Books(String shelf, List<WireBook> books, boolean continued) {
    }

    // ---- encoders: the message starts at offset; return the body length

    public int encodeShelfDigests(final MutableDirectBuffer b, final int offset, final List<ShelfDigest> digests) {
        int length = shelfDigest.wrap(b, offset).encode();
        for (final ShelfDigest d : digests) {
            length = shelfDigest.appendShelf(ascii(d.shelf()), d.count(), d.hashHi(), d.hashLo());
        }
        return length - BODY_OFFSET;
    }

    /** Bytes one shelf's entry adds to a SHELF_DIGEST. */
    public static int shelfDigestBytes(final String shelf) {
        return ShelfDigestFlyweight.entryLength(shelf.length());
    }

    /** A request when {@code counts} is null (no buckets), else a reply with one bucket per count. */
    public int encodeBucketDigest(final MutableDirectBuffer b, final int offset, final String shelf, final int level,
                                  final long prefix, final int[] counts, final long[] hashes) {
        final int n = counts == null ? 0 : counts.length;
        final int length = bucketDigest.wrap(b, offset).encode(ascii(shelf), level * BITS_PER_LEVEL, toWire(level, prefix), n);
        for (int i = 0; i < n; i++) {
            bucketDigest.putBucket(i, counts[i], hashes[i]);
        }
        return length - BODY_OFFSET;
    }

    public int encodeBookRequest(final MutableDirectBuffer b, final int offset, final String shelf, final int level,
                                 final long prefix, final long[] keyHashes, final long[] entryHashes) {
        final int length = bookRequest.wrap(b, offset)
            .encodeRange(ascii(shelf), level * BITS_PER_LEVEL, toWire(level, prefix), keyHashes.length);
        for (int i = 0; i < keyHashes.length; i++) {
            bookRequest.putPair(i, keyHashes[i], entryHashes[i]);
        }
        return length - BODY_OFFSET;
    }

    /**
     * As {@link #encodeBookRequest} with a cursor (word 1): only books whose key hash is above {@code cursor}
     * (unsigned) are wanted. The request must be sent with {@link HeaderFlyweight#FLAG_CONTINUED}.
     */
    public int encodeBookRequestAfter(final MutableDirectBuffer b, final int offset, final String shelf, final int level,
                                      final long prefix, final long cursor, final long[] keyHashes, final long[] entryHashes) {
        final int length = bookRequest.wrap(b, offset)
            .encodeRangeAfter(ascii(shelf), level * BITS_PER_LEVEL, toWire(level, prefix), cursor, keyHashes.length);
        for (int i = 0; i < keyHashes.length; i++) {
            bookRequest.putPair(i, keyHashes[i], entryHashes[i]);
        }
        return length - BODY_OFFSET;
    }

    /**
     * Deflates the body of the BOOKS message of {@code length} bytes at {@code offset} in place when it is at
     * least {@link #DEFLATE_MIN_BODY} bytes and the stream is shorter. Returns the message length afterwards:
     * smaller than {@code length} means deflated, and the caller must send it with
     * {@link HeaderFlyweight#FLAG_DEFLATED}; equal means left plain. {@code b} must be backed by a byte array.
     */
    public int deflateBooks(final MutableDirectBuffer b, final int offset, final int length) {
        final int body = length - BODY_OFFSET;
        if (body < DEFLATE_MIN_BODY) {
            return length;
        }
        if (deflater == null) {
            deflater = new BodyDeflater(DEFLATE_LEVEL);
        }
        final ExpandableArrayBuffer out = scratch();
        final int n = deflater.deflate(b, offset + BODY_OFFSET, body, out, 0, body - 1);
        if (n < 0) {
            return length;
        }
        b.putBytes(offset + BODY_OFFSET, out, 0, n);
        return BODY_OFFSET + n;
    }

    private ExpandableArrayBuffer scratch() {
        if (scratch == null) {
            scratch = new ExpandableArrayBuffer(4_096);
        }
        return scratch;
    }

    /** Frees the zlib state (also freed by the JVM's cleaner if this is never called). */
    public void close() {
        if (deflater != null) {
            deflater.close();
        }
        if (inflater != null) {
            inflater.close();
        }
    }

    /** Bytes one book adds to a BOOKS message. */
    public static int bookBytes(final byte[] key, final byte[] author, final int dataLength) {
        return BooksFlyweight.bookLength(key.length, author.length, dataLength);
    }

    /** Bytes {@code b} takes in a BOOKS message (its signature block included). */
    static int bookBytes(final byte[] key, final byte[] author, final Book b) {
        return bookBytes(key, author, b.data().length) + (b.signature() == null ? 0 : BooksFlyweight.SIGNED_EXTRA_LENGTH);
    }

    /** Starts a BOOKS message at {@code offset} with no books; returns its length so far (header included). */
    public int beginBooks(final MutableDirectBuffer b, final int offset, final String shelf) {
        return books.wrap(b, offset).encode(ascii(shelf));
    }

    /** Appends a book to the message of {@link #beginBooks}; returns its length so far (header included). */
    public int appendBook(final byte[] key, final NodeId authorId, final byte[] author, final long version, final long ttlMs,
                          final boolean tombstone, final byte[] data) {
        return appendBook(key, authorId, author, version, ttlMs, tombstone, data, null);
    }

    /** As above with the author's signature block (null: unsigned). */
    public int appendBook(final byte[] key, final NodeId authorId, final byte[] author, final long version, final long ttlMs,
                          final boolean tombstone, final byte[] data, final byte[] signature) {
        return books.appendBook(key, authorId, author, version, ttlSeconds(ttlMs), tombstone ? BooksFlyweight.FLAG_TOMBSTONE : 0,
            data, signature);
    }

    /** The author name as carried: UTF-8, cut at the wire's 255 bytes. */
    static byte[] authorBytes(final Book b) {
        final byte[] a = b.authorName() == null ? new byte[0] : b.authorName().getBytes(StandardCharsets.UTF_8);
        return a.length > 255 ? Arrays.copyOf(a, 255) : a;
    }

    /**
     * Whole seconds on the wire, rounded DOWN; capped at the u32. A copy may never outlive the copy it is made from:
     * rounded up, two neighbours handed a nearly expired book back and forth, each pass adding up to a second, and
     * it never expired (SharedStateSimulationTest#aShortLivedBookExpiresOnEveryNodeWithinItsTtlAndStaysGone).
     */
    static long ttlSeconds(final long ttlMs) {
        return Math.min(Math.max(0, ttlMs) / 1_000, 0xFFFF_FFFFL);
    }

    /** A book with less than a second left is not sent: it would carry TTL 0, which receivers drop as invalid. */
    static boolean worthSending(final long ttlMs) {
        return ttlSeconds(ttlMs) > 0;
    }

    // ---- decoders: the whole message at offset; null = invalid

    public List<ShelfDigest> decodeShelfDigests(final DirectBuffer b, final int offset, final int length) {
        if (!isType(b, offset, MessageType.SHELF_DIGEST)) {
            return null;
        }
        final ShelfDigestFlyweight d = shelfDigest.wrap(b, offset);
        final int n = d.shelfCount();
        final List<ShelfDigest> out = new ArrayList<>(n);
        int entry = d.firstShelf();
        for (int i = 0; i < n; i++, entry = d.nextShelf(entry)) {
            final long count = d.shelfBookCount(entry);
            if (count > Integer.MAX_VALUE) {
                return null;
            }
            // The decoder checked the name charset [A-Za-z0-9_-]: ASCII, so the string is exact.
            out.add(new ShelfDigest(d.shelfNameAsString(entry), (int) count, d.shelfHashHi(entry), d.shelfHashLo(entry)));
        }
        return out;
    }

    public BucketDigest decodeBucketDigest(final DirectBuffer b, final int offset, final int length) {
        if (!isType(b, offset, MessageType.BUCKET_DIGEST)) {
            return null;
        }
        final BucketDigestFlyweight d = bucketDigest.wrap(b, offset);
        final int bits = d.level();
        final int n = d.bucketCount();
        if (bits % BITS_PER_LEVEL != 0 || bits / BITS_PER_LEVEL > ShelfIndex.MAX_LEVEL || !d.hasAlignedPrefix()
            || (n != 0 && n != ShelfIndex.FANOUT)) {
            return null;
        }
        final int[] counts = new int[n];
        final long[] hashes = new long[n];
        for (int i = 0; i < n; i++) {
            final long count = d.bucketBookCount(i);
            if (count > Integer.MAX_VALUE) {
                return null;
            }
            counts[i] = (int) count;
            hashes[i] = d.bucketHash(i);
        }
        return new BucketDigest(d.nameAsString(), bits / BITS_PER_LEVEL, fromWire(bits, d.prefix()), counts, hashes);
    }

    public BookRequest decodeBookRequest(final DirectBuffer b, final int offset, final int length) {
        if (!isType(b, offset, MessageType.BOOK_REQUEST)) {
            return null;
        }
        final BookRequestFlyweight r = bookRequest.wrap(b, offset);
        if (!r.isRangeRequest()) {
            return null;
        }
        final int bits = r.rangePrefixBits();
        // A request may name a leaf one level below the deepest bucket level (all keys with that prefix).
        if (bits % BITS_PER_LEVEL != 0 || bits / BITS_PER_LEVEL > ShelfIndex.MAX_LEVEL + 1) {
            return null;
        }
        final int n = r.pairCount();
        final long[] keys = new long[n];
        final long[] hashes = new long[n];
        for (int i = 0; i < n; i++) {
            keys[i] = r.pairKeyHash(i);
            hashes[i] = r.pairEntryHash(i);
        }
        final boolean continued = r.continued();
        return new BookRequest(r.nameAsString(), bits / BITS_PER_LEVEL, fromWire(bits, r.rangePrefix()), continued,
            continued ? r.cursor() : 0, keys, hashes);
    }

    /** A BOOKS message, plain or deflated (inflated here first, bounded); null when junk. */
    public Books decodeBooks(final DirectBuffer message, final int messageOffset, final int messageLength) {
        if (!isType(message, messageOffset, MessageType.BOOKS)) {
            return null;
        }
        DirectBuffer b = message;
        int offset = messageOffset;
        final boolean continued = (message.getByte(messageOffset + HeaderFlyweight.FLAGS_OFFSET) & HeaderFlyweight.FLAG_CONTINUED) != 0;
        if ((message.getByte(messageOffset + HeaderFlyweight.FLAGS_OFFSET) & HeaderFlyweight.FLAG_DEFLATED) != 0) {
            if (inflater == null) {
                inflater = new BodyInflater();
            }
            final ExpandableArrayBuffer plain = scratch();
            plain.putBytes(0, message, messageOffset, BODY_OFFSET);
            plain.putByte(HeaderFlyweight.FLAGS_OFFSET, (byte) 0);
            // Bounded by the message limit: a decompression bomb stops there and is dropped.
            if (inflater.inflate(message, messageOffset + BODY_OFFSET, messageLength - BODY_OFFSET, plain, BODY_OFFSET,
                WireLimits.MAX_MESSAGE - BODY_OFFSET) != DecodeReason.OK
                || MessageDecoder.validate(plain, 0, BODY_OFFSET + inflater.length()) != DecodeReason.OK) {
                return null;
            }
            b = plain;
            offset = 0;
        }
        final BooksFlyweight k = books.wrap(b, offset);
        final int n = k.count();
        final List<WireBook> out = new ArrayList<>(n);
        int book = k.firstBook();
        for (int i = 0; i < n; i++, book = k.nextBook(book)) {
            final String key = strictUtf8(b, k.bookKeyOffset(book), k.bookKeyLength(book));
            final String authorName = strictUtf8(b, k.bookAuthorNameOffset(book), k.bookAuthorNameLength(book));
            if (key == null || authorName == null) {
                return null;
            }
            out.add(new WireBook(key, k.bookAuthorAsNodeId(book), authorName, k.bookVersion(book),
                k.bookTtlSeconds(book) * 1_000L, k.bookTombstone(book), k.copyBookData(book), k.copyBookSignature(book)));
        }
        return new Books(k.nameAsString(), out, continued);
    }

    /** A reply callback gets whatever validated frame answered its transaction id: check it is the one asked for. */
    private static boolean isType(final DirectBuffer b, final int offset, final int type) {
        return (b.getByte(offset + HeaderFlyweight.TYPE_OFFSET) & 0xFF) == type;
    }

    /** The wire prefix: the node's right-aligned prefix of {@code 6 * level} bits, left-aligned in a u32. */
    static int toWire(final int level, final long prefix) {
        return level == 0 ? 0 : (int) (prefix << (32 - level * BITS_PER_LEVEL));
    }

    /** The right-aligned prefix of an aligned wire field of {@code bits} prefix bits. */
    static long fromWire(final int bits, final int field) {
        return bits == 0 ? 0 : (field & 0xFFFF_FFFFL) >>> (32 - bits);
    }

    private static byte[] ascii(final String shelf) {
        return shelf.getBytes(StandardCharsets.US_ASCII);
    }

    /** Keys and author names must be valid UTF-8 (the flyweights' strings replace bad bytes instead). */
    private static String strictUtf8(final DirectBuffer b, final int index, final int n) {
        final byte[] bytes = new byte[n];
        b.getBytes(index, bytes);
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
