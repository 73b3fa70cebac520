package chisme.store;

import java.util.Set;
import java.util.function.Consumer;

/**
 * Shared-state books keyed by (shelf, book key). The merge decision belongs to the caller
 * (node.sharedstate); the store persists what it is told and keeps per-shelf counts current.
 */
public interface BookStore extends AutoCloseable {
    /** Inserts or replaces the book. FULL / TOO_LARGE leave the store unchanged. */
    StoreStatus put(Book book);

    /** The book, or null. */
    Book get(String shelf, String key);

    boolean remove(String shelf, String key);

    /** Visits a snapshot of the shelf's books. */
    void forEach(String shelf, Consumer<Book> action);

    int count(String shelf);

    /** Names of shelves holding at least one book. */
    Set<String> shelves();

    /** Removes books with expiresAtMs at or before nowMs, telling {@code onExpired} of each; returns how many. */
    int expire(long nowMs, Consumer<Book> onExpired);

    /** Books held over all shelves (issue 12: the node keeps a share of both quotas for local writes). */
    default int size() {
        return 0;
    }

    /** Bytes counted against the byte quota. */
    default long bytes() {
        return 0;
    }

    /** Most books held. */
    default int maxBooks() {
        return Integer.MAX_VALUE;
    }

    /** Byte quota. */
    default long maxBookBytes() {
        return Long.MAX_VALUE;
    }

    /** Maximum size of a book's data accepted by {@link #put}. */
    int maxDataBytes();

    @Override
    void close();
}
