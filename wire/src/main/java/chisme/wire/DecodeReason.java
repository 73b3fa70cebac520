package chisme.wire;

/**
 * Result codes of {@link MessageDecoder#validate}: {@link #OK} or why a frame was dropped. Receivers count
 * drops per reason (an array indexed by reason, {@link #COUNT} long).
 */
public final class DecodeReason {
    public static final int OK = 0;
    /** Shorter than the 32-byte header, or than the fixed part of its type's body. */
    public static final int TOO_SHORT = 1;
    public static final int BAD_MAGIC = 2;
    /** A version other than {@link HeaderFlyweight#VERSION}: version 1 accepts only version 1. */
    public static final int BAD_VERSION = 3;
    public static final int UNKNOWN_TYPE = 4;
    /**
     * A length or count field points past the end, or the frame has trailing bytes; for a deflated body
     * ({@link BodyInflater}): a truncated or corrupt stream, or bytes after its end.
     */
    public static final int BAD_LENGTH = 5;
    /** NODES with more than {@link WireLimits#MAX_CONTACTS} contacts. */
    public static final int TOO_MANY_CONTACTS = 6;
    /** PONG endpoint family other than 4 or 6. */
    public static final int BAD_FAMILY = 7;
    /** Shelf name empty, longer than 64 bytes or outside {@code [A-Za-z0-9_-]}. */
    public static final int BAD_NAME = 8;
    /** A value, message, count or level above its limit in {@link WireLimits}; a deflated body inflating past its bound. */
    public static final int TOO_LARGE = 9;
    /** FRAGMENT fields inconsistent (index >= count, count < 2, payload larger than the total ...). */
    public static final int BAD_FRAGMENT = 10;
    /** A flag bit not allowed on the frame's type ({@link HeaderFlyweight#FLAG_DEFLATED} on anything but BOOKS or a FRAGMENT of one). */
    public static final int BAD_FLAGS = 11;

    /** Number of reasons including OK: size of a per-reason counter array. */
    public static final int COUNT = 12;

    private DecodeReason() {
    }

    /** Constant name of a reason, for counters and logs; never allocates for known reasons. */
    public static String name(final int reason) {
        return switch (reason) {
            case OK -> "OK";
            case TOO_SHORT -> "TOO_SHORT";
            case BAD_MAGIC -> "BAD_MAGIC";
            case BAD_VERSION -> "BAD_VERSION";
            case UNKNOWN_TYPE -> "UNKNOWN_TYPE";
            case BAD_LENGTH -> "BAD_LENGTH";
            case TOO_MANY_CONTACTS -> "TOO_MANY_CONTACTS";
            case BAD_FAMILY -> "BAD_FAMILY";
            case BAD_NAME -> "BAD_NAME";
            case TOO_LARGE -> "TOO_LARGE";
            case BAD_FRAGMENT -> "BAD_FRAGMENT";
            case BAD_FLAGS -> "BAD_FLAGS";
            default -> "UNKNOWN";
        };
    }
}
