package chisme.node.kademlia;

import chisme.node.routing.Contact;
import chisme.wire.NodeId;

import java.net.InetSocketAddress;

/**
 * An immutable copy of a routing-table entry for other threads (CLI {@code contacts}, the contacts file,
 * shared-state's neighbours, tests), made on the node thread: the table and its contacts are the node
 * thread's alone (RoutingTable's thread contract).
 *
 * @param bucket     k-bucket index (2^bucket &lt;= distance &lt; 2^(bucket+1))
 * @param lastSeenMs node clock time of the last message from it
 * @param failures   consecutive failed requests
 */
public record ContactInfo(NodeId id, InetSocketAddress address, int bucket, long lastSeenMs, int failures) {
    /** The copy of {@code c} as seen by the node {@code self} (node thread). */
    public static ContactInfo of(final Contact c, final NodeId self) {
        return new ContactInfo(c.id(), c.address(), self.bucketIndex(c.id()), c.lastSeenMs(), c.failures());
    }
}
