package chisme.node.sharedstate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What anti-entropy needs to know about one shelf, kept current on every write (node thread only):
 * each key's hashes, a running summary (count and 128-bit XOR of entry hashes) and a 64-way tree of
 * buckets by key-hash prefix. Level L bucket b of node (L, prefix) holds keys whose top 6L bits equal
 * {@code prefix} and whose next 6 bits equal b (a Merkle-like range narrowing, as in Minsky and
 * Trachtenberg's set reconciliation; here with XOR sums so updates are O(1)).
 */
public final class ShelfIndex {
    /** Children per tree node. */
    public static final int FANOUT = 64;
    /** Deepest level (6 bits each: 4 levels use 24 prefix bits, which fit the u32 prefix field). */
    public static final int MAX_LEVEL = 4;

    /** One key's hashes. */
    public record Entry(String key, long keyHash, long hashHi, long hashLo) {
    }

    private final Map<String, Entry> entries = new HashMap<>();
    private long xorHi;
    private long xorLo;

    /** Adds or replaces the key's entry. */
    public void put(final String key, final long keyHash, final long hashHi, final long hashLo) {
        final Entry old = entries.put(key, new Entry(key, keyHash, hashHi, hashLo));
        if (old != null) {
            xorHi ^= old.hashHi;
            xorLo ^= old.hashLo;
        }
        xorHi ^= hashHi;
        xorLo ^= hashLo;
    }

    /** Removes the key's entry if present. */
    public void remove(final String key) {
        final Entry old = entries.remove(key);
        if (old != null) {
            xorHi ^= old.hashHi;
            xorLo ^= old.hashLo;
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
        for (final Entry e : entries.values()) {
            if (under(e.keyHash, level, prefix)) {
                final int b = bucketOf(e.keyHash, level);
                counts[b]++;
                hashes[b] ^= e.hashHi;
            }
        }
    }

    /** Entries under node (level, prefix). */
    public List<Entry> entriesUnder(final int level, final long prefix) {
        final List<Entry> out = new ArrayList<>();
        for (final Entry e : entries.values()) {
            if (under(e.keyHash, level, prefix)) {
                out.add(e);
            }
        }
        return out;
    }
}
