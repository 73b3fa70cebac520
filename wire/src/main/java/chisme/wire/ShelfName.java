package chisme.wire;

import org.agrona.DirectBuffer;

/**
 * The shelf-name rule, stated once for every layer (wire decoder and encoders, store, node, config, CLI):
 * 1..{@value WireLimits#MAX_SHELF_NAME} bytes of {@code [A-Za-z0-9_-]}. LibreMesh names its data types
 * {@code [a-zA-Z0-9_-]+} (docs/libremesh.md); the wire gives the name a u8 length and caps it at 64 so a
 * SHELF_DIGEST entry stays small. The charset is ASCII, so a name's characters are its bytes.
 */
public final class ShelfName {
    /** The rule as a regular expression (picocli, config files). */
    public static final String PATTERN = "[A-Za-z0-9_-]{1," + WireLimits.MAX_SHELF_NAME + "}";
    /** The rule in words, for one-line errors. */
    public static final String RULE = "1-" + WireLimits.MAX_SHELF_NAME + " characters of [A-Za-z0-9_-]";

    private ShelfName() {
    }

    /** True if the byte (or char) is in the charset {@code [A-Za-z0-9_-]}. */
    public static boolean isNameByte(final int b) {
        return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '_' || b == '-';
    }

    /** True when {@code name} follows the rule. */
    public static boolean valid(final CharSequence name) {
        if (name == null || name.isEmpty() || name.length() > WireLimits.MAX_SHELF_NAME) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (!isNameByte(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** True when the {@code length} bytes at {@code index} (known to lie inside the buffer) follow the rule. */
    public static boolean valid(final DirectBuffer buffer, final int index, final int length) {
        if (length < 1 || length > WireLimits.MAX_SHELF_NAME) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (!isNameByte(buffer.getByte(index + i) & 0xFF)) {
                return false;
            }
        }
        return true;
    }

    /** Encode side: throws IllegalArgumentException if {@code name} does not follow the rule. */
    static void check(final byte[] name) {
        if (name.length < 1 || name.length > WireLimits.MAX_SHELF_NAME) {
            throw new IllegalArgumentException("a shelf name is 1.." + WireLimits.MAX_SHELF_NAME + " bytes, got " + name.length);
        }
        for (final byte b : name) {
            if (!isNameByte(b & 0xFF)) {
                throw new IllegalArgumentException("a shelf name is [A-Za-z0-9_-], got byte " + (b & 0xFF));
            }
        }
    }

    /** True if the {@code length} bytes at {@code index} equal {@code name}; no allocation. */
    static boolean equals(final DirectBuffer buffer, final int index, final int length, final byte[] name) {
        if (length != name.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (buffer.getByte(index + i) != name[i]) {
                return false;
            }
        }
        return true;
    }
}
