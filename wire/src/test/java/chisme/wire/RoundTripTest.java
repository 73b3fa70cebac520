package chisme.wire;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static chisme.wire.Frames.OTHER;
import static chisme.wire.Frames.SENDER;
import static chisme.wire.Frames.TOKEN;
import static chisme.wire.Frames.TX;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoundTripTest {
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[WireLimits.MAX_MESSAGE]);

    /** Copies the encoded frame into an exactly-sized buffer so any read past its end throws. */
    private UnsafeBuffer exact(final int length) {
        final byte[] copy = Arrays.copyOf(buffer.byteArray(), length);
        final UnsafeBuffer b = new UnsafeBuffer(copy);
        assertEquals(DecodeReason.OK, MessageDecoder.validate(b, 0, length), () -> DecodeReason.name(MessageDecoder.validate(b, 0, length)));
        return b;
    }

    private static void assertHeader(final MessageFlyweight<?> f, final int type) {
        assertEquals(type, f.type());
        assertEquals(TX, f.transactionId());
        assertEquals(SENDER, f.senderAsNodeId());
        assertEquals(SENDER.hi(), f.senderHi());
        assertEquals(SENDER.mid(), f.senderMid());
        assertEquals(SENDER.lo(), f.senderLo());
    }

    @Test
    void shouldRoundTripEverySampleThroughValidateAndReadAll() {
        for (final int type : Frames.TYPES) {
            final int len = Frames.sample(type, buffer);
            final UnsafeBuffer b = exact(len);
            Frames.readAll(b, 0, len);
            assertEquals(type, new HeaderFlyweight().wrap(b, 0).type());
        }
    }

    @Test
    void shouldRoundTripPing() {
        final int len = Frames.sample(MessageType.PING, buffer);
        assertEquals(32, len);
        final PingFlyweight p = new PingFlyweight().wrap(exact(len), 0);
        assertHeader(p, MessageType.PING);
        assertEquals(0, p.flags());
    }

    @Test
    void shouldRoundTripPongIpv4AndIpv6() {
        final PongFlyweight p = new PongFlyweight();
        int len = p.wrap(buffer, 0).header(0, TX, SENDER).encode(Frames.V4, 65535);
        assertEquals(PongFlyweight.IPV4_LENGTH, len);
        p.wrap(exact(len), 0);
        assertHeader(p, MessageType.PONG);
        final byte[] a = new byte[16];
        assertEquals(4, p.address(a));
        assertArrayEquals(Frames.V4, Arrays.copyOf(a, 4));
        assertEquals(65535, p.port());
        assertFalse(p.isIpv6());

        len = p.wrap(buffer, 0).header(0, TX, SENDER).encode(Frames.V6, 1);
        assertEquals(PongFlyweight.IPV6_LENGTH, len);
        p.wrap(exact(len), 0);
        assertTrue(p.isIpv6());
        assertEquals(16, p.address(a));
        assertArrayEquals(Frames.V6, a);
        assertEquals(1, p.port());
    }

    @Test
    void shouldRoundTripFindNodeAndFindValue() {
        int len = Frames.sample(MessageType.FIND_NODE, buffer);
        final FindNodeFlyweight f = new FindNodeFlyweight().wrap(exact(len), 0);
        assertHeader(f, MessageType.FIND_NODE);
        assertEquals(HeaderFlyweight.FLAG_READ_ONLY, f.flags());
        assertEquals(OTHER, f.targetAsNodeId());
        len = Frames.sample(MessageType.FIND_VALUE, buffer);
        final FindValueFlyweight v = new FindValueFlyweight().wrap(exact(len), 0);
        assertEquals(OTHER, v.keyAsNodeId());
        assertEquals(OTHER.hi(), v.keyHi());
    }

    @Test
    void shouldRoundTripNodesWithMixedFamilies() {
        final int len = Frames.sample(MessageType.NODES, buffer);
        assertEquals(32 + 10 + 2 * 26 + 38, len);
        final NodesFlyweight n = new NodesFlyweight().wrap(exact(len), 0);
        assertHeader(n, MessageType.NODES);
        assertEquals(TOKEN, n.token());
        assertEquals(3, n.count());
        assertEquals(2, n.count4());
        assertEquals(1, n.count6());
        final byte[] a = new byte[16];
        assertEquals(OTHER, n.contactIdAsNodeId(0));
        assertEquals(4, n.contactAddress(0, a));
        assertArrayEquals(Frames.V4, Arrays.copyOf(a, 4));
        assertEquals(0x7F000001, n.contactIpv4(0));
        assertEquals(4000, n.contactPort(0));
        assertEquals(SENDER.hi(), n.contactIdHi(1));
        assertEquals(SENDER.mid(), n.contactIdMid(1));
        assertEquals(SENDER.lo(), n.contactIdLo(1));
        assertEquals(4001, n.contactPort(1));
        assertTrue(n.contactIsIpv6(2));
        assertEquals(16, n.contactAddress(2, a));
        assertArrayEquals(Frames.V6, a);
        assertEquals(4002, n.contactPort(2));
    }

    @Test
    void shouldRoundTripValueAndStore() {
        int len = Frames.sample(MessageType.VALUE, buffer);
        final ValueFlyweight v = new ValueFlyweight().wrap(exact(len), 0);
        assertEquals(TOKEN, v.token());
        assertEquals(OTHER, v.publisherAsNodeId());
        assertEquals(3600, v.ttlSeconds());
        assertArrayEquals(Frames.VALUE, v.copyValue());

        len = Frames.sample(MessageType.STORE, buffer);
        final StoreFlyweight s = new StoreFlyweight().wrap(exact(len), 0);
        assertEquals(NodeId.sha1(Frames.VALUE), s.keyAsNodeId());
        assertEquals(TOKEN, s.token());
        assertEquals(OTHER, s.publisherAsNodeId());
        assertEquals(3600, s.ttlSeconds());
        assertArrayEquals(Frames.VALUE, s.copyValue());
        assertEquals(len, s.length());
    }

    @Test
    void shouldCarryMaximumValueAndUnsignedTtl() {
        final byte[] big = new byte[WireLimits.MAX_VALUE];
        Arrays.fill(big, (byte) 7);
        final int len = new StoreFlyweight().wrap(buffer, 0).header(0, TX, SENDER)
            .encode(OTHER, TOKEN, SENDER, 0xFFFF_FFFFL, big);
        final StoreFlyweight s = new StoreFlyweight().wrap(exact(len), 0);
        assertEquals(0xFFFF_FFFFL, s.ttlSeconds());
        assertEquals(WireLimits.MAX_VALUE, s.valueLength());
        assertArrayEquals(big, s.copyValue());
    }

    @Test
    void shouldRoundTripStoreResultAndError() {
        int len = Frames.sample(MessageType.STORE_RESULT, buffer);
        assertEquals(StoreResultStatus.BAD_TOKEN, new StoreResultFlyweight().wrap(exact(len), 0).status());
        len = Frames.sample(MessageType.ERROR, buffer);
        final ErrorFlyweight e = new ErrorFlyweight().wrap(exact(len), 0);
        assertEquals(ErrorCode.RATE_LIMITED, e.code());
        assertEquals("slow down", e.messageAsString());
    }

    @Test
    void shouldCutLongErrorMessageOnCharacterBoundary() {
        final String s = "é".repeat(150); // 300 UTF-8 bytes, 2 per character
        final int len = new ErrorFlyweight().wrap(buffer, 0).header(0, TX, SENDER).encode(ErrorCode.GENERIC, s);
        final ErrorFlyweight e = new ErrorFlyweight().wrap(exact(len), 0);
        assertEquals(200, e.messageLength());
        assertEquals("é".repeat(100), e.messageAsString());
        final int len2 = new ErrorFlyweight().wrap(buffer, 0).header(0, TX, SENDER).encode(ErrorCode.GENERIC, "a" + s);
        assertEquals(199, new ErrorFlyweight().wrap(exact(len2), 0).messageLength());
    }

    @Test
    void shouldRoundTripShelfDigest() {
        final int len = Frames.sample(MessageType.SHELF_DIGEST, buffer);
        final ShelfDigestFlyweight s = new ShelfDigestFlyweight().wrap(exact(len), 0);
        assertEquals(2, s.shelfCount());
        assertEquals(len, s.length());
        final int e0 = s.firstShelf();
        assertEquals("dnsmasq-leases", s.shelfNameAsString(e0));
        assertTrue(s.shelfNameEquals(e0, Frames.SHELF));
        assertEquals(3, s.shelfBookCount(e0));
        assertEquals(0x1111111111111111L, s.shelfHashHi(e0));
        assertEquals(0x2222222222222222L, s.shelfHashLo(e0));
        final int e1 = s.nextShelf(e0);
        assertEquals("pirania", s.shelfNameAsString(e1));
        assertFalse(s.shelfNameEquals(e1, Frames.SHELF));
        assertEquals(70000, s.shelfBookCount(e1));
        assertEquals(-1L, s.shelfHashHi(e1));
        assertEquals(5L, s.shelfHashLo(e1));
        assertEquals(len, s.nextShelf(e1));
    }

    @Test
    void shouldRoundTripBucketDigestAndBookRequest() {
        int len = Frames.sample(MessageType.BUCKET_DIGEST, buffer);
        final BucketDigestFlyweight d = new BucketDigestFlyweight().wrap(exact(len), 0);
        assertEquals("dnsmasq-leases", d.nameAsString());
        assertTrue(d.nameEquals(Frames.SHELF));
        assertEquals(4, d.level());
        assertEquals(0xA0000000, d.prefix());
        assertEquals(2, d.bucketCount());
        assertEquals(10, d.bucketBookCount(0));
        assertEquals(0x0102030405060708L, d.bucketHash(0));
        assertEquals(0, d.bucketBookCount(1));
        assertEquals(len, d.length());

        len = Frames.sample(MessageType.BOOK_REQUEST, buffer);
        final BookRequestFlyweight r = new BookRequestFlyweight().wrap(exact(len), 0);
        assertEquals("dnsmasq-leases", r.nameAsString());
        assertEquals(3, r.count(), "range word plus one pair");
        assertTrue(r.isRangeRequest());
        assertEquals(6, r.rangePrefixBits());
        assertEquals(0xA8000000, r.rangePrefix());
        assertEquals((6L << 32) | 0xA8000000L, r.keyHash(0));
        assertEquals(1, r.pairCount());
        assertEquals(0x0A0B0C0D0E0F1011L, r.pairKeyHash(0));
        assertEquals(-2L, r.pairEntryHash(0));
        assertEquals(len, r.length());
    }

    @Test
    void shouldTellRangeRequestsFromOtherWordLists() {
        final int len = Frames.sample(MessageType.BOOK_REQUEST, buffer);
        final BookRequestFlyweight r = new BookRequestFlyweight().wrap(buffer, 0);
        assertTrue(r.isRangeRequest());
        r.putKeyHash(0, (6L << 32) | 0xA8000001L);
        assertFalse(r.isRangeRequest(), "a bit set below the prefix");
        r.putKeyHash(0, 33L << 32);
        assertFalse(r.isRangeRequest(), "more than 32 prefix bits");
        r.putKeyHash(0, 32L << 32 | 0xFFFF_FFFFL);
        assertTrue(r.isRangeRequest(), "32 bits: every bit is prefix");
        r.encode(Frames.SHELF, 2);
        assertFalse(r.isRangeRequest(), "an even word count is not range + pairs");
        r.encode(Frames.SHELF, 0);
        assertFalse(r.isRangeRequest(), "no range word");
        assertEquals(0, r.pairCount());
        assertEquals(len, new BookRequestFlyweight().wrap(buffer, 0).encodeRange(Frames.SHELF, 6, 0xA8000000, 1));
        assertThrows(IllegalArgumentException.class, () -> r.encodeRange(Frames.SHELF, 6, 0xA8000001, 0));
        assertThrows(IllegalArgumentException.class, () -> r.encodeRange(Frames.SHELF, 0, 0, BookRequestFlyweight.MAX_PAIRS + 1));
        final BookRequestFlyweight full = new BookRequestFlyweight().wrap(new UnsafeBuffer(new byte[600_000]), 0);
        full.encodeRange(Frames.SHELF, 0, 0, BookRequestFlyweight.MAX_PAIRS);
        assertEquals(0xFFFF - 2, full.count(), "the most pairs leave room for a cursor in the u16 word count");
        assertTrue(full.isRangeRequest());
        full.encodeRangeAfter(Frames.SHELF, 0, 0, -1L, BookRequestFlyweight.MAX_PAIRS);
        assertEquals(0xFFFF - 1, full.count(), "range, cursor and the most pairs fit the u16 word count");
        assertTrue(full.isRangeRequest());
        assertEquals(BookRequestFlyweight.MAX_PAIRS, full.pairCount());
    }

    @Test
    void shouldCheckBucketPrefixAlignment() {
        assertTrue(BucketDigestFlyweight.isAlignedPrefix(0, 0));
        assertFalse(BucketDigestFlyweight.isAlignedPrefix(0, 1));
        assertTrue(BucketDigestFlyweight.isAlignedPrefix(4, 0xA0000000));
        assertFalse(BucketDigestFlyweight.isAlignedPrefix(4, 0xA8000000));
        assertTrue(BucketDigestFlyweight.isAlignedPrefix(32, -1));
        assertFalse(BucketDigestFlyweight.isAlignedPrefix(33, 0));
        assertFalse(BucketDigestFlyweight.isAlignedPrefix(-1, 0));
        final int len = Frames.sample(MessageType.BUCKET_DIGEST, buffer);
        assertTrue(new BucketDigestFlyweight().wrap(exact(len), 0).hasAlignedPrefix());
    }

    @Test
    void shouldWriteBooksInPlaceLikeAppend() {
        final int len = Frames.sample(MessageType.BOOKS, buffer);
        final UnsafeBuffer other = new UnsafeBuffer(new byte[len]);
        final BooksFlyweight k = new BooksFlyweight().wrap(other, 0).header(0, TX, SENDER);
        int p = k.encode(Frames.SHELF);
        p = BooksFlyweight.writeBook(other, p, "10.13.0.5".getBytes(StandardCharsets.UTF_8), OTHER,
            "node-a".getBytes(StandardCharsets.UTF_8), 7, 30, 0, "{\"ip\":\"10.13.0.5\"}".getBytes(StandardCharsets.UTF_8));
        p = BooksFlyweight.writeBook(other, p, "gone".getBytes(StandardCharsets.UTF_8), SENDER, new byte[0], 8, 0,
            BooksFlyweight.FLAG_TOMBSTONE, new byte[0]);
        k.count(2);
        assertEquals(len, p);
        assertArrayEquals(Arrays.copyOf(buffer.byteArray(), len), other.byteArray());
        assertEquals(BooksFlyweight.bookLength(4, 0, 0), len - k.nextBook(k.firstBook()));
    }

    @Test
    void shouldRoundTripBooks() {
        final int len = Frames.sample(MessageType.BOOKS, buffer);
        final BooksFlyweight k = new BooksFlyweight().wrap(exact(len), 0);
        assertEquals("dnsmasq-leases", k.nameAsString());
        assertEquals(2, k.count());
        final int b0 = k.firstBook();
        assertEquals("10.13.0.5", k.bookKeyAsString(b0));
        assertEquals(OTHER, k.bookAuthorAsNodeId(b0));
        assertEquals("node-a", k.bookAuthorNameAsString(b0));
        assertEquals(7, k.bookVersion(b0));
        assertEquals(30, k.bookTtlSeconds(b0));
        assertFalse(k.bookTombstone(b0));
        assertEquals("{\"ip\":\"10.13.0.5\"}", new String(k.copyBookData(b0), StandardCharsets.UTF_8));
        final int b1 = k.nextBook(b0);
        assertEquals("gone", k.bookKeyAsString(b1));
        assertEquals(SENDER.hi(), k.bookAuthorHi(b1));
        assertEquals(0, k.bookAuthorNameLength(b1));
        assertTrue(k.bookTombstone(b1));
        assertEquals(0, k.bookDataLength(b1));
        assertEquals(len, k.nextBook(b1));
        assertEquals(len, k.length());
    }

    @Test
    void shouldRoundTripFragment() {
        final int len = Frames.sample(MessageType.FRAGMENT, buffer);
        final DirectBuffer b = exact(len);
        final FragmentFlyweight f = new FragmentFlyweight().wrap(b, 0, len);
        assertEquals(0x01020304, f.messageId());
        assertEquals(50, f.totalLength());
        assertEquals(1, f.index());
        assertEquals(3, f.count());
        assertEquals(20, f.payloadLength());
        assertEquals(20, b.getByte(f.payloadOffset() + 19));
    }

    @Test
    void shouldDecodeAtNonZeroOffset() {
        final int len = Frames.sample(MessageType.NODES, buffer);
        final UnsafeBuffer shifted = new UnsafeBuffer(new byte[len + 13]);
        shifted.putBytes(13, buffer, 0, len);
        assertEquals(DecodeReason.OK, MessageDecoder.validate(shifted, 13, len));
        final NodesFlyweight n = new NodesFlyweight().wrap(shifted, 13);
        assertEquals(4002, n.contactPort(2));
        assertEquals(Frames.readAll(buffer, 0, len), Frames.readAll(shifted, 13, len));
    }

    @Test
    void shouldReadNewBytesThroughAPreWrappedFlyweight() {
        // Receivers wrap flyweights over their one receive buffer once (Aeron style), then reuse them.
        final NodesFlyweight n = new NodesFlyweight().wrap(buffer, 0);
        int len = n.header(0, TX, SENDER).encode(TOKEN, 1, 0);
        n.putContact(0, 1, 2, 3, Frames.V4, 7);
        assertEquals(DecodeReason.OK, MessageDecoder.validate(buffer, 0, len));
        assertEquals(1, n.count());
        len = Frames.sample(MessageType.NODES, buffer); // another NODES lands in the same buffer
        assertEquals(DecodeReason.OK, MessageDecoder.validate(buffer, 0, len));
        assertEquals(3, n.count());
        assertTrue(n.contactIsIpv6(2));
        assertEquals(4002, n.contactPort(2));
    }
}
