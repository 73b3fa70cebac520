package chisme.node.routing;

/**
 * What {@link RoutingTable#onMessage} decided: a code, and for {@link #BUCKET_FULL_PING_HEAD} the head to
 * ping, returned with the decision rather than left in a side channel. Outcomes without data are shared
 * constants, so the per-message path (a known contact) allocates nothing; only the full-bucket case, which
 * already allocates the newcomer, allocates its outcome. {@link RoutingTable#onFailure} returns a bare code.
 */
public final class RoutingOutcome {
    /** Known contact refreshed: moved to the tail of its bucket (Kademlia paper 2.2). */
    public static final int UPDATED = 0;
    /** Verified newcomer appended to a bucket (possibly after a split or replacing a stale entry). */
    public static final int ADDED = 1;
    /** Unknown sender and the message was not a reply to one of our requests: ping it to verify. */
    public static final int NEEDS_VERIFY = 2;
    /** Bucket full: newcomer cached; ping {@link #headToPing()} and report the result back. */
    public static final int BUCKET_FULL_PING_HEAD = 3;
    /** Contact is (or stays) in its bucket's replacement cache; nothing to do now. */
    public static final int CACHED = 4;
    /** The sender claims our own id. */
    public static final int REJECTED_SELF = 5;
    /** Unverified claim that an address now has another id, or an id another address: ignored. */
    public static final int ADDRESS_CONFLICT = 6;
    /** Unresolved address or port 0. */
    public static final int REJECTED_ADDRESS = 7;
    /** {@link RoutingTable#onFailure}: the id is not in the table. */
    public static final int UNKNOWN = 8;
    /** {@link RoutingTable#onFailure}: failure counted, contact kept. */
    public static final int FAILED = 9;
    /** {@link RoutingTable#onFailure}: contact is now stale but kept, no replacement exists. */
    public static final int STALE_KEPT = 10;
    /** {@link RoutingTable#onFailure}: contact removed (stale and replaced, or a failed cache entry). */
    public static final int EVICTED = 11;

    /** Verified newcomer refused: its IP holds as many contacts as {@link ContactLimits} allow. */
    public static final int REJECTED_IP_LIMIT = 12;
    /** Verified newcomer refused: its /24 or /64 holds as many contacts as {@link ContactLimits} allow. */
    public static final int REJECTED_PREFIX_LIMIT = 13;

    /** Number of distinct codes, for sizing counter arrays. */
    public static final int COUNT = 14;

    private static final String[] NAMES = {
        "UPDATED", "ADDED", "NEEDS_VERIFY", "BUCKET_FULL_PING_HEAD", "CACHED", "REJECTED_SELF",
        "ADDRESS_CONFLICT", "REJECTED_ADDRESS", "UNKNOWN", "FAILED", "STALE_KEPT", "EVICTED", "REJECTED_IP_LIMIT",
        "REJECTED_PREFIX_LIMIT"
    };

    private static final RoutingOutcome[] PLAIN = new RoutingOutcome[COUNT];

    static {
        for (int code = 0; code < COUNT; code++) {
            PLAIN[code] = new RoutingOutcome(code, null);
        }
    }

    private final int code;
    private final Contact headToPing;

    private RoutingOutcome(final int code, final Contact headToPing) {
        this.code = code;
        this.headToPing = headToPing;
    }

    /** The shared outcome for a code that carries no data. */
    static RoutingOutcome of(final int code) {
        return PLAIN[code];
    }

    /** Bucket full: the newcomer waits in the cache while {@code head}, least recently seen, is pinged. */
    static RoutingOutcome pingHead(final Contact head) {
        return new RoutingOutcome(BUCKET_FULL_PING_HEAD, head);
    }

    public int code() {
        return code;
    }

    /** The head to ping for {@link #BUCKET_FULL_PING_HEAD}, else null. */
    public Contact headToPing() {
        return headToPing;
    }

    @Override
    public String toString() {
        return name(code) + (headToPing == null ? "" : " " + headToPing);
    }

    /** Name of a code, for logs and tests. */
    public static String name(final int outcome) {
        return outcome >= 0 && outcome < COUNT ? NAMES[outcome] : "INVALID(" + outcome + ")";
    }
}
