package chisme.node.sharedstate;

import chisme.store.Book;

import java.util.Arrays;

/**
 * The total order of versions of one key that every node applies identically: higher version first,
 * then the larger author id (the HLC tie-break), then a tombstone over live data, then the larger data
 * bytes (only reachable if one author reused a version, e.g. after its clock was reset). Remaining TTL
 * is deliberately not part of the order (it differs per node): equal books keep the larger TTL.
 */
public final class BookOrder {
    private BookOrder() {
    }

    /** Negative, zero or positive as {@code a} orders before, equal to or after {@code b}. */
    public static int compare(final Book a, final Book b) {
        int c = Long.compareUnsigned(a.version(), b.version());
        if (c != 0) {
            return c;
        }
        c = a.authorId().compareTo(b.authorId());
        if (c != 0) {
            return c;
        }
        c = Boolean.compare(a.tombstone(), b.tombstone());
        if (c != 0) {
            return c;
        }
        return Arrays.compareUnsigned(a.data(), b.data());
    }
}
