package chisme.node.sharedstate;

import chisme.wire.NodeId;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GossipCodecTest {
    private final UnsafeBuffer buf = new UnsafeBuffer(new byte[70_000]);

    @Test
    void shouldRoundTripShelfDigests() {
        final List<GossipCodec.ShelfDigest> in = List.of(new GossipCodec.ShelfDigest("pirania", 3, 1, -2), new GossipCodec.ShelfDigest("a-b_c", 0, 0, 0));
        final int n = GossipCodec.encodeShelfDigests(buf, 5, in);
        assertEquals(1 + 21 + 7 + 21 + 5, n);
        assertEquals(in, GossipCodec.decodeShelfDigests(buf, 5, n));
        assertNull(GossipCodec.decodeShelfDigests(buf, 5, n - 1), "truncated");
        assertNull(GossipCodec.decodeShelfDigests(buf, 5, n + 1), "trailing byte");
    }

    @Test
    void shouldRoundTripBucketDigest() {
        final int[] counts = new int[64];
        final long[] hashes = new long[64];
        counts[3] = 9;
        hashes[3] = 77;
        final int n = GossipCodec.encodeBucketDigest(buf, 0, "s", 2, 0xABC, counts, hashes);
        final GossipCodec.BucketDigest d = GossipCodec.decodeBucketDigest(buf, 0, n);
        assertEquals(2, d.level());
        assertEquals(0xABC, d.prefix());
        assertArrayEquals(counts, d.counts());
        assertArrayEquals(hashes, d.hashes());
        assertEquals(12, buf.getByte(2), "wire.md level = prefix bits");
        assertEquals(0xABC << 20, buf.getInt(3, java.nio.ByteOrder.LITTLE_ENDIAN), "prefix left-aligned as wire.md says");
        final int m = GossipCodec.encodeBucketDigest(buf, 0, "s", 1, 5, null, null);
        buf.putByte(2, (byte) 7);
        assertNull(GossipCodec.decodeBucketDigest(buf, 0, m), "levels are whole 6-bit steps");
        buf.putByte(2, (byte) 6);
        buf.putInt(3, (5 << 26) | 1, java.nio.ByteOrder.LITTLE_ENDIAN);
        assertNull(GossipCodec.decodeBucketDigest(buf, 0, m), "bits below the prefix must be zero");
    }

    @Test
    void shouldRoundTripBookRequest() {
        final int n = GossipCodec.encodeBookRequest(buf, 0, "s", 1, 5, new long[]{1, 2}, new long[]{3, 4});
        final GossipCodec.BookRequest r = GossipCodec.decodeBookRequest(buf, 0, n);
        assertArrayEquals(new long[]{1, 2}, r.keyHashes());
        assertArrayEquals(new long[]{3, 4}, r.entryHashes());
        assertNull(GossipCodec.decodeBookRequest(buf, 0, n - 3));
    }

    @Test
    void shouldRoundTripBooks() {
        final NodeId author = NodeId.random(new SplittableRandom(1));
        int p = GossipCodec.startBooks(buf, 0, "shelf");
        p = GossipCodec.putBook(buf, p, "k1".getBytes(StandardCharsets.UTF_8), author, "node-a".getBytes(StandardCharsets.UTF_8),
            42, 1_500, false, "{\"x\":1}".getBytes(StandardCharsets.UTF_8));
        p = GossipCodec.putBook(buf, p, "k2".getBytes(StandardCharsets.UTF_8), author, new byte[0], 43, 9, true, new byte[0]);
        GossipCodec.finishBooks(buf, 0, "shelf", 2);
        final GossipCodec.Books b = GossipCodec.decodeBooks(buf, 0, p);
        assertEquals(2, b.books().size());
        assertEquals("k1", b.books().get(0).key());
        assertEquals(author, b.books().get(0).authorId());
        assertEquals("node-a", b.books().get(0).authorName());
        assertEquals(42, b.books().get(0).version());
        assertEquals(2_000, b.books().get(0).ttlMs(), "whole seconds on the wire, rounded up");
        assertTrue(b.books().get(1).tombstone());
        for (int cut = 0; cut < p; cut++) {
            assertNull(GossipCodec.decodeBooks(buf, 0, cut), "truncated at " + cut);
        }
    }

    @Test
    void shouldRejectRandomJunkWithoutThrowing() {
        final SplittableRandom r = new SplittableRandom(7);
        final byte[] junk = new byte[300];
        for (int i = 0; i < 20_000; i++) {
            r.nextBytes(junk);
            final UnsafeBuffer b = new UnsafeBuffer(junk);
            final int len = r.nextInt(junk.length + 1);
            GossipCodec.decodeShelfDigests(b, 0, len);
            GossipCodec.decodeBucketDigest(b, 0, len);
            GossipCodec.decodeBookRequest(b, 0, len);
            GossipCodec.decodeBooks(b, 0, len);
        }
    }

    @Test
    void shouldRejectBadShelfName() {
        final int n = GossipCodec.encodeShelfDigests(buf, 0, List.of(new GossipCodec.ShelfDigest("ok", 1, 1, 1)));
        buf.putByte(2, (byte) '/');
        assertNull(GossipCodec.decodeShelfDigests(buf, 0, n));
    }
}
