package chisme.node.rpc;

/** A blocking call that got no reply: timed out, refused locally (too many calls in flight), or interrupted. */
public final class RpcException extends Exception {
    /** Why the call failed. */
    public enum Reason { TIMEOUT, REFUSED, INTERRUPTED }

    private final Reason reason;

    public RpcException(final Reason reason, final String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
