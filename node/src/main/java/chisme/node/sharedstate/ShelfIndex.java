package chisme.node.sharedstate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeSet;

/**
 * What anti-entropy needs to know about one shelf, kept current on every write (node thread only):
 * each key's hashes, a running summary (count and 128-bit XOR of entry hashes) and a 64-way tree of
 * buckets by key-hash prefix. Level L bucket b of node (L, prefix) holds keys whose top 6L bits equal
 * {@code prefix} and whose next 6 bits equal b (a Merkle-like range narrowing, as in Minsky and
 * Trachtenberg's set reconciliation; here with XOR sums so updates are O(1)). Entries are also kept in
 * ascending unsigned key-hash order (ties by key), the order BOOKS replies follow so that a cursor can resume
 * them (docs/shared-state.md "Anti-entropy").
 */
public final class ShelfIndex {
    /** Children per tree node. */
    public static final int FANOUT = 64;
    /** Deepest level (6 bits each: 4 levels use 24 prefix bits, which fit the u32 prefix field). */
    public static final int MAX_LEVEL = 4;

    /** One key's hashes. */
    public record Entry(String key, long keyHash, long hashHi, long hashLo) {
    }

    /** Ascending unsigned key hash, then key: the order of BOOK_REQUEST answers and their cursors. */
    static final Comparator<Entry> ORDER = (a, b) -> {
        final int c = Long.compareUnsigned(a.keyHash, b.keyHash);
        return c != 0 ? c : a.key.compareTo(b.key);
    };

    private final Map<String, Entry> entries = new HashMap<>();
    private final TreeSet<Entry> sorted = new TreeSet<>(ORDER);
    private long xorHi;
    private long xorLo;

    /** Adds or replaces the key's entry. */
    public void put(final String key, final long keyHash, final long hashHi, final long hashLo) {
        final Entry e = new Entry(key, keyHash, hashHi, hashLo);
        final Entry old = entries.put(key, e);
        if (old != null) {
            xorHi ^= old.hashHi;
            xorLo ^= old.hashLo;
            sorted.remove(old);
        }
        sorted.add(e);
        xorHi ^= hashHi;
        xorLo ^= hashLo;
    }

    /** Removes the key's entry if present. */
    public void remove(final String key) {
        final Entry old = entries.remove(key);
        if (old != null) {
            xorHi ^= old.hashHi;
            xorLo ^= old.hashLo;
            sorted.remove(old);
        }
    }

    public Entry entry(final String key) {
        return entries.get(key);
    }

    public int count() {
        return entries.size();
    }

    public long hashHi() {
        return xorHi;
    }

    public long hashLo() {
        return xorLo;
    }

    /** True when the key hash lies under tree node (level, prefix). */
    public static boolean under(final long keyHash, final int level, final long prefix) {
        return level == 0 || (keyHash >>> (64 - 6 * level)) == prefix;
    }

    /** Child bucket (0..63) of a key hash under a node at {@code level}. */
    public static int bucketOf(final long keyHash, final int level) {
        return (int) ((keyHash >>> (64 - 6 * (level + 1))) & (FANOUT - 1));
    }

    /** Fills counts[64] and hashes[64] with the children of node (level, prefix). */
    public void buckets(final int level, final long prefix, final int[] counts, final long[] hashes) {
        java.util.Arrays.fill(counts, 0);
        java.util.Arrays.fill(hashes, 0);
        for (final Entry e : ascending(level, prefix, false, 0)) {
            final int b = bucketOf(e.keyHash, level);
            counts[b]++;
            hashes[b] ^= e.hashHi;
        }
    }

    /** Entries under node (level, prefix), in ascending unsigned key-hash order. */
    public List<Entry> entriesUnder(final int level, final long prefix) {
        final List<Entry> out = new ArrayList<>();
        for (final Entry e : ascending(level, prefix, false, 0)) {
            out.add(e);
        }
        return out;
    }

    /** Lowest key hash under node (level, prefix). */
    static long rangeStart(final int level, final long prefix) {
        return level == 0 ? 0 : prefix << (64 - 6 * level);
    }

    /**
     * Entries under node (level, prefix) in ascending unsigned key-hash order; with {@code afterCursor} only
     * those whose key hash is above {@code cursor} (unsigned). A live view: do not change the index while
     * iterating it.
     */
    public Iterable<Entry> ascending(final int level, final long prefix, final boolean afterCursor, final long cursor) {
        final long start = rangeStart(level, prefix);
        final long from;
        if (!afterCursor || Long.compareUnsigned(cursor, start) < 0) {
            from = start;
        } else if (cursor == -1L) {
            return List.of(); // nothing is above the largest key hash
        } else {
            from = cursor + 1;
        }
        if (!under(from, level, prefix)) {
            return List.of();
        }
        final Entry probe = new Entry("", from, 0, 0); // "" sorts before every key of that hash
        return () -> new Iterator<>() {
            private final Iterator<Entry> tail = sorted.tailSet(probe, true).iterator();
            private Entry next = advance();

            private Entry advance() {
                if (!tail.hasNext()) {
                    return null;
                }
                final Entry e = tail.next();
                return under(e.keyHash, level, prefix) ? e : null; // sorted: the first key outside the range ends it
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public Entry next() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                final Entry e = next;
                next = advance();
                return e;
            }
        };
    }
}
