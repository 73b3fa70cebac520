package chisme.node.sharedstate;

import chisme.wire.BookRequestFlyweight;
import chisme.wire.BookKey;
import chisme.wire.BooksFlyweight;
import chisme.wire.DecodeReason;
import chisme.wire.HeaderFlyweight;
import chisme.wire.MessageDecoder;
import chisme.wire.MessageType;
import chisme.wire.NodeId;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared-state view of the wire frames 0x20-0x23: round trips, tree levels, and junk refused without throwing. */
class GossipCodecTest {
    private static final int H = HeaderFlyweight.LENGTH;
    private static final NodeId SENDER = NodeId.random(new SplittableRandom(3));
    private final UnsafeBuffer buf = new UnsafeBuffer(new byte[70_000]);
    private final GossipCodec codec = new GossipCodec();

    // As the Dispatcher does (docs/wire.md trust boundary): the codec only sees frames MessageDecoder accepted.
    private List<GossipCodec.ShelfDigest> decodeShelfDigests(final DirectBuffer b, final int offset, final int length) {
        return validated(b, offset, length) ? codec.decodeShelfDigests(b, offset, length) : null;
    }

    private GossipCodec.BucketDigest decodeBucketDigest(final DirectBuffer b, final int offset, final int length) {
        return validated(b, offset, length) ? codec.decodeBucketDigest(b, offset, length) : null;
    }

    private GossipCodec.BookRequest decodeBookRequest(final DirectBuffer b, final int offset, final int length) {
        return validated(b, offset, length) ? codec.decodeBookRequest(b, offset, length) : null;
    }

    private GossipCodec.Books decodeBooks(final DirectBuffer b, final int offset, final int length) {
        return validated(b, offset, length) ? codec.decodeBooks(b, offset, length) : null;
    }

    private static boolean validated(final DirectBuffer b, final int offset, final int length) {
        return MessageDecoder.validate(b, offset, length) == DecodeReason.OK;
    }

    /** Writes a header of {@code type} at {@code offset}, as the RPC layer does after the body is encoded. */
    private void header(final int offset, final int type) {
        new HeaderFlyweight().wrap(buf, offset).encode(type, 0, 1, SENDER);
    }

    @Test
    void shouldRoundTripShelfDigests() {
        final List<GossipCodec.ShelfDigest> in = List.of(new GossipCodec.ShelfDigest("pirania", 3, 1, -2), new GossipCodec.ShelfDigest("a-b_c", 0, 0, 0));
        final int n = codec.encodeShelfDigests(buf, 5, in);
        header(5, MessageType.SHELF_DIGEST);
        assertEquals(1 + 21 + 7 + 21 + 5, n);
        assertEquals(GossipCodec.shelfDigestBytes("pirania") + GossipCodec.shelfDigestBytes("a-b_c") + 1, n);
        assertEquals(in, decodeShelfDigests(buf, 5, H + n));
        assertNull(decodeShelfDigests(buf, 5, H + n - 1), "truncated");
        assertNull(decodeShelfDigests(buf, 5, H + n + 1), "trailing byte");
        header(5, MessageType.BUCKET_DIGEST);
        assertNull(decodeShelfDigests(buf, 5, H + n), "another frame type");
    }

    @Test
    void shouldDecodeTheEmptyDigestReply() {
        final int n = codec.encodeShelfDigests(buf, 0, List.of());
        header(0, MessageType.SHELF_DIGEST);
        assertEquals(1, n, "equal shelves: the reply body is one count byte");
        assertEquals(List.of(), decodeShelfDigests(buf, 0, H + n));
    }

    @Test
    void shouldRoundTripBucketDigest() {
        final int[] counts = new int[64];
        final long[] hashes = new long[64];
        counts[3] = 9;
        hashes[3] = 77;
        final int n = codec.encodeBucketDigest(buf, 0, "s", 2, 0xABC, counts, hashes);
        header(0, MessageType.BUCKET_DIGEST);
        final GossipCodec.BucketDigest d = decodeBucketDigest(buf, 0, H + n);
        assertEquals("s", d.shelf());
        assertEquals(2, d.level());
        assertEquals(0xABC, d.prefix());
        assertArrayEquals(counts, d.counts());
        assertArrayEquals(hashes, d.hashes());
        assertEquals(12, buf.getByte(H + 2), "wire.md level = prefix bits");
        assertEquals(0xABC << 20, buf.getInt(H + 3, ByteOrder.LITTLE_ENDIAN), "prefix left-aligned as wire.md says");
        final int m = codec.encodeBucketDigest(buf, 0, "s", 1, 5, null, null);
        assertEquals(5, decodeBucketDigest(buf, 0, H + m).prefix());
        assertEquals(0, decodeBucketDigest(buf, 0, H + m).counts().length, "a request carries no buckets");
        buf.putByte(H + 2, (byte) 7);
        assertNull(decodeBucketDigest(buf, 0, H + m), "levels are whole 6-bit steps");
        buf.putByte(H + 2, (byte) 30);
        buf.putInt(H + 3, 0, ByteOrder.LITTLE_ENDIAN);
        assertNull(decodeBucketDigest(buf, 0, H + m), "deeper than the tree");
        buf.putByte(H + 2, (byte) 6);
        buf.putInt(H + 3, (5 << 26) | 1, ByteOrder.LITTLE_ENDIAN);
        assertNull(decodeBucketDigest(buf, 0, H + m), "bits below the prefix must be zero");
    }

