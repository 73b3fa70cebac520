package chisme.node.security;

import chisme.store.BookStore;
import chisme.store.TupleStore;

/**
 * Space remote peers may not take (issue 12 item 6): remote STOREs and remote books may fill a store only
 * up to {@code 1 - SHARE} of its entry and byte quotas, so local publishes and {@code shelf insert}
 * still succeed after one address has sent 255 STOREs of 64 KiB or 20,000 books. Replacing an entry
 * already held never counts (it adds nothing). The byte figure for a newcomer is its payload only
 * (the store adds its record overhead): the reserve is a share, not an exact line.
 */
public final class LocalWriteReserve {
    /** Share of each quota kept for local writes. */
    public static final double SHARE = 0.2;

    private LocalWriteReserve() {
    }

    /** True when a remote peer may add a new tuple of {@code valueBytes}. */
    public static boolean remoteMayAdd(final TupleStore store, final int valueBytes) {
        return fits(store.size(), store.maxTuples(), store.bytes() + valueBytes, store.maxTupleBytes());
    }

    /** True when a remote peer may add a new book of {@code dataBytes}. */
    public static boolean remoteMayAdd(final BookStore store, final int dataBytes) {
        return fits(store.size(), store.maxBooks(), store.bytes() + dataBytes, store.maxBookBytes());
    }

    private static boolean fits(final int count, final int maxCount, final long bytesAfter, final long maxBytes) {
        return count + 1 <= (long) (maxCount * (1 - SHARE)) && bytesAfter <= (long) (maxBytes * (1 - SHARE));
    }
}
