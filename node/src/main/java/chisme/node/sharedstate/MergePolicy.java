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
    CONTENT;

    /** Parses "lww" / "content" (any case). */
    public static MergePolicy parse(final String s) {
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "lww" -> LWW;
            case "content" -> CONTENT;
            default -> throw new SharedStateException(SharedStateException.Code.BAD_CONFIG,
                "unknown merge policy '" + ShelfNames.abbreviate(s) + "': use lww or content");
        };
    }
}