    @Test
    void shouldRejectBucketCountsOtherThanNoneOrAll() {
        final int n = codec.encodeBucketDigest(buf, 0, "s", 0, 0, new int[3], new long[3]);
        header(0, MessageType.BUCKET_DIGEST);
        assertNull(decodeBucketDigest(buf, 0, H + n));
    }

    @Test
    void shouldRoundTripBookRequest() {
        final int n = codec.encodeBookRequest(buf, 0, "s", 1, 5, new long[] {1, 2}, new long[] {3, 4});
        header(0, MessageType.BOOK_REQUEST);
        final GossipCodec.BookRequest r = decodeBookRequest(buf, 0, H + n);
        assertEquals(1, r.level());
        assertEquals(5, r.prefix());
        assertArrayEquals(new long[] {1, 2}, r.keyHashes());
        assertArrayEquals(new long[] {3, 4}, r.entryHashes());
        assertTrue(new BookRequestFlyweight().wrap(buf, 0).isRangeRequest());
        assertEquals((6L << 32) | (5L << 26), new BookRequestFlyweight().wrap(buf, 0).keyHash(0), "range word as wire.md says");
        assertNull(decodeBookRequest(buf, 0, H + n - 3));
        final int leaf = codec.encodeBookRequest(buf, 0, "s", ShelfIndex.MAX_LEVEL + 1, 7, new long[0], new long[0]);
        assertEquals(ShelfIndex.MAX_LEVEL + 1, decodeBookRequest(buf, 0, H + leaf).level(), "a leaf below the deepest bucket level");
        new BookRequestFlyweight().wrap(buf, 0).encode("s".getBytes(StandardCharsets.US_ASCII), 2);
        assertNull(decodeBookRequest(buf, 0, H + 1 + 1 + 2 + 16), "an even word count is no range + pairs");
    }

    @Test
    void shouldRoundTripAContinuedBookRequest() {
        final int n = codec.encodeBookRequestAfter(buf, 0, "s", 1, 5, 0xF000_0000_0000_0001L, new long[] {7}, new long[] {8});
        new HeaderFlyweight().wrap(buf, 0).encode(MessageType.BOOK_REQUEST, HeaderFlyweight.FLAG_CONTINUED, 1, SENDER);
        final GossipCodec.BookRequest r = decodeBookRequest(buf, 0, H + n);
        assertNotNull(r);
        assertTrue(r.continued());
        assertEquals(0xF000_0000_0000_0001L, r.cursor());
        assertEquals(1, r.level());
        assertEquals(5, r.prefix());
        assertArrayEquals(new long[] {7}, r.keyHashes());
        assertArrayEquals(new long[] {8}, r.entryHashes());
        header(0, MessageType.BOOK_REQUEST); // the same words without the flag: the pair is cut in half
        assertNull(decodeBookRequest(buf, 0, H + n), "4 words without CONTINUED are no range + pairs");
    }

    @Test
    void shouldDeflateLargeBooksBodiesAndReadThemBack() {
        final NodeId author = NodeId.random(new SplittableRandom(2));
        int p = codec.beginBooks(buf, 0, "dnsmasq-hosts");
        for (int i = 0; i < 300; i++) {
            p = codec.appendBook(("10.0.1." + i).getBytes(StandardCharsets.UTF_8), author, "node-a".getBytes(StandardCharsets.UTF_8),
                i, 60_000, false, ("{\"host\":\"node-" + i + "\"}").getBytes(StandardCharsets.UTF_8));
        }
        final int deflated = codec.deflateBooks(buf, 0, p);
        assertTrue(deflated < p / 3, "repetitive books shrink: " + p + " -> " + deflated);
        new HeaderFlyweight().wrap(buf, 0).encode(MessageType.BOOKS, HeaderFlyweight.FLAG_DEFLATED | HeaderFlyweight.FLAG_CONTINUED, 1, SENDER);
        final GossipCodec.Books b = decodeBooks(buf, 0, deflated);
        assertEquals(300, b.books().size());
        assertTrue(b.continued());
        assertEquals("10.0.1.299", b.books().get(299).key());
        assertEquals("{\"host\":\"node-299\"}", new String(b.books().get(299).data(), StandardCharsets.UTF_8));
        buf.putByte(H + deflated / 2, (byte) (buf.getByte(H + deflated / 2) ^ 0x5A));
        assertNull(decodeBooks(buf, 0, deflated), "a corrupted stream is junk, not an exception");
        final int small = codec.beginBooks(buf, 0, "s");
        assertEquals(small, codec.deflateBooks(buf, 0, small), "bodies under 512 bytes stay plain");
    }

