package chisme.tools;

/** A command failure: printed as one line {@code chisme: MESSAGE} on stderr, exits with {@link #exitCode()}. */
public final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    public CliException(final int exitCode, final String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
