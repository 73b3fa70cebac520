package chisme.node.sharedstate;

/**
 * Settings of one shelf (LibreMesh's per-"data type" ttl and update_interval, plus limits). Shelves
 * need no registration: a shelf without its own section uses {@link SharedStateConfig#defaultShelf()}.
 *
 * @param ttlMs          lifetime of an inserted book; counts down locally, only re-inserts refresh it
 * @param syncIntervalMs mean time between anti-entropy rounds with each neighbour (jittered +-25%)
 * @param policy         merge policy
 * @param maxBooks       most books (tombstones included) the shelf holds; new keys beyond are refused
 * @param maxBookBytes   largest book data (canonical JSON bytes), at most 65,536 (docs/wire.md)
 * @param writers        who may write (issue 12); null: {@code author} when the node signs and the shelf is
 *                       lww, else {@code open}
 */
public record ShelfConfig(long ttlMs, long syncIntervalMs, MergePolicy policy, int maxBooks, int maxBookBytes,
                          WritePolicy writers) {
    /** LibreMesh-like defaults: ttl 1 hour, sync every 60 s, lww, 10,000 books of at most 16 KiB. */
    public static final ShelfConfig DEFAULT = new ShelfConfig(3_600_000, 60_000, MergePolicy.LWW, 10_000, 16_384, null);

    public ShelfConfig(final long ttlMs, final long syncIntervalMs, final MergePolicy policy, final int maxBooks,
                       final int maxBookBytes) {
        this(ttlMs, syncIntervalMs, policy, maxBooks, maxBookBytes, null);
    }

    /** The write policy in force when the node {@code signs} (or not). */
    public WritePolicy writers(final boolean signs) {
        if (writers != null) {
            return writers;
        }
        return signs && policy == MergePolicy.LWW ? WritePolicy.AUTHOR : WritePolicy.OPEN;
    }

    public ShelfConfig writers(final WritePolicy v) {
        return new ShelfConfig(ttlMs, syncIntervalMs, policy, maxBooks, maxBookBytes, v);
    }

    public ShelfConfig {
        require(ttlMs >= 1_000 && ttlMs <= 0xFFFF_FFFFL, "ttlMs in [1000, 2^32-1] (whole seconds on the wire)");
        require(syncIntervalMs >= 10, "syncIntervalMs >= 10");
        require(policy != null, "policy set");
        require(maxBooks >= 1, "maxBooks >= 1");
        require(maxBookBytes >= 4 && maxBookBytes <= 65_536, "maxBookBytes in [4, 65536]");
    }

    public ShelfConfig ttlMs(final long v) {
        return new ShelfConfig(v, syncIntervalMs, policy, maxBooks, maxBookBytes, writers);
    }

    public ShelfConfig syncIntervalMs(final long v) {
        return new ShelfConfig(ttlMs, v, policy, maxBooks, maxBookBytes, writers);
    }

    public ShelfConfig policy(final MergePolicy v) {
        return new ShelfConfig(ttlMs, syncIntervalMs, v, maxBooks, maxBookBytes, writers);
    }

    public ShelfConfig maxBooks(final int v) {
        return new ShelfConfig(ttlMs, syncIntervalMs, policy, v, maxBookBytes, writers);
    }

    public ShelfConfig maxBookBytes(final int v) {
        return new ShelfConfig(ttlMs, syncIntervalMs, policy, maxBooks, v, writers);
    }

    private static void require(final boolean ok, final String what) {
        if (!ok) {
            throw new SharedStateException(SharedStateException.Code.BAD_CONFIG, "shelf config: " + what);
        }
    }
}
