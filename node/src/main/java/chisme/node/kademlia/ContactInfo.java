package chisme.node.kademlia;

import chisme.wire.NodeId;

import java.net.InetSocketAddress;

/**
 * An immutable copy of a routing-table entry for other threads (CLI {@code contacts}, tests).
 *
 * @param bucket     k-bucket index (2^bucket &lt;= distance &lt; 2^(bucket+1))
 * @param lastSeenMs node clock time of the last message from it
 * @param failures   consecutive failed requests
 */
public record ContactInfo(NodeId id, InetSocketAddress address, int bucket, long lastSeenMs, int failures) {
}