    @Test
    void shouldListEntriesInAscendingUnsignedKeyHashOrderFromACursor() {
        final ShelfIndex index = new ShelfIndex();
        final long[] hashes = {-1L, 5L, Long.MIN_VALUE, 0L, 0x7FFF_FFFF_FFFF_FFFFL, 5L};
        for (int i = 0; i < hashes.length; i++) {
            index.put("k" + i, hashes[i], i, i);
        }
        final List<Long> all = new java.util.ArrayList<>();
        index.ascending(0, 0, false, 0).forEach(e -> all.add(e.keyHash()));
        assertEquals(List.of(0L, 5L, 5L, 0x7FFF_FFFF_FFFF_FFFFL, Long.MIN_VALUE, -1L), all);
        final List<Long> after = new java.util.ArrayList<>();
        index.ascending(0, 0, true, 5L).forEach(e -> after.add(e.keyHash()));
        assertEquals(List.of(0x7FFF_FFFF_FFFF_FFFFL, Long.MIN_VALUE, -1L), after, "strictly above the cursor, unsigned");
        assertTrue(!index.ascending(0, 0, true, -1L).iterator().hasNext(), "nothing above the largest hash");
        final List<Long> upperHalf = new java.util.ArrayList<>();
        index.ascending(1, 32, false, 0).forEach(e -> upperHalf.add(e.keyHash())); // top 6 bits 100000
        assertEquals(List.of(Long.MIN_VALUE), upperHalf);
        index.remove("k2");
        final List<Long> removed = new java.util.ArrayList<>();
        index.ascending(0, 0, true, 0x7FFF_FFFF_FFFF_FFFFL).forEach(e -> removed.add(e.keyHash()));
        assertEquals(List.of(-1L), removed);
    }

    @Test
    void shouldRoundTripBooks() {
        final NodeId author = NodeId.random(new SplittableRandom(1));
        codec.beginBooks(buf, 0, "shelf");
        codec.appendBook("k1".getBytes(StandardCharsets.UTF_8), author, "node-a".getBytes(StandardCharsets.UTF_8),
            42, 1_999, false, "{\"x\":1}".getBytes(StandardCharsets.UTF_8));
        final int p = codec.appendBook("k2".getBytes(StandardCharsets.UTF_8), author, new byte[0], 43, 2_000, true, new byte[0]);
        header(0, MessageType.BOOKS);
        final GossipCodec.Books b = decodeBooks(buf, 0, p);
        assertEquals("shelf", b.shelf());
        assertEquals(2, b.books().size());
        assertEquals("k1", b.books().get(0).key());
        assertEquals(author, b.books().get(0).authorId());
        assertEquals("node-a", b.books().get(0).authorName());
        assertEquals(42, b.books().get(0).version());
        assertEquals(1_000, b.books().get(0).ttlMs(), "whole seconds on the wire, rounded down: a copy never outlives its source");
        assertArrayEquals("{\"x\":1}".getBytes(StandardCharsets.UTF_8), b.books().get(0).data());
        assertTrue(b.books().get(1).tombstone());
        assertEquals(2_000, b.books().get(1).ttlMs());
        assertFalse(GossipCodec.worthSending(999), "less than a second left would go out as TTL 0, which receivers drop");
        assertTrue(GossipCodec.worthSending(1_000));
        for (int cut = 0; cut < p; cut++) {
            assertNull(decodeBooks(buf, 0, cut), "truncated at " + cut);
        }
    }

