package chisme.node.rpc;

/**
 * Limits of the RPC layer, validated at construction.
 *
 * @param maxDatagramBytes        largest datagram sent; longer messages are fragmented (wire.md: 1232)
 * @param maxMessageBytes         largest reassembled message accepted (wire.md: 70,000)
 * @param maxCallsInFlight        calls tracked at once; more are refused (bounded memory)
 * @param reassemblyTimeoutMs     a partial message older than this is discarded
 * @param maxPartialMessages      partial messages held at once, all sources
 * @param maxPartialsPerSource    partial messages held per source prefix (IPv4 /24, IPv6 /64; {@link SourcePrefix})
 * @param maxReassemblyBytes      bytes held by partial messages, all sources
 * @param requestsPerSecond       per-source request rate (token bucket refill)
 * @param requestBurst            per-source burst (token bucket size); a source prefix gets {@link #PREFIX_SHARE} times both
 * @param totalRequestsPerSecond  requests per second over all sources (issue 12: caps the node's work under a
 *                                flood from many addresses; never below one source's rate)
 * @param totalRequestBurst       burst over all sources
 */
public record RpcConfig(int maxDatagramBytes, int maxMessageBytes, int maxCallsInFlight, long reassemblyTimeoutMs,
                        int maxPartialMessages, int maxPartialsPerSource, int maxReassemblyBytes,
                        int requestsPerSecond, int requestBurst, int totalRequestsPerSecond, int totalRequestBurst) {
    /** How many sources' worth of budget one prefix gets (a /24 of a mesh holds several honest nodes). */
    public static final int PREFIX_SHARE = 4;
    /**
     * wire.md defaults; rate limit 50 requests/s with a burst of 100 per source (mesh routers relay for many),
     * 5,000/s with a burst of 10,000 in total; 16 partial messages per prefix.
     */
    public static final RpcConfig DEFAULT = new RpcConfig(1232, 70_000, 4096, 5_000, 64, 16, 2 * 1024 * 1024, 50, 100,
        5_000, 10_000);

    public RpcConfig {
        require(maxDatagramBytes >= 128 && maxDatagramBytes <= 65_507, "maxDatagramBytes in [128, 65507]");
        require(maxMessageBytes >= maxDatagramBytes && maxMessageBytes <= 1 << 20, "maxMessageBytes in [maxDatagramBytes, 1 MiB]");
        require(maxCallsInFlight >= 1, "maxCallsInFlight >= 1");
        require(reassemblyTimeoutMs >= 1, "reassemblyTimeoutMs >= 1");
        require(maxPartialMessages >= 1 && maxPartialsPerSource >= 1, "partial caps >= 1");
        require(maxReassemblyBytes >= maxMessageBytes, "maxReassemblyBytes >= maxMessageBytes");
        require(requestsPerSecond >= 1 && requestBurst >= 1, "rate limits >= 1");
        require(totalRequestsPerSecond >= requestsPerSecond && totalRequestBurst >= requestBurst, "total rate >= per-source rate");
    }

    /** Per-source rate and burst; the total is raised to at least them (load generators raise everything). */
    public RpcConfig withRate(final int perSecond, final int burst) {
        return new RpcConfig(maxDatagramBytes, maxMessageBytes, maxCallsInFlight, reassemblyTimeoutMs,
            maxPartialMessages, maxPartialsPerSource, maxReassemblyBytes, perSecond, burst,
            Math.max(totalRequestsPerSecond, perSecond), Math.max(totalRequestBurst, burst));
    }

    /** Rate and burst over all sources. */
    public RpcConfig withTotalRate(final int perSecond, final int burst) {
        return new RpcConfig(maxDatagramBytes, maxMessageBytes, maxCallsInFlight, reassemblyTimeoutMs,
            maxPartialMessages, maxPartialsPerSource, maxReassemblyBytes, requestsPerSecond, requestBurst, perSecond, burst);
    }

    private static void require(final boolean ok, final String what) {
        if (!ok) {
            throw new IllegalArgumentException("RpcConfig: " + what);
        }
    }
}
