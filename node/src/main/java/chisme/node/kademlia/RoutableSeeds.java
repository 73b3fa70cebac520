package chisme.node.kademlia;

import chisme.node.routing.RoutableAddress;

import java.net.InetSocketAddress;

/**
 * Which addresses may seed a merge run or a join attempt: routable unicast only (issue 12 item 7, the rule
 * {@link RoutableAddress} applies to contacts named in NODES replies). Saved contacts, discovered neighbours
 * and table contacts are checked as a contact a peer named; loopback is allowed only to a node that is
 * reachable on loopback itself (bound to a loopback or the wildcard address: nodes of one machine, tests, the
 * simulator), never multicast, broadcast, unspecified or port 0. The configured {@code join} addresses are the
 * operator's own choice and are not filtered.
 */
final class RoutableSeeds {
    private RoutableSeeds() {
    }

    static boolean routable(final InetSocketAddress address, final InetSocketAddress local) {
        if (address == null || address.isUnresolved()) {
            return false;
        }
        final boolean localOnLoopback = local != null && !local.isUnresolved()
            && (local.getAddress().isLoopbackAddress() || local.getAddress().isAnyLocalAddress());
        return RoutableAddress.routable(address.getAddress().getAddress(), address.getPort(), localOnLoopback);
    }
}
