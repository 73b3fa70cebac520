package chisme.store;

import java.util.HashMap;
import java.util.Set;
import java.util.TreeSet;

/**
 * Books per shelf, kept current on every put/remove/expire in O(1) so {@link BookStore#count} and
 * {@link BookStore#shelves} of {@link ChronicleBookStore} need no scan of the map. Kept in memory; rebuilt by
 * one pass over the store on open.
 * (Shelf hashes for anti-entropy live in the node's ShelfIndex, which hashes what gossip compares.)
 */
final class ShelfCounts {
    private final HashMap<String, int[]> shelves = new HashMap<>();

    void add(final Book book) {
        shelves.computeIfAbsent(book.shelf(), s -> new int[1])[0]++;
    }

    void remove(final Book book) {
        final int[] n = shelves.get(book.shelf());
        if (n != null && --n[0] <= 0) {
            shelves.remove(book.shelf());
        }
    }

    int count(final String shelf) {
        final int[] n = shelves.get(shelf);
        return n == null ? 0 : n[0];
    }

    Set<String> names() {
        return new TreeSet<>(shelves.keySet());
    }
}
