package chisme.node.transport;

/**
 * Runs delayed tasks on the node's own thread (the one that owns the node's state), so timer
 * callbacks never race with datagram handling. The simulator implements it with a virtual-time
 * event queue; the real node with its duty-cycle loop.
 */
public interface Scheduler {
    /** Runs {@code task} once, {@code delayMs} from now. */
    Cancellable schedule(long delayMs, Runnable task);

    /** Runs {@code task} on the node thread as soon as possible (used to hand work in from other threads). */
    void execute(Runnable task);

    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }
}
