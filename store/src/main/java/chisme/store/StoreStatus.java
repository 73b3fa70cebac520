package chisme.store;

/** Outcome of a write. Never an exception for an expected condition such as a full store. */
public enum StoreStatus {
    OK,
    /** Entry or byte quota reached; nothing was written. Expiry frees space. */
    FULL,
    /** The value is larger than the configured maximum; nothing was written. */
    TOO_LARGE,
    /** The write lost against the entry already held (e.g. an older version); nothing changed. */
    STALE,
    /**
     * The data directory's file system has less free space than the store's reserve ({@link DiskSpace});
     * nothing was written. Accepted again by itself when space returns.
     */
    DISK_FULL
}
