package chisme.node.kademlia;

import chisme.node.routing.ContactLimits;
import chisme.node.rpc.RpcConfig;

/**
 * Settings of a Kademlia node (style.md habit 7: a small context validated once by {@link #conclude()}).
 * Defaults are the xlattice constants: alpha 3, k 20, tExpire 86,410 s (the spec's suggestion to avoid
 * racing tRepublish), tRefresh = tReplicate = 3,600 s, tRepublish = 86,400 s; tokens rotate every
 * 5 min (BEP 5). Tests shrink the timers and timeouts. Fluent setters, accessors without get/set.
 */
public final class KademliaConfig {
    private int k = 20;
    private int alpha = 3;
    private long rpcTimeoutMs = 2_000;
    private long lookupStallMs = 250;
    private boolean adaptiveLookupStall = true;
    private long refreshIntervalMs = 3_600_000;
    private long replicateIntervalMs = 3_600_000;
    private long republishIntervalMs = 86_400_000;
    private long expireAfterMs = 86_410_000;
    private long expiryCheckIntervalMs = 60_000;
    private long tokenRotationMs = 300_000;
    private double timerJitter = 0.1;
    private int maxValueBytes = 65_536;
    private int maxFailures = 5;
    private int replacementCacheSize = 8;
    private int maxPendingVerifications = 64;
    private int eventLogCapacity = 1_000;
    private long joinRetryMinMs = 1_000;
    private long joinRetryMaxMs = 180_000;
    private long firstContactTimeoutMs = 5_000;
    private long mergeCooldownMs = 10_000;
    private boolean mergeProbe = true;
    private int handoffQueuedContacts = 256;
    private int handoffStoresPerTick = 8;
    private long handoffTickMs = 100;
    private RpcConfig rpc = RpcConfig.DEFAULT;
    private ContactLimits contactLimits = DEFAULT_CONTACT_LIMITS;
    private int lookupMaxPerIp = 2;
    private int lookupMaxPerPrefix = 3;
    private double remoteStoreSharePerPrefix = 0.25;
    private boolean concluded;

    public int k() { return k; }
    public KademliaConfig k(final int v) { k = v; return this; }
    public int alpha() { return alpha; }
    public KademliaConfig alpha(final int v) { alpha = v; return this; }
    /** Timeout of one RPC. */
    public long rpcTimeoutMs() { return rpcTimeoutMs; }
    public KademliaConfig rpcTimeoutMs(final long v) { rpcTimeoutMs = v; return this; }
    /**
     * Longest stall of a lookup request: unanswered this long it stops holding one of the alpha slots, so
     * the lookup goes on with the next candidate instead of waiting for the timeout (paper 2.3: nodes that
     * fail to respond quickly are removed from consideration until and unless they do respond). The stall
     * itself adapts to measured round trips (RFC 6298, at least 20 ms) below this bound. A request may still
     * answer until {@link #rpcTimeoutMs()}; equal to the timeout, lookups wait as before.
     */
    public long lookupStallMs() { return lookupStallMs; }
    public KademliaConfig lookupStallMs(final long v) { lookupStallMs = v; return this; }
    /** False: every stall is {@link #lookupStallMs()} (for comparisons; the daemon always adapts). */
    public boolean adaptiveLookupStall() { return adaptiveLookupStall; }
    public KademliaConfig adaptiveLookupStall(final boolean v) { adaptiveLookupStall = v; return this; }
    /** tRefresh: a bucket untouched this long gets a lookup of a random id in its range. */
    public long refreshIntervalMs() { return refreshIntervalMs; }
    public KademliaConfig refreshIntervalMs(final long v) { refreshIntervalMs = v; return this; }
    /** tReplicate: every node re-stores its values to the current k closest. */
    public long replicateIntervalMs() { return replicateIntervalMs; }
    public KademliaConfig replicateIntervalMs(final long v) { replicateIntervalMs = v; return this; }
    /** tRepublish: the original publisher re-stores its values. */
    public long republishIntervalMs() { return republishIntervalMs; }
    public KademliaConfig republishIntervalMs(final long v) { republishIntervalMs = v; return this; }
    /** tExpire: a value expires this long after its original publication. */
    public long expireAfterMs() { return expireAfterMs; }
    public KademliaConfig expireAfterMs(final long v) { expireAfterMs = v; return this; }
    public long expiryCheckIntervalMs() { return expiryCheckIntervalMs; }
    public KademliaConfig expiryCheckIntervalMs(final long v) { expiryCheckIntervalMs = v; return this; }
    /** Write-token secret rotation (BEP 5: 5 minutes; current and previous secret accepted). */
    public long tokenRotationMs() { return tokenRotationMs; }
    public KademliaConfig tokenRotationMs(final long v) { tokenRotationMs = v; return this; }
    /** Fraction of each timer interval added at random so nodes do not synchronise. */
    public double timerJitter() { return timerJitter; }
    public KademliaConfig timerJitter(final double v) { timerJitter = v; return this; }
    public int maxValueBytes() { return maxValueBytes; }
    public KademliaConfig maxValueBytes(final int v) { maxValueBytes = v; return this; }
    /** Consecutive failures after which a contact is stale (kademlia.md: about 5). */
    public int maxFailures() { return maxFailures; }
    public KademliaConfig maxFailures(final int v) { maxFailures = v; return this; }
    public int replacementCacheSize() { return replacementCacheSize; }
    public KademliaConfig replacementCacheSize(final int v) { replacementCacheSize = v; return this; }
    /**
     * Issue 12 (Sybils): at most 2 contacts of one IP per bucket and 4 in the table (libp2p allows 2 per
     * bucket, 3 per table for an IP group), at most 10 of one /24 or /64 per bucket and 40 in the table: a
     * subnet never owns a whole bucket, while a mesh whose nodes share a few /24s keeps its neighbours.
     * A network whose nodes all sit in one /24 should raise the prefix limits.
     */
    public static final ContactLimits DEFAULT_CONTACT_LIMITS = new ContactLimits(2, 4, 10, 40);

