package chisme.store;

import chisme.wire.ShelfName;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.MapSegmentContext;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@link BookStore} on a persisted Chronicle Map. Key {@code shelf 0x00 key}, value as {@link BookLayout}.
 * Per-shelf book counts live in memory: rebuilt by one pass on open, updated on every put/remove/expire.
 * Quotas are enforced before every insert.
 * <p>
 * Thread contract: one long-lived owner thread (see {@link ChronicleTupleStore}). Books are a slow path
 * (gossip every few seconds), so this store uses the allocating Map API.
 */
public final class ChronicleBookStore implements BookStore {
    static {
        ChronicleRuntime.init();
    }

    private final ChronicleMap<byte[], byte[]> map;
    private final Path file;
    private final int maxBooks;
    private final long maxBookBytes;
    private final int maxBookDataBytes;
    private final ShelfCounts counts = new ShelfCounts();
    /** Free-space guard of the data directory; null in tests that open a map without one. */
    private final DiskSpace disk;
    private int count;
    private long bytes;
    private long corruptDropped;
    private long droppedOnOpen;
    private long unreachableOnOpen;
    private long chronicleRejected;
    private boolean closed;

    ChronicleBookStore(final ChronicleMap<byte[], byte[]> map, final Path file, final int maxBooks,
                       final long maxBookBytes, final int maxBookDataBytes, final DiskSpace disk) {
        this.map = map;
        this.disk = disk;
        this.file = file;
        this.maxBooks = maxBooks;
        this.maxBookBytes = maxBookBytes;
        this.maxBookDataBytes = maxBookDataBytes;
        try {
            scan();
        } catch (final RuntimeException e) {
            close();
            throw e instanceof StoreException se ? se : new StoreException(file, "cannot read map: " + e, e);
        }
    }

    /** One pass on open, as {@link ChronicleTupleStore}: counts books per shelf, verifies records. */
    private void scan() {
        final long[] totalAndBad = new long[2];
        for (int i = 0; i < map.segments(); i++) {
            try (MapSegmentContext<byte[], byte[], ?> c = map.segmentContext(i)) {
                c.forEachSegmentEntry(e -> {
                    totalAndBad[0]++;
                    final byte[] k = e.key().get();
                    final byte[] v = e.value().get();
                    final Book book = BookCodec.decode(k, v);
                    if (book == null) {
                        totalAndBad[1]++;
                    } else {
                        count++;
                        bytes += (long) k.length + v.length;
                        counts.add(book);
                    }
                });
            }
        }
        unreachableOnOpen = OpenScan.unreachable(map, totalAndBad[0]);
        if (totalAndBad[1] == 0) {
            return;
        }
        OpenScan.refuseIfMostlyBad(file, "book", totalAndBad[0], totalAndBad[1]);
        for (int i = 0; i < map.segments(); i++) {
            try (MapSegmentContext<byte[], byte[], ?> c = map.segmentContext(i)) {
                c.forEachSegmentEntry(e -> {
                    if (BookCodec.decode(e.key().get(), e.value().get()) == null) {
                        corruptDropped++;
                        droppedOnOpen++;
                        e.doRemove();
                    }
                });
            }
        }
    }

    @Override
    public StoreStatus put(final Book book) {
        final StoreStatus invalid = BookLayout.check(book, maxBookDataBytes);
        if (invalid != null) {
            return invalid;
        }
        final byte[] keyUtf8 = book.key().getBytes(StandardCharsets.UTF_8);
        final byte[] name = book.authorName() == null ? new byte[0] : book.authorName().getBytes(StandardCharsets.UTF_8);
        if (keyUtf8.length > BookLayout.MAX_KEY_BYTES || name.length > BookLayout.MAX_AUTHOR_NAME_BYTES) {
            return StoreStatus.TOO_LARGE;
        }
        final byte[] k = BookLayout.key(book.shelf(), book.key());
        final byte[] record = BookCodec.encode(book, name);
        final long newBytes = (long) k.length + record.length;
        final byte[] oldRecord = map.get(k);
        final Book old = oldRecord == null ? null : BookCodec.decode(k, oldRecord);
        final long oldBytes = oldRecord == null ? 0 : (long) k.length + oldRecord.length;
        if (oldRecord == null && count >= maxBooks) {
            return StoreStatus.FULL;
        }
        if (bytes - oldBytes + newBytes > maxBookBytes) {
            return StoreStatus.FULL;
        }
        if (disk != null && !disk.allowWrite(newBytes)) {
            return StoreStatus.DISK_FULL;
        }
        try {
            map.put(k, record);
        } catch (final IllegalStateException ex) {
            chronicleRejected++;
            return StoreStatus.FULL;
        }
        if (oldRecord == null) {
            count++;
        } else if (old != null) {
            counts.remove(old);
        }
        counts.add(BookCodec.decode(k, record));
        bytes += newBytes - oldBytes;
        return StoreStatus.OK;
    }

