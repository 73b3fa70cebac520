package chisme.wire;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one shelf-name rule and the one book-key limit, at their boundaries, on the encode and decode side. */
class NameAndKeyLimitTest {
    private final UnsafeBuffer b = new UnsafeBuffer(new byte[4096]);

    private int books(final int keyBytes) {
        final byte[] key = new byte[keyBytes];
        Arrays.fill(key, (byte) 'k');
        final BooksFlyweight f = new BooksFlyweight().wrap(b, 0).header(0, 1, Frames.SENDER);
        f.encode(Frames.SHELF);
        return f.appendBook(key, Frames.OTHER, "host".getBytes(StandardCharsets.UTF_8), 1, 60, 0, Frames.VALUE);
    }

    @Test
    void shouldAcceptA255ByteKeyAndRefuse256OnBothSides() {
        assertEquals(255, BookKey.MAX_BYTES);
        assertEquals(DecodeReason.OK, MessageDecoder.validate(b, 0, books(255)));
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> books(256));
        assertTrue(e.getMessage().contains("1-255 UTF-8 bytes"), e.getMessage());
        // A 256-byte key written by another implementation: the decoder drops the frame.
        final int len = books(255);
        final int book = new BooksFlyweight().wrap(b, 0).firstBook();
        final byte[] tail = new byte[len - book - 2 - 255];
        b.getBytes(book + 2 + 255, tail);
        b.putShort(book, (short) 256, ByteOrder.LITTLE_ENDIAN);
        b.putByte(book + 2 + 255, (byte) 'k');
        b.putBytes(book + 2 + 256, tail);
        assertEquals(DecodeReason.TOO_LARGE, MessageDecoder.validate(b, 0, len + 1));
    }

    @Test
    void shouldStateTheKeyRuleInUtf8Bytes() {
        assertTrue(BookKey.valid("k".repeat(255)));
        assertFalse(BookKey.valid("k".repeat(256)));
        assertFalse(BookKey.valid(""));
        assertFalse(BookKey.valid("\u00e9".repeat(128)), "128 two-byte characters are 256 bytes");
    }

    @Test
    void shouldApplyOneShelfNameRule() {
        assertTrue(ShelfName.valid("a".repeat(64)));
        assertFalse(ShelfName.valid("a".repeat(65)));
        assertFalse(ShelfName.valid(""));
        assertFalse(ShelfName.valid("bad name"));
        assertFalse(ShelfName.valid("caf\u00e9"));
        assertTrue(ShelfName.valid("dnsmasq-leases_2"));
        assertTrue("A-z_09".matches(ShelfName.PATTERN));
        assertFalse("a".repeat(65).matches(ShelfName.PATTERN));
        final byte[] bad = "a b".getBytes(StandardCharsets.US_ASCII);
        assertThrows(IllegalArgumentException.class, () -> new BooksFlyweight().wrap(b, 0).encode(bad));
        b.putBytes(0, bad);
        assertFalse(ShelfName.valid(b, 0, bad.length));
    }
}
