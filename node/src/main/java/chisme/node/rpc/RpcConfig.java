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
 * @param amplificationFactor     issue 12 item 5 (QUIC RFC 9000 section 8's 3x rule): a reply to an address that has not
 *                                proved it receives our datagrams is at most this many times its request's bytes;
 *                                a longer one is replaced by ERROR "unverified" (0 = no limit)
 * @param provenAddresses         how many proven addresses are remembered (two generations of half each)
 * @param provenTtlMs             how long a proof lasts without a new one
 * @param unverifiedRetries       how often a call answered by ERROR "unverified" is sent again (the answerer's
 *                                verification PING is in flight; our PONG proves us)
 */
public record RpcConfig(int maxDatagramBytes, int maxMessageBytes, int maxCallsInFlight, long reassemblyTimeoutMs,
                        int maxPartialMessages, int maxPartialsPerSource, int maxReassemblyBytes,
                        int requestsPerSecond, int requestBurst, int totalRequestsPerSecond, int totalRequestBurst,
                        int amplificationFactor, int provenAddresses, long provenTtlMs, int unverifiedRetries) {
    /** How many sources' worth of budget one prefix gets (a /24 of a mesh holds several honest nodes). */
    public static final int PREFIX_SHARE = 4;
    /**
     * wire.md defaults; rate limit 50 requests/s with a burst of 100 per source (mesh routers relay for many),
     * 5,000/s with a burst of 10,000 in total; 16 partial messages per prefix; replies to unproven addresses
     * at most 3x their request, 8,192 proven addresses remembered for 30 minutes, 2 retries after "unverified".
     */
    public static final RpcConfig DEFAULT = new RpcConfig(1232, 70_000, 4096, 5_000, 64, 16, 2 * 1024 * 1024, 50, 100,
        5_000, 10_000, 3, 8192, 30 * 60_000L, 2);

    public RpcConfig {
        require(maxDatagramBytes >= 128 && maxDatagramBytes <= 65_507, "maxDatagramBytes in [128, 65507]");
        require(maxMessageBytes >= maxDatagramBytes && maxMessageBytes <= 1 << 20, "maxMessageBytes in [maxDatagramBytes, 1 MiB]");
        require(maxCallsInFlight >= 1, "maxCallsInFlight >= 1");
        require(reassemblyTimeoutMs >= 1, "reassemblyTimeoutMs >= 1");
        require(maxPartialMessages >= 1 && maxPartialsPerSource >= 1, "partial caps >= 1");
        require(maxReassemblyBytes >= maxMessageBytes, "maxReassemblyBytes >= maxMessageBytes");
        require(requestsPerSecond >= 1 && requestBurst >= 1, "rate limits >= 1");
        require(totalRequestsPerSecond >= requestsPerSecond && totalRequestBurst >= requestBurst, "total rate >= per-source rate");
        require(amplificationFactor >= 0, "amplificationFactor >= 0");
        require(provenAddresses >= 2 && provenTtlMs >= 1 && unverifiedRetries >= 0, "proven address limits");
    }

    /** Per-source rate and burst; the total is raised to at least them (load generators raise everything). */
    public RpcConfig withRate(final int perSecond, final int burst) {
        return new RpcConfig(maxDatagramBytes, maxMessageBytes, maxCallsInFlight, reassemblyTimeoutMs,
            maxPartialMessages, maxPartialsPerSource, maxReassemblyBytes, perSecond, burst,
            Math.max(totalRequestsPerSecond, perSecond), Math.max(totalRequestBurst, burst),
            amplificationFactor, provenAddresses, provenTtlMs, unverifiedRetries);
    }

    /** Rate and burst over all sources. */
    public RpcConfig withTotalRate(final int perSecond, final int burst) {
        return new RpcConfig(maxDatagramBytes, maxMessageBytes, maxCallsInFlight, reassemblyTimeoutMs,
            maxPartialMessages, maxPartialsPerSource, maxReassemblyBytes, requestsPerSecond, requestBurst, perSecond, burst,
            amplificationFactor, provenAddresses, provenTtlMs, unverifiedRetries);
    }

    /** Replies to unproven addresses at most {@code factor} times their request (0 = no limit). */
    public RpcConfig withAmplificationFactor(final int factor) {
        return new RpcConfig(maxDatagramBytes, maxMessageBytes, maxCallsInFlight, reassemblyTimeoutMs,
            maxPartialMessages, maxPartialsPerSource, maxReassemblyBytes, requestsPerSecond, requestBurst,
            totalRequestsPerSecond, totalRequestBurst, factor, provenAddresses, provenTtlMs, unverifiedRetries);
    }

    private static void require(final boolean ok, final String what) {
        if (!ok) {
            throw new IllegalArgumentException("RpcConfig: " + what);
        }
    }
}
