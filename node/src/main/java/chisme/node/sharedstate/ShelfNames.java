package chisme.node.sharedstate;

import chisme.wire.BookKey;
import chisme.wire.ShelfName;

/**
 * Shared-state's errors for the one shelf-name rule ({@link ShelfName}) and key limit ({@link BookKey}) of
 * chisme.wire: the rules live there, this class only turns a break into a {@link SharedStateException}.
 */
public final class ShelfNames {
    private ShelfNames() {
    }

    /** True when {@code name} follows {@link ShelfName}. */
    public static boolean valid(final CharSequence name) {
        return ShelfName.valid(name);
    }

    /** Throws INVALID_SHELF_NAME unless {@link #valid}. */
    public static String require(final String name) {
        if (!valid(name)) {
            throw new SharedStateException(SharedStateException.Code.INVALID_SHELF_NAME,
                "invalid shelf name '" + abbreviate(name) + "': use " + ShelfName.RULE);
        }
        return name;
    }

    /** Throws INVALID_KEY unless the key is {@link BookKey#RULE}. */
    public static String requireKey(final String key) {
        if (!BookKey.valid(key)) {
            throw new SharedStateException(SharedStateException.Code.INVALID_KEY,
                "invalid book key '" + abbreviate(key) + "': must be " + BookKey.RULE);
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
