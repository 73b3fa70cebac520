package chisme.node.sharedstate;

/**
 * A refused shared-state operation (bad JSON, bad shelf name, book too large, shelf full...). The message
 * is one line, fit to print as a CLI error; {@link #code()} says which rule was broken. Nothing was
 * stored when this is thrown: every operation validates all its input before writing.
 */
public final class SharedStateException extends RuntimeException {
    /** Why an operation was refused. */
    public enum Code {
        /** The text is not valid JSON (or has trailing content). */
        INVALID_JSON,
        /** Valid JSON of the wrong shape, e.g. an array where an object is needed. */
        WRONG_JSON_TYPE,
        /** Shelf name breaking {@link chisme.wire.ShelfName}: [A-Za-z0-9_-]{1,64}. */
        INVALID_SHELF_NAME,
        /** Book key empty or longer than 255 UTF-8 bytes. */
        INVALID_KEY,
        /** Book data over the shelf's maximum book size. */
        BOOK_TOO_LARGE,
        /** The shelf holds its maximum number of books. */
        SHELF_FULL,
        /** The book store refused the write (quota). */
        STORE_FULL,
        /** The node did not answer in time or is stopped. */
        UNAVAILABLE,
        /** The shelf's writers policy does not let this node write that book (issue 12). */
        NOT_AUTHOR,
        /** Invalid configuration. */
        BAD_CONFIG
    }

    private final Code code;

    public SharedStateException(final Code code, final String message) {
        super(message.replace('\n', ' '), null, false, false);
        this.code = code;
    }

    /** Which rule was broken. */
    public Code code() {
        return code;
    }
}