    /** Contacts per IP and per prefix in the routing table ({@link ContactLimits#NONE}: unlimited). */
    public ContactLimits contactLimits() { return contactLimits; }
    public KademliaConfig contactLimits(final ContactLimits v) { contactLimits = v; return this; }
    /**
     * Candidates of one IP a lookup keeps in its shortlist (issue 12: 25 ids from one host next to a key
     * eclipsed it); this host's own addresses are not capped. {@link Integer#MAX_VALUE}: no cap.
     */
    public int lookupMaxPerIp() { return lookupMaxPerIp; }
    public KademliaConfig lookupMaxPerIp(final int v) { lookupMaxPerIp = v; return this; }
    /**
     * Of the k candidates a lookup considers (and the k closest a STORE goes to), how many one /24 or /64 may
     * take while other prefixes have candidates: a soft cap, in tiers ({@link LookupDiversity}; issue 12: 25
     * ids of one subnet next to a key eclipsed it). {@link Integer#MAX_VALUE}: plain XOR order.
     */
    public int lookupMaxPerPrefix() { return lookupMaxPerPrefix; }
    public KademliaConfig lookupMaxPerPrefix(final int v) { lookupMaxPerPrefix = v; return this; }
    /**
     * Share of the remote store space (what the local-write reserve leaves) that the values one source /24 or
     * /64 added may take (issue 12 item 6; {@link chisme.node.security.RemoteStoreShares}). 1: no per-prefix limit.
     */
    public double remoteStoreSharePerPrefix() { return remoteStoreSharePerPrefix; }
    public KademliaConfig remoteStoreSharePerPrefix(final double v) { remoteStoreSharePerPrefix = v; return this; }
    /** Unknown senders pinged at once to verify them before they may enter the table. */
    public int maxPendingVerifications() { return maxPendingVerifications; }
    public KademliaConfig maxPendingVerifications(final int v) { maxPendingVerifications = v; return this; }
    public int eventLogCapacity() { return eventLogCapacity; }
    public KademliaConfig eventLogCapacity(final int v) { eventLogCapacity = v; return this; }
    /** First wait after a failed join attempt; doubles per failure (issue 11; OpenDHT starts at 10 s). */
    public long joinRetryMinMs() { return joinRetryMinMs; }
    public KademliaConfig joinRetryMinMs(final long v) { joinRetryMinMs = v; return this; }
    /** Longest wait between join attempts (before up to half of it in jitter); also the joined node's check period. */
    public long joinRetryMaxMs() { return joinRetryMaxMs; }
    public KademliaConfig joinRetryMaxMs(final long v) { joinRetryMaxMs = v; return this; }
    /** Timeout of a bootstrap PING: longer than an RPC's, as a process still starting answers late. */
    public long firstContactTimeoutMs() { return firstContactTimeoutMs; }
    public KademliaConfig firstContactTimeoutMs(final long v) { firstContactTimeoutMs = v; return this; }
    /** Least time between two merge self-lookups ({@link MergeWatch}). */
    public long mergeCooldownMs() { return mergeCooldownMs; }
    public KademliaConfig mergeCooldownMs(final long v) { mergeCooldownMs = v; return this; }
    /**
     * Whether a merge run first probes: a walk from each seed toward our own id, one FIND_NODE per hop
     * ({@link MergeProbe}), and runs in full only when a reply names a node our table would take. On by default:
     * sequential growth costs 2.1x the no-merge baseline with it, 7.1x with a full run on every trigger, and a
     * 2,500-node simultaneous boot converges as fast as with full runs (20 s; docs/benchmarks.md, issue 11).
     * Off: every trigger runs the self-lookup and refreshes (a comparison switch for the simulator).
     */
    public boolean mergeProbe() { return mergeProbe; }
    public KademliaConfig mergeProbe(final boolean v) { mergeProbe = v; return this; }
    /** Newcomers waiting for their values ({@link ValueHandoff}); more are dropped and counted. */
    public int handoffQueuedContacts() { return handoffQueuedContacts; }
    public KademliaConfig handoffQueuedContacts(final int v) { handoffQueuedContacts = v; return this; }
    /** STOREs handed to newcomers per tick. */
    public int handoffStoresPerTick() { return handoffStoresPerTick; }
    public KademliaConfig handoffStoresPerTick(final int v) { handoffStoresPerTick = v; return this; }
    public long handoffTickMs() { return handoffTickMs; }
    public KademliaConfig handoffTickMs(final long v) { handoffTickMs = v; return this; }
    public RpcConfig rpc() { return rpc; }
    public KademliaConfig rpc(final RpcConfig v) { rpc = v; return this; }

