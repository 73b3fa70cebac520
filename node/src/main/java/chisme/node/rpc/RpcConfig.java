package chisme.node.rpc;

/**
 * Limits of the RPC layer, validated at construction.
 *
 * @param maxDatagramBytes        largest datagram sent; longer messages are fragmented (wire.md: 1232)
 * @param maxMessageBytes         largest reassembled message accepted (wire.md: 70,000)
 * @param maxCallsInFlight        calls tracked at once; more are refused (bounded memory)
 * @param reassemblyTimeoutMs     a partial message older than this is discarded
 * @param maxPartialMessages      partial messages held at once, all sources
 * @param maxPartialsPerSource    partial messages held per source address
 * @param maxReassemblyBytes      bytes held by partial messages, all sources
 * @param requestsPerSecond       per-source request rate (token bucket refill)
 * @param requestBurst            per-source burst (token bucket size)
 */
public record RpcConfig(int maxDatagramBytes, int maxMessageBytes, int maxCallsInFlight, long reassemblyTimeoutMs,
                        int maxPartialMessages, int maxPartialsPerSource, int maxReassemblyBytes,
                        int requestsPerSecond, int requestBurst) {
    /** wire.md defaults; rate limit 50 requests/s with a burst of 100 per source (mesh routers relay for many). */
    public static final RpcConfig DEFAULT = new RpcConfig(1232, 70_000, 4096, 5_000, 64, 4, 2 * 1024 * 1024, 50, 100);

    public RpcConfig {
        require(maxDatagramBytes >= 128 && maxDatagramBytes <= 65_507, "maxDatagramBytes in [128, 65507]");
        require(maxMessageBytes >= maxDatagramBytes && maxMessageBytes <= 1 << 20, "maxMessageBytes in [maxDatagramBytes, 1 MiB]");
        require(maxCallsInFlight >= 1, "maxCallsInFlight >= 1");
        require(reassemblyTimeoutMs >= 1, "reassemblyTimeoutMs >= 1");
        require(maxPartialMessages >= 1 && maxPartialsPerSource >= 1, "partial caps >= 1");
        require(maxReassemblyBytes >= maxMessageBytes, "maxReassemblyBytes >= maxMessageBytes");
        require(requestsPerSecond >= 1 && requestBurst >= 1, "rate limits >= 1");
    }

    public RpcConfig withRate(final int perSecond, final int burst) {
        return new RpcConfig(maxDatagramBytes, maxMessageBytes, maxCallsInFlight, reassemblyTimeoutMs,
            maxPartialMessages, maxPartialsPerSource, maxReassemblyBytes, perSecond, burst);
    }

    private static void require(final boolean ok, final String what) {
        if (!ok) {
            throw new IllegalArgumentException("RpcConfig: " + what);
        }
    }
}
