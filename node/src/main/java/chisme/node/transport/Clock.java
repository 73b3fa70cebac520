package chisme.node.transport;

/**
 * Time as node logic sees it. Passed in so that tests and the simulator run under virtual time
 * (style.md habit 3): nothing in node logic reads the system clock directly.
 */
@FunctionalInterface
public interface Clock {
    /** Milliseconds on a monotonic time line (not wall time; never goes backwards). */
    long nowMs();

    /** The real monotonic clock. */
    Clock SYSTEM = () -> System.nanoTime() / 1_000_000L;
}
