package chisme.store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Heap {@link BookStore} with the same quotas and validation as {@link ChronicleBookStore}, for simulations
 * and unit tests; a shelf is a map of its books (dropped when empty), so it counts them itself. Not
 * persisted. Not thread-safe: owned by one thread.
 */
public final class InMemoryBookStore implements BookStore {
    private record Held(Book book, long recordBytes) {
    }

    private final HashMap<String, HashMap<String, Held>> shelves = new HashMap<>();
    private final int maxBooks;
    private final long maxBookBytes;
    private final int maxBookDataBytes;
    private int books;
    private long bytes;

    /** A store limited by the book settings of {@code config} (its data directory is ignored). */
    public InMemoryBookStore(final StoreConfig config) {
        config.conclude();
        this.maxBooks = config.maxBooks();
        this.maxBookBytes = config.maxBookBytes();
        this.maxBookDataBytes = config.maxBookDataBytes();
    }

    /** A store holding at most {@code maxBooks} books and {@code maxBookBytes} bytes (see {@link BookLayout}). */
    public InMemoryBookStore(final int maxBooks, final long maxBookBytes, final int maxBookDataBytes) {
        this(new StoreConfig().maxBooks(maxBooks).maxBookBytes(maxBookBytes).maxBookDataBytes(maxBookDataBytes)
            .averageBookDataBytes(Math.min(256, maxBookDataBytes)));
    }

    @Override
    public StoreStatus put(final Book book) {
        final StoreStatus invalid = BookLayout.check(book, maxBookDataBytes);
        if (invalid != null) {
            return invalid;
        }
        final int keyBytes = book.key().getBytes(StandardCharsets.UTF_8).length;
        final int nameBytes = book.authorName() == null ? 0 : book.authorName().getBytes(StandardCharsets.UTF_8).length;
        if (keyBytes > BookLayout.MAX_KEY_BYTES || nameBytes > BookLayout.MAX_AUTHOR_NAME_BYTES) {
            return StoreStatus.TOO_LARGE;
        }
        final long newBytes = BookLayout.recordBytes(book.shelf().length() + 1 + keyBytes, nameBytes, book.data().length)
            + (book.signature() == null ? 0 : BookLayout.SIGNATURE_BYTES);
        final HashMap<String, Held> shelf = shelves.get(book.shelf());
        final Held old = shelf == null ? null : shelf.get(book.key());
        if (old == null && books >= maxBooks) {
            return StoreStatus.FULL;
        }
        if (bytes - (old == null ? 0 : old.recordBytes()) + newBytes > maxBookBytes) {
            return StoreStatus.FULL;
        }
        final Book copy = new Book(book.shelf(), book.key(), book.authorId(), book.authorName() == null ? "" : book.authorName(),
            book.version(), book.expiresAtMs(), book.tombstone(), book.data().clone(),
            book.signature() == null ? null : book.signature().clone());
        shelves.computeIfAbsent(book.shelf(), s -> new HashMap<>()).put(book.key(), new Held(copy, newBytes));
        if (old != null) {
            bytes -= old.recordBytes();
        } else {
            books++;
        }
        bytes += newBytes;
        return StoreStatus.OK;
    }

    @Override
    public Book get(final String shelf, final String key) {
        final HashMap<String, Held> s = shelves.get(shelf);
        final Held h = s == null ? null : s.get(key);
        return h == null ? null : h.book();
    }

    @Override
    public boolean remove(final String shelf, final String key) {
        final HashMap<String, Held> s = shelves.get(shelf);
        final Held h = s == null ? null : s.remove(key);
        if (h == null) {
            return false;
        }
        if (s.isEmpty()) {
            shelves.remove(shelf);
        }
        dropped(h);
        return true;
    }

    private void dropped(final Held h) {
        bytes -= h.recordBytes();
        books--;
    }

    @Override
    public void forEach(final String shelf, final Consumer<Book> action) {
        final HashMap<String, Held> s = shelves.get(shelf);
        if (s == null) {
            return;
        }
        final List<Book> snapshot = new ArrayList<>(s.size());
        for (final Held h : s.values()) {
            snapshot.add(h.book());
        }
        snapshot.forEach(action);
    }

    @Override
    public int count(final String shelf) {
        final HashMap<String, Held> s = shelves.get(shelf);
        return s == null ? 0 : s.size();
    }

    @Override
    public Set<String> shelves() {
        return new TreeSet<>(shelves.keySet());
    }

    @Override
    public int expire(final long nowMs, final Consumer<Book> onExpired) {
        final List<Book> expired = new ArrayList<>();
        for (final Iterator<HashMap<String, Held>> si = shelves.values().iterator(); si.hasNext(); ) {
            final HashMap<String, Held> s = si.next();
            for (final Iterator<Held> it = s.values().iterator(); it.hasNext(); ) {
                final Held h = it.next();
                if (h.book().expiresAtMs() <= nowMs) {
                    it.remove();
                    dropped(h);
                    expired.add(h.book());
                }
            }
            if (s.isEmpty()) {
                si.remove();
            }
        }
        if (onExpired != null) {
            expired.forEach(onExpired);
        }
        return expired.size();
    }

    @Override
    public int size() {
        return books;
    }

    @Override
    public long bytes() {
        return bytes;
    }

    @Override
    public int maxBooks() {
        return maxBooks;
    }

    @Override
    public long maxBookBytes() {
        return maxBookBytes;
    }

    @Override
    public int maxDataBytes() {
        return maxBookDataBytes;
    }

    @Override
    public void close() {
        shelves.clear();
        books = 0;
        bytes = 0;
    }
}
