package chisme.node.rpc;

import org.agrona.collections.Object2LongHashMap;

import java.net.InetSocketAddress;

/**
 * Addresses that have proved they receive what we send: each answered one of our calls, echoing its random
 * 64-bit transaction id ({@link RpcTracker}), which a host spoofing that address cannot see. Until an address
 * is in here, a reply to it may not be much larger than its request (issue 12 item 5; QUIC, RFC 9000
 * section 8.1: "an endpoint MUST NOT send more than three times as many bytes as the number of bytes it has
 * received" before the address is validated), so a node cannot be used to flood a spoofed victim.
 * <p>
 * Bounded in memory without a sweep: two generations of at most half the capacity each; the current one
 * becomes the previous one when it is full or half a proof lifetime old, and the previous one is dropped.
 * A proof therefore lasts between half and a whole lifetime unless renewed, and a flood of proofs from many
 * real addresses (each must answer us) only ages the others faster. Node thread only; no allocation once
 * the maps have grown.
 */
final class ProvenAddresses {
    private static final long ABSENT = Long.MIN_VALUE;

    private final int generationCapacity;
    private final long generationMs;
    private Object2LongHashMap<InetSocketAddress> current = new Object2LongHashMap<>(ABSENT);
    private Object2LongHashMap<InetSocketAddress> previous = new Object2LongHashMap<>(ABSENT);
    private long currentSinceMs = Long.MIN_VALUE;

    ProvenAddresses(final int capacity, final long ttlMs) {
        this.generationCapacity = Math.max(1, capacity / 2);
        this.generationMs = Math.max(1, ttlMs / 2);
    }

    /** {@code address} answered one of our calls at {@code nowMs}. */
    void prove(final InetSocketAddress address, final long nowMs) {
        rotateIfDue(nowMs);
        if (current.size() >= generationCapacity && !current.containsKey(address)) {
            rotate(nowMs);
        }
        current.put(address, nowMs);
    }

    /** True if {@code address} answered one of our calls within the last proof lifetime (at least half of it). */
    boolean isProven(final InetSocketAddress address, final long nowMs) {
        rotateIfDue(nowMs);
        return current.getValue(address) != ABSENT || previous.getValue(address) != ABSENT;
    }

    /** Addresses remembered now (both generations; one address may count twice). */
    int size() {
        return current.size() + previous.size();
    }

    private void rotateIfDue(final long nowMs) {
        if (currentSinceMs == Long.MIN_VALUE) {
            currentSinceMs = nowMs;
        } else {
            final long age = nowMs - currentSinceMs;
            if (age >= generationMs) {
                rotate(nowMs);
                if (age >= 2 * generationMs) {
                    previous.clear(); // no rotation for a whole lifetime: nothing in it is recent enough
                }
            }
        }
    }

    private void rotate(final long nowMs) {
        final Object2LongHashMap<InetSocketAddress> dropped = previous;
        previous = current;
        dropped.clear();
        current = dropped;
        currentSinceMs = nowMs;
    }
}
