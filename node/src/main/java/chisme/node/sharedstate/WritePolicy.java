package chisme.node.sharedstate;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Who may write the books of a shelf (issue 12 item 2), checked on every remote book that would change
 * what we hold. Any signature present is verified whatever the policy.
 * <ul>
 *   <li>{@code open}: unsigned books too (LibreMesh's behaviour; content-addressed shelves by default:
 *       their key is the hash of the data, so the key already vouches for it).</li>
 *   <li>{@code author} (default when signing is on): books must be signed, and a book we hold that was
 *       signed by key K is replaced only by a version signed by K (the first writer of a key owns it
 *       until it expires).</li>
 *   <li>a list of key ids ({@code chisme status} shows a node's): books must be signed by one of them.</li>
 * </ul>
 *
 * @param kind   which rule
 * @param keyIds for {@link Kind#KEYS}: the allowed key ids (16 hex digits, lower case)
 */
public record WritePolicy(Kind kind, Set<String> keyIds) {
    public enum Kind { OPEN, AUTHOR, KEYS }

    public static final WritePolicy OPEN = new WritePolicy(Kind.OPEN, Set.of());
    public static final WritePolicy AUTHOR = new WritePolicy(Kind.AUTHOR, Set.of());

    public WritePolicy {
        keyIds = Set.copyOf(keyIds);
    }

    /** Parses "open", "author" or comma-separated key ids. */
    public static WritePolicy parse(final String text) {
        final String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("open")) {
            return OPEN;
        }
        if (t.equals("author")) {
            return AUTHOR;
        }
        final Set<String> ids = new LinkedHashSet<>();
        for (final String id : t.split(",")) {
            if (!id.trim().matches("[0-9a-f]{16}")) {
                throw new SharedStateException(SharedStateException.Code.BAD_CONFIG,
                    "writers: 'open', 'author' or key ids of 16 hex digits, got '" + ShelfNames.abbreviate(id.trim()) + "'");
            }
            ids.add(id.trim());
        }
        return new WritePolicy(Kind.KEYS, ids);
    }
}
