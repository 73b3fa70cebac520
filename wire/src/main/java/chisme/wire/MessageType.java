package chisme.wire;

/**
 * Message type codes carried in byte 2 of every header. See docs/wire.md for each frame's layout.
 * <p>
 * Requests and their responses: PING -> PONG; FIND_NODE -> NODES; FIND_VALUE -> VALUE or NODES;
 * STORE -> STORE_RESULT; any request -> ERROR. Shared-state: SHELF_DIGEST -> SHELF_DIGEST (reply),
 * BUCKET_DIGEST -> BUCKET_DIGEST, BOOK_REQUEST -> BOOKS, BOOKS (push) -> none or BOOKS.
 * FRAGMENT carries a slice of any message longer than one datagram. ANNOUNCE is multicast on a link to
 * the discovery port, never to a node's port, and answers nothing.
 */
public final class MessageType {
    public static final int PING = 0x01;
    public static final int PONG = 0x02;
    public static final int FIND_NODE = 0x03;
    public static final int NODES = 0x04;
    public static final int FIND_VALUE = 0x05;
    public static final int VALUE = 0x06;
    public static final int STORE = 0x07;
    public static final int STORE_RESULT = 0x08;
    public static final int ERROR = 0x09;

    public static final int SHELF_DIGEST = 0x20;
    public static final int BUCKET_DIGEST = 0x21;
    public static final int BOOK_REQUEST = 0x22;
    public static final int BOOKS = 0x23;

    public static final int FRAGMENT = 0x30;

    /** Link-local multicast announcement of a node (not a request: nothing answers it). */
    public static final int ANNOUNCE = 0x40;

    private MessageType() {
    }

    /** True for types a node answers (as opposed to replies that complete a pending call). */
    public static boolean isRequest(final int type) {
        return switch (type) {
            case PING, FIND_NODE, FIND_VALUE, STORE, SHELF_DIGEST, BUCKET_DIGEST, BOOK_REQUEST -> true;
            default -> false;
        };
    }

    public static boolean isKnown(final int type) {
        return switch (type) {
            case PING, PONG, FIND_NODE, NODES, FIND_VALUE, VALUE, STORE, STORE_RESULT, ERROR,
                 SHELF_DIGEST, BUCKET_DIGEST, BOOK_REQUEST, BOOKS, FRAGMENT, ANNOUNCE -> true;
            default -> false;
        };
    }

    public static String name(final int type) {
        return switch (type) {
            case PING -> "PING";
            case PONG -> "PONG";
            case FIND_NODE -> "FIND_NODE";
            case NODES -> "NODES";
            case FIND_VALUE -> "FIND_VALUE";
            case VALUE -> "VALUE";
            case STORE -> "STORE";
            case STORE_RESULT -> "STORE_RESULT";
            case ERROR -> "ERROR";
            case SHELF_DIGEST -> "SHELF_DIGEST";
            case BUCKET_DIGEST -> "BUCKET_DIGEST";
            case BOOK_REQUEST -> "BOOK_REQUEST";
            case BOOKS -> "BOOKS";
            case FRAGMENT -> "FRAGMENT";
            case ANNOUNCE -> "ANNOUNCE";
            default -> "UNKNOWN(" + type + ")";
        };
    }
}
