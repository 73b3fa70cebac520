package chisme.node.sharedstate;

import java.util.function.BooleanSupplier;

/**
 * Polls a condition on real time with a bound (real sockets: there is no virtual time to advance). Each bound is
 * stretched by {@link #SLACK} (3, {@code -Dchisme.await.slack=N}): a bound says "this never happened", not how fast
 * it was, and CI machines run the suite at loads where a real-socket round takes many times its quiet duration
 * (the last CI failure: an expiry test at 10 s). A passing wait returns as soon as its condition holds.
 */
final class Await {
    private static final int SLACK = Math.max(1, Integer.getInteger("chisme.await.slack", 3));

    private Await() {
    }

    /** Returns how long it took; fails with {@code what} after {@code timeoutMs}. */
    static long until(final String what, final long timeoutMs, final BooleanSupplier condition) {
        final long start = System.nanoTime();
        final long boundMs = timeoutMs * SLACK;
        final long deadline = start + boundMs * 1_000_000L;
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
        throw new AssertionError("timed out after " + boundMs + " ms waiting for: " + what);
    }
}
