package chisme.node.rpc;

import chisme.node.metrics.CounterId;
import chisme.node.metrics.Counters;

import java.net.InetSocketAddress;

/**
 * Who may make this node work (issue 12 item 6): a token bucket per source IP, one per source prefix
 * ({@link SourcePrefix}: a host or subnet with many addresses gets {@link RpcConfig#PREFIX_SHARE} sources'
 * worth, not one per address) and one over everything, so 2,000 addresses flooding at 35k requests/s
 * cost the node at most the total rate. Checked in that order: a source already over its own rate
 * spends nothing of its prefix's or the total budget. Allocation-free for IPv4. Node thread only.
 */
final class RequestBudget {
    private final RateLimiter perSource;
    private final RateLimiter perPrefix;
    private final Counters counters;
    private final SourcePrefix prefixes = new SourcePrefix();
    private final long totalRefillPerSecond;
    private final long totalBurstMilli;
    private long totalTokensMilli;
    private long totalLastMs = Long.MIN_VALUE;

    RequestBudget(final RpcConfig config, final Counters counters) {
        this.perSource = new RateLimiter(config.requestsPerSecond(), config.requestBurst());
        this.perPrefix = new RateLimiter(saturatedTimes(config.requestsPerSecond()), saturatedTimes(config.requestBurst()));
        this.counters = counters;
        this.totalRefillPerSecond = config.totalRequestsPerSecond();
        this.totalBurstMilli = config.totalRequestBurst() * 1000L;
        this.totalTokensMilli = totalBurstMilli;
    }

    /** True when {@code source} may make one more request now; a refusal is counted by which budget ran out. */
    boolean tryAcquire(final InetSocketAddress source, final long nowMs) {
        if (!perSource.tryAcquire(source, nowMs)) {
            counters.increment(CounterId.DROP_RATE_LIMITED);
            return false;
        }
        if (!perPrefix.tryAcquire(prefixes.of(source.getAddress()), nowMs)) {
            counters.increment(CounterId.DROP_RATE_LIMITED_PREFIX);
            return false;
        }
        if (totalLastMs != Long.MIN_VALUE) {
            final long elapsed = Math.max(0, nowMs - totalLastMs);
            totalTokensMilli = Math.min(totalBurstMilli, totalTokensMilli + Math.min(elapsed, 1_000_000L) * totalRefillPerSecond);
        }
        totalLastMs = nowMs;
        if (totalTokensMilli < 1000) {
            counters.increment(CounterId.DROP_RATE_LIMITED_TOTAL);
            return false;
        }
        totalTokensMilli -= 1000;
        return true;
    }

    private static int saturatedTimes(final int v) {
        return (int) Math.min(Integer.MAX_VALUE, (long) v * RpcConfig.PREFIX_SHARE);
    }
}
