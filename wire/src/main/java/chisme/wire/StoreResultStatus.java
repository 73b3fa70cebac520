package chisme.wire;

/** Status codes of STORE_RESULT (0x08). Unknown codes decode fine and are reported by {@link #name}. */
public final class StoreResultStatus {
    public static final int OK = 0;
    /** The token was not issued to this requester's address, or has expired (BEP 5). */
    public static final int BAD_TOKEN = 1;
    /** Value longer than {@link WireLimits#MAX_VALUE} or than the receiver accepts. */
    public static final int TOO_LARGE = 2;
    /** The receiver's store quota is used up. */
    public static final int STORE_FULL = 3;
    /** The key is not the SHA-1 of the value. */
    public static final int KEY_MISMATCH = 4;
    public static final int RATE_LIMITED = 5;
    public static final int BAD_REQUEST = 6;

    private StoreResultStatus() {
    }

    public static String name(final int status) {
        return switch (status) {
            case OK -> "OK";
            case BAD_TOKEN -> "BAD_TOKEN";
            case TOO_LARGE -> "TOO_LARGE";
            case STORE_FULL -> "STORE_FULL";
            case KEY_MISMATCH -> "KEY_MISMATCH";
            case RATE_LIMITED -> "RATE_LIMITED";
            case BAD_REQUEST -> "BAD_REQUEST";
            default -> "UNKNOWN";
        };
    }
}
