package chisme.store;

import java.nio.file.Path;

/**
 * A store could not be opened or used: incompatible format version, corrupt file, bad configuration.
 * The message is one line and names the file concerned, so an operator can act on it. Never thrown for an
 * expected condition such as a full store (see {@link StoreStatus}).
 */
public final class StoreException extends RuntimeException {
    private final Path file;

    public StoreException(final Path file, final String message) {
        super(file == null ? message : file + ": " + message);
        this.file = file;
    }

    public StoreException(final Path file, final String message, final Throwable cause) {
        super(file == null ? message : file + ": " + message, cause);
        this.file = file;
    }

    /** The file concerned, or null for a configuration error. */
    public Path file() {
        return file;
    }
}
