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

    /**
     * Why nodes lack their true closest node, one line each for at most {@code max} of them: the rank (among all
     * nodes, by distance) of the closest node they know, whether their true closest knows them or sits in their
     * replacement cache, their table size, and their merge counters (issue 11: which refresh never happened).
     */
    public List<String> explainMissing(final int max) {
        final List<String> out = new java.util.ArrayList<>();
        final Contact[] first = new Contact[1];
        for (int i = 0; i < nodes.size() && out.size() < max; i++) {
            final KademliaEngine e = nodes.get(i);
            final NodeId self = e.localId();
            if (trueClosest[i] == null || (e.table().closest(self, 1, first) > 0 && first[0].id().equals(trueClosest[i]))) {
                continue;
            }
            final NodeId known = e.table().size() == 0 ? null : first[0].id();
            int rank = 0;
            KademliaEngine y = null;
            for (final KademliaEngine o : nodes) {
                if (o != e && known != null && self.compareDistance(o.localId(), known) < 0) {
                    rank++;
                }
                if (o.localId().equals(trueClosest[i])) {
                    y = o;
                }
            }
            final boolean yKnowsUs = y != null && y.table().find(self) != null;
            final NodeId target = trueClosest[i];
            final int bucket = e.table().bucketOf(target);
            final boolean inCache = e.table().replacementContacts(bucket).stream().anyMatch(c -> c.id().equals(target));
            final java.util.Map<chisme.node.metrics.CounterId, Long> cs = e.counters().snapshot();
            out.add(String.format("node %d: knows rank %d as closest; table %d in %d buckets, bucket of the true closest %d holds %d"
                    + " (in its cache: %b); true closest knows it: %b, true closest's table %d; triggers %d probes %d quiet %d full %d"
                    + " refreshes %d joins %d; common prefix with true closest %d bits",
                i, rank, e.table().size(), e.table().bucketCount(), bucket, e.table().bucketSize(bucket), inCache, yKnowsUs,
                y == null ? -1 : y.table().size(), cs.getOrDefault(chisme.node.metrics.CounterId.MERGE_TRIGGERS, 0L),
                cs.getOrDefault(chisme.node.metrics.CounterId.MERGE_PROBES, 0L),
                cs.getOrDefault(chisme.node.metrics.CounterId.MERGE_PROBES_QUIET, 0L),
                cs.getOrDefault(chisme.node.metrics.CounterId.MERGE_SELF_LOOKUPS, 0L),
                cs.getOrDefault(chisme.node.metrics.CounterId.BUCKET_REFRESHES, 0L),
                cs.getOrDefault(chisme.node.metrics.CounterId.JOIN_ATTEMPTS, 0L), NodeId.BITS - 1 - self.bucketIndex(trueClosest[i])));
        }
        return out;
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
