package chisme.store;

import java.util.HashMap;
import java.util.Set;
import java.util.TreeSet;

/**
 * Per-shelf running count and 128-bit XOR of entry hashes ({@link BookStore#entryHash}). XOR makes add and
 * remove the same operation, so the summary is kept current on every put/remove/expire in O(1). Kept in
 * memory; rebuilt by one pass over the store on open.
 */
final class ShelfSummaries {
    private static final class Acc {
        int count;
        long hi;
        long lo;
    }

    private final HashMap<String, Acc> shelves = new HashMap<>();
    private final long[] hash = new long[2];

    void add(final Book book) {
        BookStore.entryHash(book, hash);
        final Acc acc = shelves.computeIfAbsent(book.shelf(), s -> new Acc());
        acc.count++;
        acc.hi ^= hash[0];
        acc.lo ^= hash[1];
    }

    void remove(final Book book) {
        final Acc acc = shelves.get(book.shelf());
        if (acc == null) {
            return;
        }
        BookStore.entryHash(book, hash);
        acc.count--;
        acc.hi ^= hash[0];
        acc.lo ^= hash[1];
        if (acc.count <= 0) {
            shelves.remove(book.shelf());
        }
    }

    int count(final String shelf) {
        final Acc acc = shelves.get(shelf);
        return acc == null ? 0 : acc.count;
    }

    ShelfSummary summary(final String shelf) {
        final Acc acc = shelves.get(shelf);
        return acc == null ? ShelfSummary.EMPTY : new ShelfSummary(acc.count, acc.hi, acc.lo);
    }

    Set<String> names() {
        return new TreeSet<>(shelves.keySet());
    }

    void clear() {
        shelves.clear();
    }
}
