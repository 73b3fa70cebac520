package chisme.wire;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Properties: random field values round-trip; random bytes, truncations and single-byte mutations of
 * valid frames never make the decoder throw, and a frame it accepts can be read completely inside its
 * bounds (the frame is copied into an exactly-sized buffer with bounds checks on, so any read past the
 * end throws and fails the property).
 */
class WirePropertiesTest {
    record Contact(long hi, long mid, int lo, byte[] address, int port) {
    }

    record Book(byte[] key, NodeId author, byte[] authorName, long version,
                long ttl, int flags, byte[] data) {
    }

    @Provide
    Arbitrary<Contact> contact() {
        return Combinators.combine(
            Arbitraries.longs(), Arbitraries.longs(), Arbitraries.integers(),
            Arbitraries.of(4, 16).flatMap(n -> Arbitraries.bytes().array(byte[].class).ofSize(n)),
            Arbitraries.integers().between(0, 65535)).as(Contact::new);
    }

    @Provide
    Arbitrary<Book> book() {
        return Combinators.combine(
            Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(WireLimits.MAX_BOOK_KEY),
            Combinators.combine(Arbitraries.longs(), Arbitraries.longs(), Arbitraries.integers()).as(NodeId::new),
            Arbitraries.bytes().array(byte[].class).ofMaxSize(255),
            // Any flags but SIGNED, which needs a signature block (SignedBooksVectorTest).
            Arbitraries.longs(), Arbitraries.longs().between(0, 0xFFFF_FFFFL),
            Arbitraries.integers().between(0, 255).map(f -> f & ~BooksFlyweight.FLAG_SIGNED),
            Arbitraries.bytes().array(byte[].class).ofMaxSize(3000)).as(Book::new);
    }

    @Provide
    Arbitrary<byte[]> shelfName() {
        return Arbitraries.strings().withChars("abcxyzABCXYZ0189_-").ofMinLength(1).ofMaxLength(64)
            .map(s -> s.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    private static UnsafeBuffer exact(final UnsafeBuffer b, final int length) {
        return new UnsafeBuffer(Arrays.copyOf(b.byteArray(), length));
    }

    @Property(tries = 300)
    void shouldRoundTripRandomNodes(@ForAll long token, @ForAll long tx,
                                    @ForAll @Size(max = 32) List<@net.jqwik.api.From("contact") Contact> contacts) {
        final List<Contact> ordered = new java.util.ArrayList<>(contacts.stream().filter(c -> c.address().length == 4).toList());
        final int count4 = ordered.size();
        ordered.addAll(contacts.stream().filter(c -> c.address().length == 16).toList());
        final UnsafeBuffer b = new UnsafeBuffer(new byte[2048]);
        final NodesFlyweight n = new NodesFlyweight().wrap(b, 0).header(0, tx, Frames.SENDER);
        final int len = n.encode(token, count4, ordered.size() - count4);
        for (int i = 0; i < ordered.size(); i++) {
            final Contact c = ordered.get(i);
            n.putContact(i, c.hi(), c.mid(), c.lo(), c.address(), c.port());
        }
        final UnsafeBuffer e = exact(b, len);
        assertEquals(DecodeReason.OK, MessageDecoder.validate(e, 0, len));
        n.wrap(e, 0);
        assertEquals(tx, n.transactionId());
        assertEquals(token, n.token());
        assertEquals(ordered.size(), n.count());
        final byte[] a = new byte[16];
        for (int i = 0; i < ordered.size(); i++) {
            final Contact c = ordered.get(i);
            assertEquals(c.hi(), n.contactIdHi(i));
            assertEquals(c.mid(), n.contactIdMid(i));
            assertEquals(c.lo(), n.contactIdLo(i));
            assertEquals(c.port(), n.contactPort(i));
            assertEquals(c.address().length, n.contactAddress(i, a));
            assertArrayEquals(c.address(), Arrays.copyOf(a, c.address().length));
        }
    }

    @Property(tries = 200)
    void shouldRoundTripRandomStore(@ForAll long kh, @ForAll long km, @ForAll int kl, @ForAll long token,
                                    @ForAll long ph, @ForAll long pm, @ForAll int pl,
                                    @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int ttl,
                                    @ForAll @Size(max = 4000) byte[] value) {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[StoreFlyweight.VALUE_OFFSET + value.length]);
        final int len = new StoreFlyweight().wrap(b, 0).header(0, 1, Frames.SENDER)
            .encode(kh, km, kl, token, ph, pm, pl, ttl, new UnsafeBuffer(value), 0, value.length);
        assertEquals(b.capacity(), len);
        assertEquals(DecodeReason.OK, MessageDecoder.validate(b, 0, len));
        final StoreFlyweight s = new StoreFlyweight().wrap(b, 0);
        assertEquals(kh, s.keyHi());
        assertEquals(km, s.keyMid());
        assertEquals(kl, s.keyLo());
        assertEquals(token, s.token());
        assertEquals(ph, s.publisherHi());
        assertEquals(pm, s.publisherMid());
        assertEquals(pl, s.publisherLo());
        assertEquals(ttl, s.ttlSeconds());
        assertArrayEquals(value, s.copyValue());
    }

    @Property(tries = 200)
    void shouldRoundTripRandomBooks(@ForAll("shelfName") byte[] name,
                                    @ForAll @Size(max = 12) List<@net.jqwik.api.From("book") Book> books) {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[WireLimits.MAX_MESSAGE]);
        final BooksFlyweight k = new BooksFlyweight().wrap(b, 0).header(0, 1, Frames.SENDER);
        int len = k.encode(name);
        for (final Book x : books) {
            final int before = len;
            len = k.appendBook(new UnsafeBuffer(x.key()), 0, x.key().length, x.author().hi(), x.author().mid(), x.author().lo(),
                new UnsafeBuffer(x.authorName()), 0, x.authorName().length, x.version(), x.ttl(), x.flags(),
                new UnsafeBuffer(x.data()), 0, x.data().length);
            assertEquals(before + BooksFlyweight.BOOK_FIXED_LENGTH + x.key().length + x.authorName().length + x.data().length, len);
        }
        final UnsafeBuffer e = exact(b, len);
        assertEquals(DecodeReason.OK, MessageDecoder.validate(e, 0, len));
        k.wrap(e, 0);
        assertTrue(k.nameEquals(name));
        assertEquals(books.size(), k.count());
        int p = k.firstBook();
        for (final Book x : books) {
            assertArrayEquals(x.key(), Arrays.copyOfRange(e.byteArray(), k.bookKeyOffset(p), k.bookKeyOffset(p) + k.bookKeyLength(p)));
            assertEquals(x.author().hi(), k.bookAuthorHi(p));
            assertEquals(x.author().mid(), k.bookAuthorMid(p));
            assertEquals(x.author().lo(), k.bookAuthorLo(p));
            assertEquals(x.authorName().length, k.bookAuthorNameLength(p));
            assertEquals(x.version(), k.bookVersion(p));
            assertEquals(x.ttl(), k.bookTtlSeconds(p));
            assertEquals(x.flags(), k.bookFlags(p));
            assertArrayEquals(x.data(), k.copyBookData(p));
            p = k.nextBook(p);
        }
        assertEquals(len, p);
    }

