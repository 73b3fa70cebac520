package chisme.wire;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.zip.Deflater;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The catch-up additions of docs/wire.md: BOOK_REQUEST with a cursor (FLAG_CONTINUED), BOOKS with a raw
 * DEFLATE body (FLAG_DEFLATED) and the bounded inflater, plus their checked-in vectors.
 */
class CatchUpFramesTest {
    private static final int BODY_BOUND = WireLimits.MAX_MESSAGE - HeaderFlyweight.LENGTH;

    static byte[] vector(final String name) throws IOException {
        try (InputStream in = CatchUpFramesTest.class.getResourceAsStream("/vectors/" + name)) {
            assertNotNull(in, "missing vector " + name);
            final StringBuilder hex = new StringBuilder();
            for (final String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                final int hash = line.indexOf('#');
                hex.append((hash >= 0 ? line.substring(0, hash) : line).replaceAll("\\s", ""));
            }
            return HexFormat.of().parseHex(hex);
        }
    }

    /** The continued request of book_request_continued.hex: range 0b101010, cursor, one pair. */
    static int continuedSample(final UnsafeBuffer b) {
        final BookRequestFlyweight r = new BookRequestFlyweight().wrap(b, 0).header(0, Frames.TX, Frames.SENDER);
        final int len = r.encodeRangeAfter(Frames.SHELF, 6, 0xA8000000, 0xA955555555555555L, 1);
        r.putPair(0, 0x0A0B0C0D0E0F1011L, -2L);
        return len;
    }

