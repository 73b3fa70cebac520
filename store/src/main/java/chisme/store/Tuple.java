package chisme.store;

import chisme.wire.NodeId;

/**
 * A DHT key-value tuple with the metadata the xlattice timers need (section "Replication rules"):
 * the original publisher and publication time (expiry counts from it), our local expiry, whether we
 * are the original publisher (we republish every tRepublish), and when we last received a STORE for
 * it (replication skips keys stored within the last tReplicate).
 * <p>
 * On-heap convenience form for slow paths; the hot path uses {@link TupleStore#getValue}.
 */
public record Tuple(NodeId key, byte[] value, NodeId publisher, long publishedAtMs, long expiresAtMs,
                    boolean original, long lastStoreReceivedMs) {
}
