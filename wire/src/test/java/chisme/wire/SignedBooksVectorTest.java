package chisme.wire;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The signed book of issue 12 (flag SIGNED, a 102-byte block after the data): vector
 * vectors/books-signed.hex, and the decoder's checks of the block. The unsigned vector books.hex is
 * unchanged: a book without the flag has the old layout byte for byte.
 */
class SignedBooksVectorTest {
    private static byte[] block() {
        final byte[] b = new byte[BooksFlyweight.SIGNATURE_LENGTH];
        new UnsafeBuffer(b).putInt(0, 3600, ByteOrder.LITTLE_ENDIAN);
        Arrays.fill(b, 4, 36, (byte) 0x11);
        Arrays.fill(b, 36, 100, (byte) 0x22);
        return b;
    }

    private static byte[] load() throws IOException {
        return VectorTest.load("books-signed.hex");
    }

    @Test
    void shouldEncodeAndDecodeTheSignedVector() throws IOException {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[WireLimits.MAX_MESSAGE]);
        final BooksFlyweight k = new BooksFlyweight().wrap(b, 0).header(0, Frames.TX, Frames.SENDER);
        k.encode(Frames.SHELF);
        final int len = k.appendBook("10.13.0.5".getBytes(StandardCharsets.UTF_8), Frames.OTHER, "node-a".getBytes(StandardCharsets.UTF_8),
            7, 30, 0, "{\"ip\":\"10.13.0.5\"}".getBytes(StandardCharsets.UTF_8), block());
        final byte[] vector = load();
        assertArrayEquals(vector, Arrays.copyOf(b.byteArray(), len));
        final UnsafeBuffer v = new UnsafeBuffer(vector);
        assertEquals(DecodeReason.OK, MessageDecoder.validate(v, 0, vector.length));
        final BooksFlyweight r = new BooksFlyweight().wrap(v, 0);
        final int book = r.firstBook();
        assertTrue(r.bookSigned(book));
        assertArrayEquals(block(), r.copyBookSignature(book));
        assertEquals(vector.length, r.nextBook(book));
        assertEquals(vector.length, r.length());
    }

    @Test
    void shouldDropASignedBookWithoutItsBlockOrMarker() throws IOException {
        final byte[] vector = load();
        // Block cut short.
        assertEquals(DecodeReason.BAD_LENGTH, MessageDecoder.validate(new UnsafeBuffer(vector), 0, vector.length - 1));
        // Marker damaged.
        final byte[] badMarker = vector.clone();
        badMarker[vector.length - BooksFlyweight.SIGNED_EXTRA_LENGTH] = 0;
        assertEquals(DecodeReason.BAD_LENGTH, MessageDecoder.validate(new UnsafeBuffer(badMarker), 0, badMarker.length));
        // The flag cleared (what a decoder that predates it sees): 102 bytes too many, dropped, never misread.
        final UnsafeBuffer v = new UnsafeBuffer(vector.clone());
        final BooksFlyweight r = new BooksFlyweight().wrap(v, 0);
        final int flagsAt = r.bookDataOffset(r.firstBook()) - 5;
        v.putByte(flagsAt, (byte) 0);
        assertEquals(DecodeReason.BAD_LENGTH, MessageDecoder.validate(v, 0, vector.length));
    }
}