    @Test
    void shouldEncodeTheContinuedRequestVectorExactly() throws IOException {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[256]);
        final int len = continuedSample(b);
        assertArrayEquals(vector("book_request_continued.hex"), Arrays.copyOf(b.byteArray(), len));
    }

    @Test
    void shouldDecodeTheContinuedRequestVector() throws IOException {
        final byte[] v = vector("book_request_continued.hex");
        final UnsafeBuffer b = new UnsafeBuffer(v);
        assertEquals(DecodeReason.OK, MessageDecoder.validate(b, 0, v.length));
        final BookRequestFlyweight r = new BookRequestFlyweight().wrap(b, 0);
        assertTrue(r.continued());
        assertTrue(r.isRangeRequest());
        assertEquals(4, r.count());
        assertEquals(6, r.rangePrefixBits());
        assertEquals(0xA8000000, r.rangePrefix());
        assertEquals(0xA955555555555555L, r.cursor());
        assertEquals(1, r.pairCount());
        assertEquals(0x0A0B0C0D0E0F1011L, r.pairKeyHash(0));
        assertEquals(-2L, r.pairEntryHash(0));
    }

    @Test
    void shouldCheckWordParityByTheContinuedFlag() {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[256]);
        final BookRequestFlyweight r = new BookRequestFlyweight().wrap(b, 0).header(0, 1, Frames.SENDER);
        r.encodeRangeAfter(Frames.SHELF, 0, 0, 5, 0);
        assertTrue(r.isRangeRequest(), "range + cursor, no pairs");
        assertEquals(0, r.pairCount());
        r.encode(Frames.SHELF, 3); // odd count with the flag still set: range, cursor and half a pair
        assertFalse(r.isRangeRequest());
        r.encode(Frames.SHELF, 1); // the range word only: the cursor is missing
        assertFalse(r.isRangeRequest());
        r.encodeRange(Frames.SHELF, 0, 0, 2);
        assertFalse(r.continued(), "encodeRange clears the flag");
        assertTrue(r.isRangeRequest());
        b.putByte(HeaderFlyweight.FLAGS_OFFSET, (byte) HeaderFlyweight.FLAG_CONTINUED); // 5 words with the flag: not whole pairs after the cursor
        assertFalse(r.isRangeRequest());
    }

    @Test
    void shouldRefuseDeflatedOnAnyTypeButBooks() {
        for (final int type : Frames.TYPES) {
            final UnsafeBuffer b = new UnsafeBuffer(new byte[WireLimits.MAX_MESSAGE]);
            final int len = Frames.sample(type, b);
            b.putByte(HeaderFlyweight.FLAGS_OFFSET, (byte) HeaderFlyweight.FLAG_DEFLATED);
            // A FRAGMENT keeps its original's flags: a piece of a deflated BOOKS is a valid fragment.
            final int expected = type == MessageType.BOOKS || type == MessageType.FRAGMENT ? DecodeReason.OK : DecodeReason.BAD_FLAGS;
            assertEquals(expected, MessageDecoder.validate(b, 0, len), MessageType.name(type));
        }
        final UnsafeBuffer empty = new UnsafeBuffer(new byte[HeaderFlyweight.LENGTH]);
        new HeaderFlyweight().wrap(empty, 0).encode(MessageType.BOOKS, HeaderFlyweight.FLAG_DEFLATED, 1, Frames.SENDER);
        assertEquals(DecodeReason.TOO_SHORT, MessageDecoder.validate(empty, 0, HeaderFlyweight.LENGTH), "no stream at all");
        assertEquals("BAD_FLAGS", DecodeReason.name(DecodeReason.BAD_FLAGS));
        assertEquals(12, DecodeReason.COUNT);
    }

    @Test
    void shouldInflateTheDeflatedBooksVectorToThePlainBooksBody() throws IOException {
        final byte[] deflated = vector("books_deflated.hex");
        final byte[] plain = VectorTest.load(MessageType.BOOKS);
        final UnsafeBuffer b = new UnsafeBuffer(deflated);
        assertEquals(DecodeReason.OK, MessageDecoder.validate(b, 0, deflated.length));
        final HeaderFlyweight h = new HeaderFlyweight().wrap(b, 0);
        assertTrue(h.deflated());
        assertEquals(MessageType.BOOKS, h.type());
        final UnsafeBuffer out = new UnsafeBuffer(new byte[WireLimits.MAX_MESSAGE]);
        final BodyInflater inflater = new BodyInflater();
        assertEquals(DecodeReason.OK, inflater.inflate(b, HeaderFlyweight.LENGTH, deflated.length - HeaderFlyweight.LENGTH,
            out, HeaderFlyweight.LENGTH, BODY_BOUND));
        assertArrayEquals(Arrays.copyOfRange(plain, HeaderFlyweight.LENGTH, plain.length),
            Arrays.copyOfRange(out.byteArray(), HeaderFlyweight.LENGTH, HeaderFlyweight.LENGTH + inflater.length()));
    }

    @Test
    void shouldRoundTripBodiesThroughDeflaterAndInflater() {
        final SplittableRandom r = new SplittableRandom(5);
        final BodyDeflater deflater = new BodyDeflater(Deflater.BEST_SPEED);
        final BodyInflater inflater = new BodyInflater();
        for (final int size : new int[] {1, 100, 5_000, 60_000, BODY_BOUND}) {
            final byte[] body = new byte[size];
            for (int i = 0; i < size; i++) {
                body[i] = (byte) ("{\"host\":\"node-\"}".charAt(r.nextInt(16)) + (r.nextInt(8) == 0 ? r.nextInt(3) : 0));
            }
            final ExpandableArrayBuffer stream = new ExpandableArrayBuffer(16);
            final int n = deflater.deflate(new UnsafeBuffer(body), 0, size, stream, 7, WireLimits.MAX_MESSAGE);
            assertTrue(n > 0, "deflated " + size);
            // Input from a direct buffer (copied), output into an expandable one (grown).
            final UnsafeBuffer direct = new UnsafeBuffer(ByteBuffer.allocateDirect(n));
            direct.putBytes(0, stream, 7, n);
            final ExpandableArrayBuffer out = new ExpandableArrayBuffer(16);
            assertEquals(DecodeReason.OK, inflater.inflate(direct, 0, n, out, 3, BODY_BOUND));
            assertEquals(size, inflater.length());
            assertArrayEquals(body, Arrays.copyOfRange(out.byteArray(), 3, 3 + size));
        }
        assertEquals(-1, deflater.deflate(new UnsafeBuffer(new byte[1000]), 0, 1000, new UnsafeBuffer(new byte[64]), 0, 3),
            "a stream longer than allowed is refused, not cut");
    }

    @Test
    void shouldDropADeflateBombWithoutWritingPastTheBound() {
        final byte[] zeros = new byte[1_000_000];
        final UnsafeBuffer bomb = new UnsafeBuffer(new byte[8_192]);
        final int n = new BodyDeflater(Deflater.BEST_COMPRESSION).deflate(new UnsafeBuffer(zeros), 0, zeros.length, bomb, 0, 8_192);
        assertTrue(n > 0 && n < 2_000, "1 MB of zeros deflates to ~1 KB, got " + n);
        final byte[] out = new byte[BODY_BOUND + 100];
        Arrays.fill(out, (byte) 0x55);
        final BodyInflater inflater = new BodyInflater();
        assertEquals(DecodeReason.TOO_LARGE, inflater.inflate(bomb, 0, n, new UnsafeBuffer(out), 0, BODY_BOUND));
        assertEquals(0, inflater.length());
        for (int i = BODY_BOUND; i < out.length; i++) {
            assertEquals(0x55, out[i] & 0xFF, "wrote past the bound at " + i);
        }
    }

    @Test
    void shouldDropTruncatedCorruptAndTrailingStreams() {
        final byte[] body = "{\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5}".repeat(40).getBytes(StandardCharsets.US_ASCII);
        final UnsafeBuffer stream = new UnsafeBuffer(new byte[4_096]);
        final int n = new BodyDeflater(6).deflate(new UnsafeBuffer(body), 0, body.length, stream, 0, 4_000);
        final BodyInflater inflater = new BodyInflater();
        final UnsafeBuffer out = new UnsafeBuffer(new byte[BODY_BOUND]);
        assertEquals(DecodeReason.OK, inflater.inflate(stream, 0, n, out, 0, BODY_BOUND));
        for (int cut = 0; cut < n; cut++) {
            assertEquals(DecodeReason.BAD_LENGTH, inflater.inflate(stream, 0, cut, out, 0, BODY_BOUND),
                "truncated at " + cut);
        }
        assertEquals(DecodeReason.BAD_LENGTH, inflater.inflate(stream, 0, n + 1, out, 0, BODY_BOUND), "a trailing byte");
        assertEquals(DecodeReason.TOO_LARGE, inflater.inflate(stream, 0, n, out, 0, body.length - 1), "one byte over the bound");
        assertEquals(DecodeReason.OK, inflater.inflate(stream, 0, n, out, 0, body.length), "exactly the bound");
        final UnsafeBuffer garbage = new UnsafeBuffer(new byte[] {(byte) 0xFF, (byte) 0xFF, 1, 2, 3, 4});
        assertEquals(DecodeReason.BAD_LENGTH, inflater.inflate(garbage, 0, 6, out, 0, BODY_BOUND), "reserved block type 3");
        assertEquals(DecodeReason.BAD_LENGTH, inflater.inflate(garbage, 0, 0, out, 0, BODY_BOUND), "empty");
    }
}
