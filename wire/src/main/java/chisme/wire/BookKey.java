package chisme.wire;

import java.nio.charset.StandardCharsets;

/**
 * The book-key limit, stated once for every layer (BOOKS decoder and encoder, store, node, CLI): a key is
 * 1..{@value WireLimits#MAX_BOOK_KEY} bytes of UTF-8. LibreMesh keys are chosen by the publisher (IPv4/MAC
 * addresses, host names of at most 253 bytes, Pirania voucher hashes: docs/libremesh.md), so 255 is ample;
 * the BOOKS key-length field is a u16, but a longer key is refused on the wire (TOO_LARGE) as at the API.
 */
public final class BookKey {
    /** Longest key in UTF-8 bytes. */
    public static final int MAX_BYTES = WireLimits.MAX_BOOK_KEY;
    /** The rule in words, for one-line errors. */
    public static final String RULE = "1-" + MAX_BYTES + " UTF-8 bytes";

    private BookKey() {
    }

    /** True for a key length in bytes of 1..{@link #MAX_BYTES}. */
    public static boolean validLength(final int bytes) {
        return bytes >= 1 && bytes <= MAX_BYTES;
    }

    /** True when {@code key} is 1..{@link #MAX_BYTES} bytes once encoded as UTF-8. */
    public static boolean valid(final String key) {
        return key != null && validLength(utf8Length(key));
    }

    /** Bytes of {@code key} in UTF-8. */
    public static int utf8Length(final String key) {
        return key.getBytes(StandardCharsets.UTF_8).length;
    }
}
