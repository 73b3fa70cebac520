package chisme.store;

import java.nio.file.Path;

/**
 * Store sizes and location, validated once by {@link #conclude()} (Agrona "context" style). Chronicle Map
 * capacity is fixed at creation, so these limits size the map files; the stores enforce them before
 * inserting so a write past a limit returns {@link StoreStatus#FULL} or {@link StoreStatus#TOO_LARGE}.
 * <p>
 * Byte quotas count what an entry occupies in the map: key + fixed record header + payload, see
 * {@link TupleLayout#recordBytes} and {@link BookLayout#recordBytes}.
 */
public final class StoreConfig {
    /** Default data directory: ~/.chisme/data. */
    public static final String DEFAULT_DIR_NAME = ".chisme";

    /** Upper bound of maxValueBytes and maxBookDataBytes. */
    public static final int VALUE_BYTES_LIMIT = 1 << 20;

    /** Default free-space reserve of the data directory's file system: writes are refused below it. */
    public static final long DEFAULT_MIN_FREE_DISK_BYTES = 4L << 20;

    private Path dataDir;
    private int maxTuples = 20_000;
    private long maxTupleBytes = 16L * 1024 * 1024;
    private int maxValueBytes = 65536;
    private int averageValueBytes = 256;
    private int maxBooks = 20_000;
    private long maxBookBytes = 16L * 1024 * 1024;
    private int maxBookDataBytes = 65536;
    private int averageBookDataBytes = 256;
    private long minFreeDiskBytes = DEFAULT_MIN_FREE_DISK_BYTES;
    private boolean resetStore;
    private boolean concluded;

    /** Where the map files live; default ~/.chisme/data. */
    public Path dataDir() {
        return dataDir;
    }

    public StoreConfig dataDir(final Path dir) {
        this.dataDir = dir;
        return this;
    }

    /** Most tuples held (entry quota). */
    public int maxTuples() {
        return maxTuples;
    }

    public StoreConfig maxTuples(final int n) {
        this.maxTuples = n;
        return this;
    }

    /** Most bytes held by all tuples (key + header + value). */
    public long maxTupleBytes() {
        return maxTupleBytes;
    }

    public StoreConfig maxTupleBytes(final long n) {
        this.maxTupleBytes = n;
        return this;
    }

    /** Largest tuple value accepted; larger gives TOO_LARGE. */
    public int maxValueBytes() {
        return maxValueBytes;
    }

    public StoreConfig maxValueBytes(final int n) {
        this.maxValueBytes = n;
        return this;
    }

    /** Expected average tuple value, a sizing hint for Chronicle Map (not a limit). */
    public int averageValueBytes() {
        return averageValueBytes;
    }

    public StoreConfig averageValueBytes(final int n) {
        this.averageValueBytes = n;
        return this;
    }

    /** Most books held over all shelves. */
    public int maxBooks() {
        return maxBooks;
    }

    public StoreConfig maxBooks(final int n) {
        this.maxBooks = n;
        return this;
    }

    /** Most bytes held by all books (key + header + author name + data). */
    public long maxBookBytes() {
        return maxBookBytes;
    }

    public StoreConfig maxBookBytes(final long n) {
        this.maxBookBytes = n;
        return this;
    }

    /** Largest book data accepted; larger gives TOO_LARGE. */
    public int maxBookDataBytes() {
        return maxBookDataBytes;
    }

    public StoreConfig maxBookDataBytes(final int n) {
        this.maxBookDataBytes = n;
        return this;
    }

    /** Expected average book data, a sizing hint for Chronicle Map (not a limit). */
    public int averageBookDataBytes() {
        return averageBookDataBytes;
    }

    public StoreConfig averageBookDataBytes(final int n) {
        this.averageBookDataBytes = n;
        return this;
    }

    /**
     * Free space kept on the data directory's file system: a write that would leave less is refused with
     * {@link StoreStatus#DISK_FULL} (see {@link DiskSpace}). At least 2 largest records plus 64 KiB.
     */
    public long minFreeDiskBytes() {
        return minFreeDiskBytes;
    }

    public StoreConfig minFreeDiskBytes(final long n) {
        this.minFreeDiskBytes = n;
        return this;
    }

    /**
     * When true, a map file missing beside an existing {@code store.meta} is created empty instead of
     * refusing to open (the operator accepts the loss); the default refuses, so a lost file is never
     * silently replaced by an empty store.
     */
    public boolean resetStore() {
        return resetStore;
    }

    public StoreConfig resetStore(final boolean v) {
        this.resetStore = v;
        return this;
    }

    /**
     * Validates and fills defaults; idempotent.
     * @return this
     * @throws StoreException naming the offending setting
     */
    public StoreConfig conclude() {
        if (concluded) {
            return this;
        }
        if (dataDir == null) {
            dataDir = Path.of(System.getProperty("user.home"), DEFAULT_DIR_NAME, "data");
        }
        positive("maxTuples", maxTuples);
        positive("maxValueBytes", maxValueBytes);
        positive("averageValueBytes", averageValueBytes);
        positive("maxBooks", maxBooks);
        positive("maxBookDataBytes", maxBookDataBytes);
        positive("averageBookDataBytes", averageBookDataBytes);
        if (maxValueBytes > VALUE_BYTES_LIMIT) {
            throw new StoreException(null, "maxValueBytes " + maxValueBytes + " above 1 MiB");
        }
        if (maxBookDataBytes > VALUE_BYTES_LIMIT) {
            throw new StoreException(null, "maxBookDataBytes " + maxBookDataBytes + " above 1 MiB");
        }
        if (averageValueBytes > maxValueBytes) {
            throw new StoreException(null, "averageValueBytes above maxValueBytes");
        }
        if (averageBookDataBytes > maxBookDataBytes) {
            throw new StoreException(null, "averageBookDataBytes above maxBookDataBytes");
        }
        if (maxTupleBytes < TupleLayout.recordBytes(maxValueBytes)) {
            throw new StoreException(null, "maxTupleBytes " + maxTupleBytes + " cannot hold one largest tuple ("
                + TupleLayout.recordBytes(maxValueBytes) + " bytes)");
        }
        if (maxBookBytes < BookLayout.recordBytes(0, 0, maxBookDataBytes)) {
            throw new StoreException(null, "maxBookBytes " + maxBookBytes + " cannot hold one largest book");
        }
        final long leastReserve = 2L * TupleLayout.recordBytes(Math.max(maxValueBytes, maxBookDataBytes)) + (64 << 10);
        if (minFreeDiskBytes < leastReserve) {
            throw new StoreException(null, "minFreeDiskBytes " + minFreeDiskBytes + " below " + leastReserve
                + " (two largest records and 64 KiB of map bookkeeping)");
        }
        concluded = true;
        return this;
    }

    private static void positive(final String name, final long v) {
        if (v <= 0) {
            throw new StoreException(null, name + " must be positive, was " + v);
        }
    }

    @Override
    public String toString() {
        return "StoreConfig{dataDir=" + dataDir + ", maxTuples=" + maxTuples + ", maxTupleBytes=" + maxTupleBytes
            + ", maxValueBytes=" + maxValueBytes + ", maxBooks=" + maxBooks + ", maxBookBytes=" + maxBookBytes
            + ", maxBookDataBytes=" + maxBookDataBytes + '}';
    }
}
