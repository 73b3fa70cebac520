package chisme.node.sharedstate;

import java.nio.charset.StandardCharsets;

/** Validation of shelf names and book keys (libremesh-shared-state.md: type names are [a-zA-Z0-9_-]+). */
public final class ShelfNames {
    /** Longest shelf name (docs/wire.md: name length u8, at most 64). */
    public static final int MAX_SHELF_NAME = 64;
    /** Longest book key in UTF-8 bytes (docs/wire.md: key length). */
    public static final int MAX_KEY_BYTES = 255;

    private ShelfNames() {
    }

    /** True when {@code name} is 1..64 characters of [A-Za-z0-9_-]. */
    public static boolean valid(final CharSequence name) {
        if (name == null || name.isEmpty() || name.length() > MAX_SHELF_NAME) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (!validChar(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    static boolean validChar(final int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    }

    /** Throws INVALID_SHELF_NAME unless {@link #valid}. */
    public static String require(final String name) {
        if (!valid(name)) {
            throw new SharedStateException(SharedStateException.Code.INVALID_SHELF_NAME,
                "invalid shelf name '" + abbreviate(name) + "': use 1-64 characters of [A-Za-z0-9_-]");
        }
        return name;
    }

    /** Throws INVALID_KEY for an empty key or one over 255 UTF-8 bytes. */
    public static String requireKey(final String key) {
        final int n = key.getBytes(StandardCharsets.UTF_8).length;
        if (n == 0 || n > MAX_KEY_BYTES) {
            throw new SharedStateException(SharedStateException.Code.INVALID_KEY,
                "invalid book key '" + abbreviate(key) + "': must be 1-255 UTF-8 bytes");
        }
        return key;
    }

    static String abbreviate(final String s) {
        if (s == null) {
            return "null";
        }
        final String t = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return t.replaceAll("[\\p{Cntrl}]", "?");
    }
}
