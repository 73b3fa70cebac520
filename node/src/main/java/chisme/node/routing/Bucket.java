package chisme.node.routing;

/**
 * One k-bucket: a prefix of the XOR distance to our own id (a node of the binary tree of the Kademlia
 * paper, section 2.4, expressed in distance space so that our own id is the all-zero prefix) with up
 * to k contacts ordered least-recently-seen first, and a replacement cache ordered most recent first
 * (paper 4.1). Package-private; guarded by the owning table's lock.
 */
final class Bucket {
    /** Distance prefix (bits below {@link #prefixLength} are zero): also the lowest distance held. */
    final long pHi;
    final long pMid;
    final int pLo;
    /** Mask keeping the top prefixLength bits of a distance. */
    final long mHi;
    final long mMid;
    final int mLo;
    final int prefixLength;

    final Contact[] entries;
    int size;
    final Contact[] cache;
    int cacheSize;
    long lastTouchedMs;

    Bucket(final long pHi, final long pMid, final int pLo, final int prefixLength, final int k, final int cacheCapacity, final long lastTouchedMs) {
        this.prefixLength = prefixLength;
        this.mHi = maskHi(prefixLength);
        this.mMid = maskMid(prefixLength);
        this.mLo = maskLo(prefixLength);
        this.pHi = pHi & mHi;
        this.pMid = pMid & mMid;
        this.pLo = pLo & mLo;
        this.entries = new Contact[k];
        this.cache = new Contact[cacheCapacity];
        this.lastTouchedMs = lastTouchedMs;
    }

    static long maskHi(final int len) {
        return len <= 0 ? 0L : len >= 64 ? -1L : -1L << (64 - len);
    }

    static long maskMid(final int len) {
        return len <= 64 ? 0L : len >= 128 ? -1L : -1L << (128 - len);
    }

    static int maskLo(final int len) {
        return len <= 128 ? 0 : len >= 160 ? -1 : -1 << (160 - len);
    }

    /** True if a contact at distance (dHi, dMid, dLo) from our own id belongs here. */
    boolean holds(final long dHi, final long dMid, final int dLo) {
        return (dHi & mHi) == pHi && (dMid & mMid) == pMid && (dLo & mLo) == pLo;
    }

    /** True for the bucket whose range holds our own id (distance zero). */
    boolean holdsSelf() {
        return pHi == 0 && pMid == 0 && pLo == 0;
    }

    boolean full() {
        return size == entries.length;
    }

    int indexOf(final Contact c) {
        for (int i = 0; i < size; i++) {
            if (entries[i] == c) {
                return i;
            }
        }
        return -1;
    }

    void append(final Contact c) {
        entries[size++] = c;
        c.bucket = this;
        c.inCache = false;
    }

    /** Moves an entry to the tail (most recently seen), keeping the others' order. */
    void moveToTail(final Contact c) {
        final int i = indexOf(c);
        if (i < 0 || i == size - 1) {
            return;
        }
        System.arraycopy(entries, i + 1, entries, i, size - 1 - i);
        entries[size - 1] = c;
    }

    void removeAt(final int i) {
        System.arraycopy(entries, i + 1, entries, i, size - 1 - i);
        entries[--size] = null;
    }

    /** Replaces an entry in place (same position in the LRS order). */
    void replace(final Contact old, final Contact c) {
        final int i = indexOf(old);
        if (i >= 0) {
            entries[i] = c;
            c.bucket = this;
            c.inCache = false;
        }
    }

    /** Index of the first (least recently seen) stale entry, or -1. */
    int firstStale() {
        for (int i = 0; i < size; i++) {
            if (entries[i].isStale()) {
                return i;
            }
        }
        return -1;
    }

    int cacheIndexOf(final Contact c) {
        for (int i = 0; i < cacheSize; i++) {
            if (cache[i] == c) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Puts a contact at the front of the cache (most recent first). Returns the contact pushed out of
     * a full cache, or null.
     */
    Contact cachePushFront(final Contact c) {
        Contact dropped = null;
        if (cacheSize == cache.length) {
            dropped = cache[--cacheSize];
            cache[cacheSize] = null;
        }
        System.arraycopy(cache, 0, cache, 1, cacheSize);
        cache[0] = c;
        cacheSize++;
        c.bucket = this;
        c.inCache = true;
        return dropped;
    }

    void cacheMoveToFront(final Contact c) {
        final int i = cacheIndexOf(c);
        if (i <= 0) {
            return;
        }
        System.arraycopy(cache, 0, cache, 1, i);
        cache[0] = c;
    }

    void cacheRemoveAt(final int i) {
        System.arraycopy(cache, i + 1, cache, i, cacheSize - 1 - i);
        cache[--cacheSize] = null;
    }

    void cacheReplace(final Contact old, final Contact c) {
        final int i = cacheIndexOf(old);
        if (i >= 0) {
            cache[i] = c;
            c.bucket = this;
            c.inCache = true;
        }
    }

    /** Takes the most recent non-stale cache entry out of the cache, or returns null. */
    Contact cacheTakeFreshest() {
        for (int i = 0; i < cacheSize; i++) {
            final Contact c = cache[i];
            if (!c.isStale()) {
                cacheRemoveAt(i);
                return c;
            }
        }
        return null;
    }
}