    @Property(tries = 200)
    void shouldRoundTripRandomShelfDigest(@ForAll @Size(max = 20) List<@net.jqwik.api.From("shelfName") byte[]> names,
                                          @ForAll long hashHi, @ForAll long hashLo) {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[4096]);
        final ShelfDigestFlyweight s = new ShelfDigestFlyweight().wrap(b, 0).header(0, 1, Frames.SENDER);
        int len = s.encode();
        for (int i = 0; i < names.size(); i++) {
            len = s.appendShelf(names.get(i), i, hashHi + i, hashLo - i);
        }
        final UnsafeBuffer e = exact(b, len);
        assertEquals(DecodeReason.OK, MessageDecoder.validate(e, 0, len));
        s.wrap(e, 0);
        assertEquals(names.size(), s.shelfCount());
        int p = s.firstShelf();
        for (int i = 0; i < names.size(); i++) {
            assertTrue(s.shelfNameEquals(p, names.get(i)));
            assertEquals(i, s.shelfBookCount(p));
            assertEquals(hashHi + i, s.shelfHashHi(p));
            assertEquals(hashLo - i, s.shelfHashLo(p));
            p = s.nextShelf(p);
        }
        assertEquals(len, p);
    }

    @Property(tries = 300)
    void shouldRoundTripRandomBookRequestRanges(@ForAll("shelfName") byte[] name,
                                                @ForAll @IntRange(min = 0, max = 32) int prefixBits, @ForAll int anyPrefix,
                                                @ForAll @Size(max = 40) List<Long> hashes,
                                                @ForAll boolean continued, @ForAll long cursor) {
        // Keep only the top prefixBits bits: a range prefix is left-aligned with zeros below.
        final int prefix = prefixBits == 0 ? 0 : anyPrefix & (int) (0xFFFF_FFFFL << (32 - prefixBits));
        final int pairs = hashes.size() / 2;
        final UnsafeBuffer b = new UnsafeBuffer(new byte[4096]);
        final BookRequestFlyweight r = new BookRequestFlyweight().wrap(b, 0).header(0, 1, Frames.SENDER);
        final int len = continued ? r.encodeRangeAfter(name, prefixBits, prefix, cursor, pairs) : r.encodeRange(name, prefixBits, prefix, pairs);
        for (int i = 0; i < pairs; i++) {
            r.putPair(i, hashes.get(2 * i), hashes.get(2 * i + 1));
        }
        final UnsafeBuffer e = exact(b, len);
        assertEquals(DecodeReason.OK, MessageDecoder.validate(e, 0, len));
        r.wrap(e, 0);
        assertTrue(r.isRangeRequest());
        assertTrue(r.nameEquals(name));
        assertEquals(continued, r.continued());
        assertEquals((continued ? 2 : 1) + 2 * pairs, r.count());
        if (continued) {
            assertEquals(cursor, r.cursor());
        }
        assertEquals(prefixBits, r.rangePrefixBits());
        assertEquals(prefix, r.rangePrefix());
        assertEquals(pairs, r.pairCount());
        for (int i = 0; i < pairs; i++) {
            assertEquals(hashes.get(2 * i), r.pairKeyHash(i));
            assertEquals(hashes.get(2 * i + 1), r.pairEntryHash(i));
        }
        assertEquals(len, r.length());
        if (prefixBits < 32) {
            r.wrap(b, 0).putKeyHash(0, ((long) prefixBits << 32) | ((prefix | (1 << (31 - prefixBits))) & 0xFFFF_FFFFL));
            assertFalse(r.isRangeRequest(), "a bit below the prefix is refused");
        }
    }

    /**
     * Validates; if OK, every field must be readable inside an exactly-sized buffer. A deflated BOOKS frame is
     * inflated (bounded) and the plain message validated and read the same way.
     */
    private static int checkAnyBytes(final byte[] bytes) {
        final UnsafeBuffer b = new UnsafeBuffer(bytes);
        final int reason = MessageDecoder.validate(b, 0, bytes.length);
        assertTrue(reason >= 0 && reason < DecodeReason.COUNT);
        if (reason == DecodeReason.OK && new HeaderFlyweight().wrap(b, 0).deflated()) {
            final int inflated = inflate(b, bytes.length);
            if (inflated == DecodeReason.OK) {
                final UnsafeBuffer plain = exact(INFLATED, HeaderFlyweight.LENGTH + INFLATER.length());
                plain.putByte(HeaderFlyweight.FLAGS_OFFSET, (byte) 0);
                if (MessageDecoder.validate(plain, 0, plain.capacity()) == DecodeReason.OK) {
                    Frames.readAll(plain, 0, plain.capacity());
                }
            }
        } else if (reason == DecodeReason.OK) {
            Frames.readAll(b, 0, bytes.length);
        }
        return reason;
    }

    private static final BodyInflater INFLATER = new BodyInflater();
    private static final UnsafeBuffer INFLATED = new UnsafeBuffer(new byte[WireLimits.MAX_MESSAGE + 64]);
    private static final int BODY_BOUND = WireLimits.MAX_MESSAGE - HeaderFlyweight.LENGTH;

    /** Inflates the body of a deflated frame of {@code length} bytes into {@link #INFLATED} after its header; checks the bound. */
    private static int inflate(final UnsafeBuffer b, final int length) {
        INFLATED.putBytes(0, b, 0, HeaderFlyweight.LENGTH);
        INFLATED.setMemory(WireLimits.MAX_MESSAGE, 64, (byte) 0x5A);
        final int reason = INFLATER.inflate(b, HeaderFlyweight.LENGTH, length - HeaderFlyweight.LENGTH, INFLATED,
            HeaderFlyweight.LENGTH, BODY_BOUND);
        assertTrue(reason == DecodeReason.OK || reason == DecodeReason.TOO_LARGE || reason == DecodeReason.BAD_LENGTH,
            DecodeReason.name(reason));
        assertTrue(reason != DecodeReason.OK || INFLATER.length() <= BODY_BOUND);
        for (int i = WireLimits.MAX_MESSAGE; i < WireLimits.MAX_MESSAGE + 64; i++) {
            assertEquals(0x5A, INFLATED.getByte(i) & 0xFF, "the inflater wrote past its bound");
        }
        return reason;
    }

    /** A deflated BOOKS frame carrying {@code stream} as its body. */
    private static byte[] deflatedFrame(final byte[] stream) {
        final byte[] bytes = new byte[HeaderFlyweight.LENGTH + stream.length];
        final UnsafeBuffer b = new UnsafeBuffer(bytes);
        new HeaderFlyweight().wrap(b, 0).encode(MessageType.BOOKS, HeaderFlyweight.FLAG_DEFLATED, 7, Frames.SENDER);
        b.putBytes(HeaderFlyweight.LENGTH, stream);
        return bytes;
    }

    @Property(tries = 2000)
    void shouldNeverThrowOrOverrunInflatingRandomBytes(@ForAll @Size(min = 1, max = 1500) byte[] stream) {
        final byte[] frame = deflatedFrame(stream);
        assertEquals(DecodeReason.OK, MessageDecoder.validate(new UnsafeBuffer(frame), 0, frame.length));
        checkAnyBytes(frame);
    }

    @Property(tries = 2000)
    void shouldNeverThrowOrOverrunInflatingMutatedStreams(@ForAll @IntRange(min = 0, max = 100_000) int position,
                                                         @ForAll byte value, @ForAll boolean bomb) {
        // A valid deflated BOOKS sample (or a bomb: 1 MB of zeros) with one byte changed.
        final UnsafeBuffer plain = new UnsafeBuffer(new byte[WireLimits.MAX_MESSAGE]);
        final int len = Frames.sample(MessageType.BOOKS, plain);
        final byte[] input = bomb ? new byte[1_000_000] : Arrays.copyOfRange(plain.byteArray(), HeaderFlyweight.LENGTH, len);
        final UnsafeBuffer stream = new UnsafeBuffer(new byte[4_096]);
        final int n = DEFLATER.deflate(new UnsafeBuffer(input), 0, input.length, stream, 0, 4_096);
        assertTrue(n > 0);
        final byte[] s = Arrays.copyOf(stream.byteArray(), n);
        final int unchanged = inflate(new UnsafeBuffer(deflatedFrame(s)), HeaderFlyweight.LENGTH + n);
        assertEquals(bomb ? DecodeReason.TOO_LARGE : DecodeReason.OK, unchanged);
        s[position % n] = value;
        checkAnyBytes(deflatedFrame(s));
    }

    private static final BodyDeflater DEFLATER = new BodyDeflater(6);

    @Property(tries = 2000)
    void shouldNeverThrowOnRandomBytes(@ForAll @Size(max = 1500) byte[] bytes) {
        checkAnyBytes(bytes);
    }

    @Property(tries = 3000)
    void shouldNeverThrowOnRandomBodiesBehindValidHeaders(@ForAll @IntRange(min = 0, max = 13) int typeIndex,
                                                          @ForAll @Size(max = 600) byte[] body) {
        final byte[] bytes = new byte[HeaderFlyweight.LENGTH + body.length];
        final UnsafeBuffer b = new UnsafeBuffer(bytes);
        new HeaderFlyweight().wrap(b, 0).encode(Frames.TYPES[typeIndex], 0, 7, Frames.SENDER);
        b.putBytes(HeaderFlyweight.LENGTH, body);
        checkAnyBytes(bytes);
    }

    @Property(tries = 3000)
    void shouldNeverThrowOnTruncatedFrames(@ForAll @IntRange(min = 0, max = 13) int typeIndex,
                                           @ForAll @IntRange(min = 0, max = 1000) int cut) {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[WireLimits.MAX_MESSAGE]);
        final int len = Frames.sample(Frames.TYPES[typeIndex], b);
        final int truncated = cut % (len + 1);
        final int reason = checkAnyBytes(Arrays.copyOf(b.byteArray(), truncated));
        if (truncated < len && Frames.TYPES[typeIndex] != MessageType.FRAGMENT) {
            assertTrue(reason != DecodeReason.OK, "truncated frame accepted");
        }
    }

    @Property(tries = 5000)
    void shouldNeverThrowOnSingleByteMutations(@ForAll @IntRange(min = 0, max = 13) int typeIndex,
                                               @ForAll @IntRange(min = 0, max = 100_000) int position,
                                               @ForAll byte value) {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[WireLimits.MAX_MESSAGE]);
        final int len = Frames.sample(Frames.TYPES[typeIndex], b);
        final byte[] bytes = Arrays.copyOf(b.byteArray(), len);
        bytes[position % len] = value;
        checkAnyBytes(bytes);
    }
}
