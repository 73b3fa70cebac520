package chisme.node.admin;

/**
 * Error codes in admin replies ({@code {"ok":false,"code":CODE,"error":MESSAGE}}). The CLI turns each
 * into a documented exit status (docs/cli.md).
 */
public enum AdminError {
    /** The line was not a JSON object of the expected shape. */
    BAD_REQUEST,
    /** The request was larger than {@link AdminServer#MAX_REQUEST_BYTES}. */
    TOO_LARGE,
    /** No such operation. */
    UNKNOWN_OP,
    /** A parameter is missing or malformed (key, HOST:PORT, JSON text...). */
    INVALID_ARGUMENT,
    /** The key or shelf holds nothing. */
    NOT_FOUND,
    /** The node is not running that service (e.g. shared-state missing from this build). */
    UNAVAILABLE,
    /** Too many admin connections at once. */
    BUSY,
    /** The operation was understood but failed (network, store full...). */
    FAILED
}
