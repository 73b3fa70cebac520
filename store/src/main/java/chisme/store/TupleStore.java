package chisme.store;

import chisme.wire.NodeId;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.function.Consumer;

/**
 * The DHT's key-value tuples (160-bit key -> value up to 64 KiB plus metadata).
 * <p>
 * Thread contract: implementations backed by Chronicle Map must be called from long-lived threads
 * (Chronicle keeps per-thread state; a fresh virtual thread per call costs ~3 KB, see
 * shared/reference/java-platform.md).
 */
public interface TupleStore extends AutoCloseable {
    /** Inserts or replaces the tuple for {@code tuple.key()}. FULL / TOO_LARGE leave the store unchanged. */
    StoreStatus put(Tuple tuple);

    /**
     * Insert or replace from a buffer (the received STORE datagram), same semantics as {@link #put(Tuple)}.
     * Allocation-free in {@link ChronicleTupleStore} (the node's STORE handler uses it).
     */
    StoreStatus put(long hi, long mid, int lo, DirectBuffer value, int offset, int length, long publisherHi,
                    long publisherMid, int publisherLo, long publishedAtMs, long expiresAtMs, boolean original,
                    long lastStoreReceivedMs);

    /** The tuple, or null. Allocates: for slow paths. */
    Tuple get(NodeId key);

    /**
     * Copies the value of the key (hi, mid, lo) into {@code dst} at {@code offset} without allocating.
     * @return the value length, or -1 when absent (or expired at {@code nowMs}); if the value does not fit,
     *         -2 and nothing meaningful is copied.
     */
    int getValue(long hi, long mid, int lo, long nowMs, MutableDirectBuffer dst, int offset);

    /**
     * {@link #getValue(long, long, int, long, MutableDirectBuffer, int)} that also fills {@code meta} when the
     * value is returned (the node's FIND_VALUE handler: publisher and expiry for the VALUE reply).
     */
    int getValue(long hi, long mid, int lo, long nowMs, MutableDirectBuffer dst, int offset, TupleMeta meta);

    /**
     * Fills {@code meta} with the metadata of the key (hi, mid, lo), expired or not, without copying the
     * value; false when absent. Allocation-free in {@link ChronicleTupleStore}.
     */
    boolean readMeta(long hi, long mid, int lo, TupleMeta meta);

    boolean remove(NodeId key);

    /** Visits a snapshot of every tuple (replication, republish). */
    void forEach(Consumer<Tuple> action);

    /** Removes every tuple whose expiresAtMs is at or before nowMs; returns how many. */
    int expire(long nowMs);

    int size();

    /** Bytes counted against the byte quota (issue 12: the node keeps a share of both quotas for local writes). */
    default long bytes() {
        return 0;
    }

    /** Most tuples held. */
    default int maxTuples() {
        return Integer.MAX_VALUE;
    }

    /** Byte quota. */
    default long maxTupleBytes() {
        return Long.MAX_VALUE;
    }

    /** Maximum value size accepted by {@link #put}. */
    int maxValueBytes();

    @Override
    void close();
}
