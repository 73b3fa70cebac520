package chisme.node.admin;

/** A failed admin operation, turned into one error reply by the server (style.md: typed, caught once). */
public final class AdminException extends Exception {
    private static final long serialVersionUID = 1L;
    private final AdminError code;

    public AdminException(final AdminError code, final String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public AdminError code() {
        return code;
    }
}