    /** Validates once; further calls are no-ops. Throws {@link IllegalArgumentException} naming the bad setting. */
    public KademliaConfig conclude() {
        if (concluded) {
            return this;
        }
        require(k >= 1 && k <= 32, "k in [1, 32] (a NODES reply carries at most 32 contacts)");
        require(alpha >= 1 && alpha <= k, "alpha in [1, k]");
        require(rpcTimeoutMs >= 1, "rpcTimeoutMs >= 1");
        require(lookupStallMs >= 1, "lookupStallMs >= 1");
        require(refreshIntervalMs >= 1 && replicateIntervalMs >= 1 && republishIntervalMs >= 1, "timer intervals >= 1 ms");
        require(expireAfterMs >= 1000, "expireAfterMs >= 1 s");
        require(expiryCheckIntervalMs >= 1, "expiryCheckIntervalMs >= 1");
        require(tokenRotationMs >= 1, "tokenRotationMs >= 1");
        require(timerJitter >= 0 && timerJitter <= 1, "timerJitter in [0, 1]");
        require(maxValueBytes >= 1 && maxValueBytes <= 65_536, "maxValueBytes in [1, 65536]");
        require(maxValueBytes + 32 + 64 <= rpc.maxMessageBytes(), "a STORE of maxValueBytes must fit rpc.maxMessageBytes");
        require(maxFailures >= 1, "maxFailures >= 1");
        require(replacementCacheSize >= 0, "replacementCacheSize >= 0");
        require(maxPendingVerifications >= 1, "maxPendingVerifications >= 1");
        require(contactLimits != null && lookupMaxPerIp >= 1 && lookupMaxPerPrefix >= 1,
            "contactLimits set, lookupMaxPerIp >= 1, lookupMaxPerPrefix >= 1");
        require(remoteStoreSharePerPrefix > 0 && remoteStoreSharePerPrefix <= 1, "remoteStoreSharePerPrefix in (0, 1]");
        require(eventLogCapacity >= 1, "eventLogCapacity >= 1");
        require(joinRetryMinMs >= 1 && joinRetryMaxMs >= joinRetryMinMs, "1 <= joinRetryMinMs <= joinRetryMaxMs");
        require(firstContactTimeoutMs >= 1, "firstContactTimeoutMs >= 1");
        require(mergeCooldownMs >= 0, "mergeCooldownMs >= 0");
        require(handoffQueuedContacts >= 0 && handoffStoresPerTick >= 1 && handoffTickMs >= 1,
            "handoffQueuedContacts >= 0, handoffStoresPerTick >= 1, handoffTickMs >= 1");
        concluded = true;
        return this;
    }

    private static void require(final boolean ok, final String what) {
        if (!ok) {
            throw new IllegalArgumentException("KademliaConfig: " + what);
        }
    }
}
