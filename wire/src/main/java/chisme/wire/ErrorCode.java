package chisme.wire;

/** Codes of ERROR (0x09), numbered as BEP 5 KRPC errors (201-204) plus chisme's own from 205. */
public final class ErrorCode {
    public static final int GENERIC = 201;
    public static final int SERVER = 202;
    /** Malformed request: the frame validated but its content makes no sense. */
    public static final int PROTOCOL = 203;
    /** A request type the node does not serve. */
    public static final int METHOD_UNKNOWN = 204;
    public static final int RATE_LIMITED = 205;
    /** The request needs a message larger than the node will send. */
    public static final int TOO_LARGE = 206;
    /**
     * The answer is longer than the requester's address may receive before it has proved that it receives
     * what we send (issue 12 item 5, QUIC's 3x rule): answer our PING, then ask again.
     */
    public static final int UNVERIFIED = 207;

    private ErrorCode() {
    }

    public static String name(final int code) {
        return switch (code) {
            case GENERIC -> "GENERIC";
            case SERVER -> "SERVER";
            case PROTOCOL -> "PROTOCOL";
            case METHOD_UNKNOWN -> "METHOD_UNKNOWN";
            case RATE_LIMITED -> "RATE_LIMITED";
            case TOO_LARGE -> "TOO_LARGE";
            case UNVERIFIED -> "UNVERIFIED";
            default -> "UNKNOWN";
        };
    }
}
