package chisme.node.host;

/**
 * A blocking call into the node thread ({@link NodeHost#call}) that got no answer. An
 * {@link IllegalStateException}, as the Kademlia facade always threw; shared-state maps it to its
 * UNAVAILABLE code (admin error FAILED).
 */
public final class NodeCallException extends IllegalStateException {
    /** Why the call got no answer. */
    public enum Reason {
        /** The node was not started or has stopped. */
        NOT_RUNNING,
        /** No answer within {@link NodeHost#CALL_TIMEOUT_MS} (or the closing timeout). */
        TIMEOUT,
        /** The waiting thread was interrupted. */
        INTERRUPTED,
        /** Called from the node thread, which would wait for itself. */
        ON_NODE_THREAD,
        /** The operation completed with a checked exception. */
        FAILED
    }

    private final Reason reason;

    public NodeCallException(final Reason reason, final String message) {
        super(message);
        this.reason = reason;
    }

    public NodeCallException(final Reason reason, final String message, final Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
