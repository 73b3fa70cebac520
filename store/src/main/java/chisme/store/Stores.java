package chisme.store;

import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;
import java.util.List;
import java.util.ArrayList;

/**
 * Opens the node's persisted stores in one data directory:
 * <pre>
 *   store.meta      format name, version and creation sizes ({@link StoreMeta})
 *   store.lock      held (OS file lock) while open: one process per directory
 *   tuples.cm3      Chronicle Map of DHT tuples ({@link TupleLayout})
 *   books.cm3       Chronicle Map of shared-state books ({@link BookLayout})
 *   clean-shutdown  written by {@link #close()}, deleted on open
 * </pre>
 * When {@code clean-shutdown} is missing at open (kill -9, power loss, crash) the maps are opened with
 * Chronicle's recovery ({@code recoverPersistedTo(file, true)}): a plain reopen would wait 60 s on the
 * segment locks the dead process held and then fail (java-platform.md).
 * <p>
 * Thread contract: open, use and close from long-lived threads; each store is owned by one thread.
 */
public final class Stores implements AutoCloseable {
    static {
        ChronicleRuntime.init();
    }

    public static final String META_FILE = "store.meta";
    public static final String LOCK_FILE = "store.lock";
    public static final String TUPLES_FILE = "tuples.cm3";
    public static final String BOOKS_FILE = "books.cm3";
    public static final String CLEAN_SHUTDOWN_FILE = "clean-shutdown";

    private final Path dataDir;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final ChronicleTupleStore tuples;
    private final ChronicleBookStore books;
    private final boolean recovered;
    private final boolean deleteOnClose;
    private final DiskSpace disk;
    private boolean closed;

    private Stores(final Path dataDir, final FileChannel lockChannel, final FileLock lock, final ChronicleTupleStore tuples,
                   final ChronicleBookStore books, final boolean recovered, final boolean deleteOnClose, final DiskSpace disk) {
        this.disk = disk;
        this.dataDir = dataDir;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.tuples = tuples;
        this.books = books;
        this.recovered = recovered;
        this.deleteOnClose = deleteOnClose;
    }

    /**
     * Opens (creating if needed) the stores under {@code config.dataDir()}.
     * @throws StoreException naming the file when the directory is in use, the metadata is from an
     *         incompatible version, or a map file is corrupt. Nothing is ever wiped.
     */
    public static Stores open(final StoreConfig config) {
        return open(config, false);
    }

    /** Opens stores in a fresh temporary directory deleted on {@link #close()} (for {@code demo} and tests). */
    public static Stores openTemporary(final StoreConfig config) {
        try {
            return open(config.dataDir(Files.createTempDirectory("chisme-store-")), true);
        } catch (final IOException e) {
            throw new StoreException(null, "cannot create a temporary data directory: " + e.getMessage(), e);
        }
    }

