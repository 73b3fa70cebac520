package chisme.node.sharedstate;

/** How a shelf merges concurrent edits of one key. */
public enum MergePolicy {
    /**
     * Last writer wins by version: every edit carries a hybrid logical clock timestamp with the author
     * id as tie-break, so every node orders edits of a key the same way whatever its wall clock says.
     * Re-inserting data equal to the held data only refreshes the TTL (fixes the seed's Pirania flip-flop).
     */
    LWW,
    /**
     * Content-addressed set (the seed's Pirania fix): key = hash of the data, books are immutable, so
     * edits make new keys and an application hook does its own second merge. A removal (tombstone)
     * beats the live copy.
     */
    CONTENT,
    /**
     * LibreMesh {@code shared-state-multiwriter} (network_nodes, pirania_persistent): any node writes any
     * key, the book data is the Lua entry {@code {lastModified, changes, fortune, author, data}} and the
     * version is {@code changes << 17 | fortune} ({@link MultiWriterEntry}), so the entry with more changes,
     * then the larger fortune, wins as in the Lua library. Books never expire: each node renews its copies'
     * local TTL (the Lua tool keeps them on flash for good).
     */
    MULTIWRITER;

    /** Parses "lww" / "content" / "multiwriter" (any case). */
    public static MergePolicy parse(final String s) {
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "lww" -> LWW;
            case "content" -> CONTENT;
            case "multiwriter" -> MULTIWRITER;
            default -> throw new SharedStateException(SharedStateException.Code.BAD_CONFIG,
                "unknown merge policy '" + ShelfNames.abbreviate(s) + "': use lww, content or multiwriter");
        };
    }
}
