package chisme.node.discovery;

import java.util.random.RandomGenerator;

/**
 * When announcements go out: one soon after start (so a node that boots with its neighbours finds them
 * at once), then one per interval with jitter so that nodes powered on together do not announce in step.
 */
final class AnnounceSchedule {
    private final long intervalMs;
    private final RandomGenerator random;

    AnnounceSchedule(final long intervalMs, final RandomGenerator random) {
        this.intervalMs = intervalMs;
        this.random = random;
    }

    /** Delay of the first round: FIRST_DELAY_MS to twice that. */
    long firstDelayMs() {
        return DiscoveryConfig.FIRST_DELAY_MS + random.nextLong(DiscoveryConfig.FIRST_DELAY_MS + 1);
    }

    /** Delay of every later round: the interval times 1 +- JITTER. */
    long nextDelayMs() {
        final double factor = 1 - DiscoveryConfig.JITTER + 2 * DiscoveryConfig.JITTER * random.nextDouble();
        return Math.max(1, Math.round(intervalMs * factor));
    }
}