    private static Stores open(final StoreConfig config, final boolean deleteOnClose) {
        config.conclude();
        final Path dir = config.dataDir();
        try {
            Files.createDirectories(dir);
        } catch (final IOException e) {
            throw new StoreException(dir, "cannot create data directory: " + e.getMessage(), e);
        }
        final Path lockFile = dir.resolve(LOCK_FILE);
        FileChannel channel = null;
        FileLock lock;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            lock = channel.tryLock();
        } catch (final IOException | OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            closeQuietly(channel);
            throw new StoreException(lockFile, "data directory is in use by another chisme process");
        }
        ChronicleTupleStore tuples = null;
        try {
            final Path metaFile = dir.resolve(META_FILE);
            final Path tuplesFile = dir.resolve(TUPLES_FILE);
            final Path booksFile = dir.resolve(BOOKS_FILE);
            final StoreMeta meta;
            final boolean existing = Files.exists(metaFile);
            final DiskSpace disk = DiskSpace.of(dir, config.minFreeDiskBytes());
            if ((!Files.exists(tuplesFile) || !Files.exists(booksFile)) && disk.full()) {
                // Creating a map writes its header pages: on a full file system that write would fault.
                throw new StoreException(dir, "not enough free disk to create the store: " + disk.freeBytes() / 1024
                    + " KiB free, " + config.minFreeDiskBytes() / 1024 + " KiB needed (min-free-disk-mb)");
            }
            if (existing) {
                meta = StoreMeta.read(metaFile);
                for (final Path f : new Path[] {tuplesFile, booksFile}) {
                    if (!Files.exists(f) && !config.resetStore()) {
                        // Starting empty here would silently lose everything the file held.
                        throw new StoreException(f, "missing beside " + META_FILE + ": its records are lost; start with"
                            + " --reset-store to create it empty");
                    }
                }
            } else {
                for (final Path f : new Path[] {tuplesFile, booksFile}) {
                    if (Files.exists(f)) {
                        throw new StoreException(f, "map file without " + META_FILE
                            + ": not a chisme store or from an incompatible version");
                    }
                }
                meta = StoreMeta.of(config);
                meta.write(metaFile);
            }
            final Path marker = dir.resolve(CLEAN_SHUTDOWN_FILE);
            final boolean clean;
            try {
                clean = Files.deleteIfExists(marker);
            } catch (final IOException e) {
                throw new StoreException(marker, "cannot delete clean-shutdown marker: " + e.getMessage(), e);
            }
            final boolean recover = !clean && (Files.exists(tuplesFile) || Files.exists(booksFile));

            tuples = new ChronicleTupleStore(openMap(tupleBuilder(meta), tuplesFile, recover), tuplesFile,
                Math.min(config.maxTuples(), meta.maxTuples()), Math.min(config.maxTupleBytes(), meta.maxTupleBytes()),
                Math.min(config.maxValueBytes(), meta.maxValueBytes()), disk);
            final ChronicleBookStore books = new ChronicleBookStore(openMap(bookBuilder(meta), booksFile, recover), booksFile,
                Math.min(config.maxBooks(), meta.maxBooks()), Math.min(config.maxBookBytes(), meta.maxBookBytes()),
                Math.min(config.maxBookDataBytes(), meta.maxBookDataBytes()), disk);
            return new Stores(dir, channel, lock, tuples, books, recover, deleteOnClose, disk);
        } catch (final RuntimeException e) {
            if (tuples != null) {
                tuples.close();
            }
            closeQuietly(channel);
            throw e;
        }
    }

    static ChronicleMapBuilder<byte[], byte[]> tupleBuilder(final StoreMeta meta) {
        final ChronicleSizing sizing = new ChronicleSizing(meta.maxTuples(), meta.maxTupleBytes(),
            TupleLayout.recordBytes(meta.averageValueBytes()), TupleLayout.recordBytes(meta.maxValueBytes()));
        return sizing.apply(ChronicleMapBuilder.of(byte[].class, byte[].class)
            .name("chisme-tuples")
            .sparseFile(true)
            .constantKeySizeBySample(new byte[TupleLayout.KEY_BYTES])
            .averageValueSize(TupleLayout.HEADER_BYTES + meta.averageValueBytes()));
    }

    /** A typical book key: a 5-byte shelf name, 0, a 15-byte address. */
    private static final int AVERAGE_BOOK_KEY_BYTES = 21;
    /** A typical author name: a host name. */
    private static final int AVERAGE_AUTHOR_NAME_BYTES = 16;

    static ChronicleMapBuilder<byte[], byte[]> bookBuilder(final StoreMeta meta) {
        final long average = BookLayout.recordBytes(AVERAGE_BOOK_KEY_BYTES, AVERAGE_AUTHOR_NAME_BYTES,
            meta.averageBookDataBytes());
        final long largest = BookLayout.recordBytes(BookLayout.MAX_SHELF_BYTES + 1 + BookLayout.MAX_KEY_BYTES,
            BookLayout.MAX_AUTHOR_NAME_BYTES, meta.maxBookDataBytes()) + BookLayout.SIGNATURE_BYTES;
        final ChronicleSizing sizing = new ChronicleSizing(meta.maxBooks(), meta.maxBookBytes(), average, largest);
        return sizing.apply(ChronicleMapBuilder.of(byte[].class, byte[].class)
            .name("chisme-books")
            .sparseFile(true)
            .averageKeySize(AVERAGE_BOOK_KEY_BYTES)
            .averageValueSize(BookLayout.HEADER_BYTES + AVERAGE_AUTHOR_NAME_BYTES + meta.averageBookDataBytes()));
    }

    private static ChronicleMap<byte[], byte[]> openMap(final ChronicleMapBuilder<byte[], byte[]> builder, final Path file,
                                                        final boolean recover) {
        final boolean existed = Files.exists(file);
        if (existed) {
            MapFileCheck.check(file);
        }
        try {
            return recover ? builder.recoverPersistedTo(file.toFile(), true) : builder.createPersistedTo(file.toFile());
        } catch (final IOException | RuntimeException e) {
            throw new StoreException(file, (recover ? "cannot recover map: " : "cannot open map: ") + MapOpenFault.oneLine(e), e);
        } catch (final Error e) {
            throw new StoreException(file, MapOpenFault.describe(e, existed), e);
        }
    }

    private static void closeQuietly(final FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (final IOException ignored) {
                // Nothing useful to do: the lock goes with the channel.
            }
        }
    }

    /** The DHT tuple store. */
    public ChronicleTupleStore tuples() {
        return tuples;
    }

    /** The shared-state book store. */
    public ChronicleBookStore books() {
        return books;
    }

    /** The free-space guard every write of both stores passes. */
    public DiskSpace disk() {
        return disk;
    }

    /**
     * One line per kind of damage the open pass found and removed or could not reach (empty when none),
     * e.g. {@code tuples.cm3: 19 damaged records dropped at open}. The daemon logs these at start.
     */
    public List<String> damage() {
        final List<String> out = new ArrayList<>();
        damage(out, TUPLES_FILE, tuples.droppedOnOpen(), tuples.unreachableOnOpen());
        damage(out, BOOKS_FILE, books.droppedOnOpen(), books.unreachableOnOpen());
        return out;
    }

    private static void damage(final List<String> out, final String file, final long dropped, final long unreachable) {
        if (dropped > 0) {
            out.add(file + ": " + dropped + " damaged records dropped at open (checksum or length mismatch)");
        }
        if (unreachable > 0) {
            out.add(file + ": " + unreachable + " records counted by the map but unreachable (damaged index): lost");
        }
    }

    /** True when this open found no clean-shutdown marker and ran Chronicle's recovery. */
    public boolean recovered() {
        return recovered;
    }

    /** The data directory. */
    public Path dataDir() {
        return dataDir;
    }

    /** Closes both maps, then writes the clean-shutdown marker and releases the directory lock. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        tuples.close();
        books.close();
        try {
            Files.writeString(dataDir.resolve(CLEAN_SHUTDOWN_FILE), "clean\n");
            lock.release();
        } catch (final IOException e) {
            throw new StoreException(dataDir.resolve(CLEAN_SHUTDOWN_FILE), "cannot write clean-shutdown marker: "
                + e.getMessage(), e);
        } finally {
            closeQuietly(lockChannel);
        }
        if (deleteOnClose) {
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (final IOException e) {
                throw new StoreException(dataDir, "cannot delete temporary data directory: " + e.getMessage(), e);
            }
        }
    }
}
