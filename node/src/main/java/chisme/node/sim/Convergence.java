package chisme.node.sim;

import chisme.node.kademlia.KademliaEngine;
import chisme.node.routing.Contact;
import chisme.wire.NodeId;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether a set of simulated nodes forms one network (issue 11): "connected" when the graph of routing-table
 * contacts has one component; "converged" when every node's table holds its true closest node (the one a
 * lookup for its own id must end at; without it lookups near that id end in a fragment of the network).
 * The true closest nodes are computed once for a fixed set (N squared distance comparisons).
 */
public final class Convergence {
    private final List<KademliaEngine> nodes;
    private final Map<InetSocketAddress, Integer> index = new HashMap<>();
    private final NodeId[] trueClosest;

    public Convergence(final List<KademliaEngine> nodes) {
        this.nodes = List.copyOf(nodes);
        this.trueClosest = new NodeId[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            index.put(nodes.get(i).localAddress(), i);
            final NodeId self = nodes.get(i).localId();
            NodeId best = null;
            for (final KademliaEngine other : nodes) {
                if (other != nodes.get(i) && (best == null || self.compareDistance(other.localId(), best) < 0)) {
                    best = other.localId();
                }
            }
            trueClosest[i] = best;
        }
    }

    /** Components of the undirected graph of table contacts among these nodes (1: one network). */
    public int components() {
        final int[] parent = new int[nodes.size()];
        for (int i = 0; i < parent.length; i++) {
            parent[i] = i;
        }
        int components = parent.length;
        for (int i = 0; i < nodes.size(); i++) {
            for (final Contact c : nodes.get(i).table().snapshot()) {
                final Integer j = index.get(c.address());
                if (j != null) {
                    final int a = find(parent, i);
                    final int b = find(parent, j);
                    if (a != b) {
                        parent[a] = b;
                        components--;
                    }
                }
            }
        }
        return components;
    }

    /** Nodes whose table does not name their true closest node as the closest it knows (0: converged). */
    public int missingClosest() {
        int missing = 0;
        final Contact[] first = new Contact[1];
        for (int i = 0; i < nodes.size(); i++) {
            final KademliaEngine e = nodes.get(i);
            // closest() reads the buckets only: a contact waiting in a replacement cache does not count.
            if (trueClosest[i] != null && (e.table().closest(e.localId(), 1, first) == 0 || !first[0].id().equals(trueClosest[i]))) {
                missing++;
            }
        }
        return missing;
    }

    private static int find(final int[] parent, final int i) {
        int r = i;
        while (parent[r] != r) {
            parent[r] = parent[parent[r]];
            r = parent[r];
        }
        return r;
    }
}
