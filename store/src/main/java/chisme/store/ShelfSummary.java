package chisme.store;

/**
 * A cheap summary of a shelf, maintained on every write: the number of books and a 128-bit XOR of
 * their entry hashes (see {@link BookStore#entryHash}). Two nodes holding the same (key, version,
 * tombstone) set have equal summaries, whatever their remaining TTLs; gossip compares these first.
 */
public record ShelfSummary(int count, long hashHi, long hashLo) {
    public static final ShelfSummary EMPTY = new ShelfSummary(0, 0, 0);
}