    @Test
    void shouldRejectKeysTheStoreWouldRefuse() {
        final NodeId author = NodeId.random(new SplittableRandom(4));
        final byte[] key255 = new byte[BookKey.MAX_BYTES];
        Arrays.fill(key255, (byte) 'k');
        codec.beginBooks(buf, 0, "s");
        int p = codec.appendBook(key255, author, new byte[0], 1, 1_000, false, "{}".getBytes(StandardCharsets.UTF_8));
        header(0, MessageType.BOOKS);
        assertEquals(new String(key255, StandardCharsets.UTF_8), decodeBooks(buf, 0, p).books().get(0).key(), "255 bytes: the limit");
        codec.beginBooks(buf, 0, "s");
        assertThrows(IllegalArgumentException.class, () -> codec.appendBook(Arrays.copyOf(key255, 256), author, new byte[0], 1,
            1_000, false, "{}".getBytes(StandardCharsets.UTF_8)), "one key limit on the wire and in shared-state (BookKey)");
        codec.beginBooks(buf, 0, "s");
        p = codec.appendBook(new byte[] {(byte) 0xC3, 0x28}, author, new byte[0], 1, 1_000, false, "{}".getBytes(StandardCharsets.UTF_8));
        assertNull(decodeBooks(buf, 0, p), "a key that is not UTF-8");
        codec.beginBooks(buf, 0, "s");
        p = codec.appendBook("k".getBytes(StandardCharsets.UTF_8), author, new byte[] {(byte) 0xFF}, 1, 1_000, false,
            "{}".getBytes(StandardCharsets.UTF_8));
        assertNull(decodeBooks(buf, 0, p), "an author name that is not UTF-8");
    }

    @Test
    void shouldRejectRandomJunkWithoutThrowing() {
        final SplittableRandom r = new SplittableRandom(7);
        final byte[] junk = new byte[300];
        final int[] types = {MessageType.SHELF_DIGEST, MessageType.BUCKET_DIGEST, MessageType.BOOK_REQUEST, MessageType.BOOKS};
        int decoded = 0;
        for (int i = 0; i < 20_000; i++) {
            r.nextBytes(junk);
            final UnsafeBuffer b = new UnsafeBuffer(junk);
            if (i % 2 == 0) {
                // A valid header, so the junk reaches the body checks and not just the magic byte.
                new HeaderFlyweight().wrap(b, 0).encode(types[r.nextInt(types.length)], 0, i, SENDER);
                b.putByte(H, (byte) r.nextInt(4)); // short counts and names make well-framed bodies likelier
            }
            final int len = r.nextInt(junk.length + 1);
            decoded += decodeAll(b, len);
        }
        // Mutations of valid frames: one byte changed anywhere in the body.
        final NodeId author = NodeId.random(r);
        for (int i = 0; i < 5_000; i++) {
            final int len = switch (i % 4) {
                case 0 -> H + codec.encodeShelfDigests(buf, 0, List.of(new GossipCodec.ShelfDigest("ab", 2, 3, 4)));
                case 1 -> H + codec.encodeBucketDigest(buf, 0, "ab", 1, 3, new int[64], new long[64]);
                case 2 -> H + codec.encodeBookRequest(buf, 0, "ab", 2, 9, new long[] {1}, new long[] {2});
                default -> {
                    codec.beginBooks(buf, 0, "ab");
                    yield codec.appendBook("k".getBytes(StandardCharsets.UTF_8), author, new byte[] {'a'}, 1, 5_000, false,
                        "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
                }
            };
            header(0, types[i % 4]);
            buf.putByte(H + r.nextInt(len - H), (byte) r.nextInt(256));
            decoded += decodeAll(buf, len);
        }
        assertTrue(decoded > 0, "some mutated frames are still valid");
    }

    private int decodeAll(final UnsafeBuffer b, final int len) {
        int ok = 0;
        ok += decodeShelfDigests(b, 0, len) != null ? 1 : 0;
        ok += decodeBucketDigest(b, 0, len) != null ? 1 : 0;
        ok += decodeBookRequest(b, 0, len) != null ? 1 : 0;
        ok += decodeBooks(b, 0, len) != null ? 1 : 0;
        return ok;
    }

    @Test
    void shouldRejectBadShelfName() {
        final int n = codec.encodeShelfDigests(buf, 0, List.of(new GossipCodec.ShelfDigest("ok", 1, 1, 1)));
        header(0, MessageType.SHELF_DIGEST);
        assertNotNull(decodeShelfDigests(buf, 0, H + n));
        buf.putByte(H + 2, (byte) '/');
        assertNull(decodeShelfDigests(buf, 0, H + n));
    }

    @Test
    void shouldReadBooksWrittenByTheWireFlyweight() {
        final NodeId author = NodeId.random(new SplittableRandom(5));
        final BooksFlyweight k = new BooksFlyweight().wrap(buf, 0).header(0, 1, SENDER);
        k.encode("s".getBytes(StandardCharsets.US_ASCII));
        final int len = k.appendBook("key".getBytes(StandardCharsets.UTF_8), author, "a".getBytes(StandardCharsets.UTF_8), 3, 60,
            BooksFlyweight.FLAG_TOMBSTONE, new byte[0]);
        final GossipCodec.WireBook b = decodeBooks(buf, 0, len).books().get(0);
        assertEquals("key", b.key());
        assertEquals(60_000, b.ttlMs());
        assertTrue(b.tombstone());
    }
}
