package chisme.node.sharedstate;

import java.util.function.BooleanSupplier;

/** Polls a condition on real time with a bound (real sockets: there is no virtual time to advance). */
final class Await {
    private Await() {
    }

    /** Returns how long it took; fails with {@code what} after {@code timeoutMs}. */
    static long until(final String what, final long timeoutMs, final BooleanSupplier condition) {
        final long start = System.nanoTime();
        final long deadline = start + timeoutMs * 1_000_000L;
        for (int i = 0; i < 1_000_000; i++) {
            if (condition.getAsBoolean()) {
                return (System.nanoTime() - start) / 1_000_000L;
            }
            if (System.nanoTime() > deadline) {
                break;
            }
            try {
                Thread.sleep(10);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("timed out after " + timeoutMs + " ms waiting for: " + what);
    }
}