    @Override
    public Book get(final String shelf, final String key) {
        if (!ShelfName.valid(shelf)) {
            return null;
        }
        final byte[] k = BookLayout.key(shelf, key);
        final byte[] v = map.get(k);
        if (v == null) {
            return null;
        }
        final Book book = BookCodec.decode(k, v);
        if (book == null) {
            corruptDropped++;
        }
        return book;
    }

    @Override
    public boolean remove(final String shelf, final String key) {
        if (!ShelfName.valid(shelf)) {
            return false;
        }
        final byte[] k = BookLayout.key(shelf, key);
        final byte[] v = map.remove(k);
        if (v == null) {
            return false;
        }
        dropped(k, v);
        return true;
    }

    private void dropped(final byte[] k, final byte[] v) {
        count--;
        bytes -= (long) k.length + v.length;
        final Book old = BookCodec.decode(k, v);
        if (old != null) {
            counts.remove(old);
        }
    }

    @Override
    public void forEach(final String shelf, final Consumer<Book> action) {
        if (counts.count(shelf) == 0) {
            return;
        }
        final byte[] prefix = BookLayout.key(shelf, "");
        final List<Book> snapshot = new ArrayList<>(counts.count(shelf));
        for (int i = 0; i < map.segments(); i++) {
            try (MapSegmentContext<byte[], byte[], ?> c = map.segmentContext(i)) {
                c.forEachSegmentEntry(e -> {
                    final byte[] k = e.key().get();
                    if (startsWith(k, prefix)) {
                        final Book b = BookCodec.decode(k, e.value().get());
                        if (b != null) {
                            snapshot.add(b);
                        }
                    }
                });
            }
        }
        snapshot.forEach(action);
    }

    private static boolean startsWith(final byte[] k, final byte[] prefix) {
        if (k.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (k[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int count(final String shelf) {
        return counts.count(shelf);
    }

    @Override
    public Set<String> shelves() {
        return counts.names();
    }

    @Override
    public int expire(final long nowMs, final Consumer<Book> onExpired) {
        final List<Book> expired = new ArrayList<>();
        final int before = count;
        for (int i = 0; i < map.segments(); i++) {
            try (MapSegmentContext<byte[], byte[], ?> c = map.segmentContext(i)) {
                c.forEachSegmentEntry(e -> {
                    final byte[] k = e.key().get();
                    final byte[] v = e.value().get();
                    final Book b = BookCodec.decode(k, v);
                    if (b == null || b.expiresAtMs() <= nowMs) {
                        e.doRemove();
                        dropped(k, v);
                        if (b != null) {
                            expired.add(b);
                        }
                    }
                });
            }
        }
        if (onExpired != null) {
            expired.forEach(onExpired);
        }
        return before - count;
    }

    /** Books held over all shelves. */
    public int size() {
        return count;
    }

    /** Bytes counted against the byte quota. */
    public long bytes() {
        return bytes;
    }

    /** Entry quota in force. */
    public int maxBooks() {
        return maxBooks;
    }

    /** Byte quota in force. */
    public long maxBookBytes() {
        return maxBookBytes;
    }

    /** Records dropped because their checksum or lengths did not match. */
    public long corruptDropped() {
        return corruptDropped;
    }

    /** Damaged records found and removed by the open pass. */
    public long droppedOnOpen() {
        return droppedOnOpen;
    }

    /** Records counted by the map's segment headers that the open pass could not reach. */
    public long unreachableOnOpen() {
        return unreachableOnOpen;
    }

    /** Inserts Chronicle refused although the quota allowed them; 0 unless the sizing is wrong. */
    public long chronicleRejected() {
        return chronicleRejected;
    }

    /** The map file. */
    public Path file() {
        return file;
    }

    @Override
    public int maxDataBytes() {
        return maxBookDataBytes;
    }

    /** Closes the map; prefer {@link Stores#close()}, which also writes the clean-shutdown marker. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            map.close();
        }
    }
}
