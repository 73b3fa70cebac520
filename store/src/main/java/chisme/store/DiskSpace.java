package chisme.store;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * Free space of the file system holding the map files, checked before every write. The maps are sparse,
 * memory-mapped files: a write to a page not yet backed by a disk block makes the kernel allocate one, and
 * on a full file system that access faults (SIGBUS, seen by Java as {@code InternalError: a fault occurred
 * in an unsafe memory access operation}) and kills the writing thread. So a write is refused with
 * {@link StoreStatus#DISK_FULL} while free space is below {@link #reserveBytes()}: the reserve covers the
 * pages one write (and a Chronicle tier allocation) can touch, so a refused write never reaches the map.
 * <p>
 * Asking the file system ({@code statvfs}) on every write would cost a system call and an allocation on
 * the hot path, so the free space is measured at most once per {@link #RECHECK_NS} and, in between,
 * lowered by an upper bound of what each accepted write can take; near the reserve it is measured again
 * before a write is accepted. A full state is re-measured every {@link #FULL_RECHECK_NS}, so writes are
 * accepted again by themselves when space returns.
 * <p>
 * Thread contract: any thread (the node thread writes, the daemon's status and watcher read); methods
 * are synchronized, uncontended in practice.
 */
public final class DiskSpace {
    /** Free space re-measured at least this often while writes come in. */
    static final long RECHECK_NS = 1_000_000_000L;
    /** While full, a write re-measures at most this often (a flood of refused STOREs costs no syscalls). */
    static final long FULL_RECHECK_NS = 250_000_000L;
    /** Page size assumed for the upper bound of what a write touches. */
    static final int PAGE_BYTES = 4096;

    private final Path dir;
    private final FileStore fileStore;
    private final long reserveBytes;
    private final LongSupplier nanoClock;
    private long measuredAtNs;
    private long freeBytes;
    private boolean full;
    private long refused;
    private long measurements;

    DiskSpace(final Path dir, final long reserveBytes, final LongSupplier nanoClock) {
        this.dir = dir;
        this.reserveBytes = reserveBytes;
        this.nanoClock = nanoClock;
        try {
            this.fileStore = Files.getFileStore(dir);
        } catch (final IOException e) {
            throw new StoreException(dir, "cannot find the file system of the data directory: " + e.getMessage(), e);
        }
        measure(nanoClock.getAsLong());
    }

    /** Watches the file system of {@code dir}; writes are refused below {@code reserveBytes} free. */
    public static DiskSpace of(final Path dir, final long reserveBytes) {
        return new DiskSpace(dir, reserveBytes, System::nanoTime);
    }

    /**
     * True when a write of {@code recordBytes} may go ahead (then counted against the estimate); false,
     * counted in {@link #refused()}, when it would leave less than the reserve free.
     */
    public synchronized boolean allowWrite(final long recordBytes) {
        final long cost = upperBound(recordBytes);
        final long nowNs = nanoClock.getAsLong();
        final long sinceNs = nowNs - measuredAtNs;
        if (full ? sinceNs >= FULL_RECHECK_NS : sinceNs >= RECHECK_NS || freeBytes - cost < reserveBytes) {
            measure(nowNs);
        }
        if (full || freeBytes - cost < reserveBytes) {
            refused++;
            return false;
        }
        freeBytes -= cost;
        return true;
    }

    /** Measures now (the daemon's watcher calls this every second); returns true when writes are refused. */
    public synchronized boolean refresh() {
        measure(nanoClock.getAsLong());
        return full;
    }

    private void measure(final long nowNs) {
        measuredAtNs = nowNs;
        measurements++;
        try {
            freeBytes = fileStore.getUsableSpace();
        } catch (final IOException e) {
            // Cannot tell: assume full rather than risk a faulting mapped write.
            freeBytes = 0;
        }
        full = freeBytes < reserveBytes;
    }

    /** Pages a record can touch: its own, one more where it straddles, plus a page of map bookkeeping. */
    static long upperBound(final long recordBytes) {
        return (recordBytes + PAGE_BYTES - 1) / PAGE_BYTES * PAGE_BYTES + 2L * PAGE_BYTES;
    }

    /** True while writes are refused (as of the last measurement). */
    public synchronized boolean full() {
        return full;
    }

    /** Free bytes as last measured, less what writes since then may have taken. */
    public synchronized long freeBytes() {
        return freeBytes;
    }

    /** Writes are refused while fewer bytes than this are free. */
    public long reserveBytes() {
        return reserveBytes;
    }

    /** Writes refused for lack of disk space so far. */
    public synchronized long refused() {
        return refused;
    }

    /** File-system measurements so far (tests check that the hot path does not measure every write). */
    synchronized long measurements() {
        return measurements;
    }

    /** The directory whose file system is watched. */
    public Path dir() {
        return dir;
    }

    /** The one-line reason a write was refused, for replies and logs. */
    public String describe() {
        return "disk full: " + freeBytes() / 1024 + " KiB free on " + dir + ", writes need " + reserveBytes / 1024 + " KiB";
    }
}
