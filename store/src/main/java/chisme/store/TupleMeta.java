package chisme.store;

/**
 * A tuple's metadata without its value, filled in place by {@link TupleStore#readMeta} and the metadata
 * form of {@link TupleStore#getValue}: the node's FIND_VALUE and STORE handlers read a tuple through one
 * reused instance instead of allocating a {@link Tuple} (and its value array) per request.
 * Not thread-safe: one instance per owning thread.
 */
public final class TupleMeta {
    long publisherHi;
    long publisherMid;
    int publisherLo;
    int valueLength;
    long publishedAtMs;
    long expiresAtMs;
    long lastStoreReceivedMs;
    boolean original;

    void set(final long publisherHi, final long publisherMid, final int publisherLo, final int valueLength,
             final long publishedAtMs, final long expiresAtMs, final boolean original, final long lastStoreReceivedMs) {
        this.publisherHi = publisherHi;
        this.publisherMid = publisherMid;
        this.publisherLo = publisherLo;
        this.valueLength = valueLength;
        this.publishedAtMs = publishedAtMs;
        this.expiresAtMs = expiresAtMs;
        this.original = original;
        this.lastStoreReceivedMs = lastStoreReceivedMs;
    }

    void set(final Tuple t) {
        set(t.publisher().hi(), t.publisher().mid(), t.publisher().lo(), t.value().length, t.publishedAtMs(),
            t.expiresAtMs(), t.original(), t.lastStoreReceivedMs());
    }

    public long publisherHi() {
        return publisherHi;
    }

    public long publisherMid() {
        return publisherMid;
    }

    public int publisherLo() {
        return publisherLo;
    }

    public int valueLength() {
        return valueLength;
    }

    public long publishedAtMs() {
        return publishedAtMs;
    }

    public long expiresAtMs() {
        return expiresAtMs;
    }

    /** True when this node is the original publisher. */
    public boolean original() {
        return original;
    }

    public long lastStoreReceivedMs() {
        return lastStoreReceivedMs;
    }
}
