package chisme.node.kademlia;

import chisme.node.metrics.CounterId;
import chisme.node.routing.Contact;
import chisme.node.routing.RoutableAddress;
import chisme.node.rpc.ResponseListener;
import chisme.node.rpc.RpcTracker;
import chisme.wire.HeaderFlyweight;
import chisme.wire.MessageFlyweight;
import chisme.wire.MessageType;
import chisme.wire.NodeId;
import chisme.wire.NodesFlyweight;
import org.agrona.DirectBuffer;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Before a merge run (issue 11): is there a part of the network near us that our table lacks? A narrow walk
 * toward our own id from each seed, one FIND_NODE at a time (alpha = 1, no shortlist): each reply's nearest
 * node to us that is nearer than the node that named it is asked next, until a reply names a node our table
 * would take (its bucket has room, or it is nearer to us than our k-th closest: the merge is real) or the walk
 * stops getting nearer (quiet: the seeds' network agrees with our table about our neighbourhood).
 * <p>
 * Why a walk and not one question: session 4's probe asked each seed once. A seed far from us in XOR (a new
 * far range, or a stranger landing in a full bucket's cache: how a merge first reaches most nodes) knows only
 * a bucket's worth of random nodes of our half of the id space; none is nearer than our k-th closest, so the
 * probe was quiet, and the self-lookup that would have followed them into the other network's part near us
 * never ran. Measured: a 2,500-node boot with no late nodes left 461 nodes without their true closest after
 * 600 virtual s (docs/benchmarks.md, issue 11). The walk costs a few hops (each halves the distance at least)
 * where a full run costs a self-lookup of ~k queries plus up to 8 bucket refreshes and the PINGs they cause.
 */
final class MergeProbe {
    /** Hops per walk: ~log2(N / k) of them reach our neighbourhood; the bound stops a peer leading us on. */
    static final int MAX_HOPS = 8;

    private final KademliaEngine engine;
    private final Contact[] scratch;
    private final byte[] ip4 = new byte[4];
    private final byte[] ip16 = new byte[16];

    MergeProbe(final KademliaEngine engine) {
        this.engine = engine;
        this.scratch = new Contact[engine.config().k()];
    }

    /**
     * Walks from each seed; {@code verdict} gets, once, the node whose reply named a node our table would take
     * (a seed for the merge run: it sits in the part we lack), or null when every walk ended quietly.
     */
    void run(final List<Contact> seeds, final Consumer<Contact> verdict) {
        engine.counters().increment(CounterId.MERGE_PROBES);
        new Walks(seeds.size(), verdict).start(seeds);
    }

    /** The walks of one probe: shared set of nodes asked (walks from several seeds meet), one verdict. */
    private final class Walks {
        private final Set<NodeId> asked = new HashSet<>();
        /** One hop per IP address per probe: a liar naming many fake ids at one victim's ports steers at most one FIND_NODE there. */
        private final Set<InetAddress> hosts = new HashSet<>();
        private final Consumer<Contact> verdict;
        private int running;
        private boolean decided;

        Walks(final int seeds, final Consumer<Contact> verdict) {
            this.running = seeds;
            this.verdict = verdict;
        }

        void start(final List<Contact> seeds) {
            if (seeds.isEmpty()) {
                decide(null);
                return;
            }
            for (final Contact seed : seeds) {
                if (asked.add(seed.id()) && hosts.add(seed.address().getAddress())) {
                    ask(seed.id(), seed.address(), 0);
                } else {
                    ended();
                }
            }
        }

        private void ask(final NodeId id, final InetSocketAddress address, final int hop) {
            if (decided || !engine.running()) {
                ended();
                return;
            }
            engine.counters().increment(CounterId.MERGE_PROBE_HOPS);
            final RpcTracker tracker = engine.tracker();
            final int length = engine.lookupContext().findNodeOut.wrap(tracker.requestBuffer(), 0).encode(engine.localId());
            final ResponseListener answer = new ResponseListener() {
                @Override
                public void onResponse(final HeaderFlyweight h, final DirectBuffer b, final int o, final int l, final InetSocketAddress s) {
                    if (h.type() != MessageType.NODES || decided) {
                        ended();
                        return;
                    }
                    onNodes(engine.lookupContext().nodesIn.wrap(b, o), id, s, hop);
                }

                @Override
                public void onTimeout() {
                    ended();
                }
            };
            if (tracker.call(address, MessageType.FIND_NODE, length - MessageFlyweight.BODY_OFFSET, engine.config().rpcTimeoutMs(),
                answer) == 0) {
                ended();
            }
        }

        /** One reply: a node our table would take ends the probe (merge); else the walk goes on to the nearest named node. */
        private void onNodes(final NodesFlyweight nodes, final NodeId replier, final InetSocketAddress from, final int hop) {
            final NodeId self = engine.localId();
            final boolean fromLoopback = from.getAddress().isLoopbackAddress();
            final int known = engine.table().closest(self, scratch.length, scratch);
            int next = -1;
            for (int i = 0, count = nodes.count(); i < count; i++) {
                final NodeId id = nodes.contactIdAsNodeId(i);
                if (id.equals(self) || !routable(nodes, i, fromLoopback)) {
                    continue; // junk a peer names must not start merge runs (issue 12 item 7)
                }
                if (engine.table().find(id) == null && wouldTake(id, known)) {
                    decide(new Contact(replier, from));
                    return;
                }
                if (self.compareDistance(id, replier) < 0 && !asked.contains(id)
                    && (next < 0 || self.compareDistance(id, nodes.contactIdAsNodeId(next)) < 0)) {
                    next = i;
                }
            }
            if (next < 0 || hop + 1 >= MAX_HOPS) {
                ended();
                return;
            }
            final NodeId nextId = nodes.contactIdAsNodeId(next);
            final InetSocketAddress nextAddress = address(nodes, next);
            if (nextAddress == null || !hosts.add(nextAddress.getAddress())) {
                ended();
                return;
            }
            asked.add(nextId);
            ask(nextId, nextAddress, hop + 1);
        }

        /**
         * Our table would take it: fewer than k contacts, nearer to us than our k-th closest, or its bucket has
         * room. In one settled network we already know every node of the buckets with room (they hold every node
         * of their range); unknown nodes of our full buckets say nothing (we keep only k of them).
         */
        private boolean wouldTake(final NodeId id, final int known) {
            final NodeId self = engine.localId();
            return known < scratch.length || self.compareDistance(id, scratch[known - 1].id()) < 0
                || engine.table().bucketSize(engine.table().bucketOf(id)) < engine.config().k();
        }

        private void ended() {
            if (--running == 0) {
                decide(null);
            }
        }

        private void decide(final Contact through) {
            if (decided) {
                return;
            }
            decided = true;
            if (through == null) {
                engine.counters().increment(CounterId.MERGE_PROBES_QUIET);
            }
            verdict.accept(through);
        }
    }

    private boolean routable(final NodesFlyweight nodes, final int i, final boolean fromLoopback) {
        final byte[] ip = nodes.contactAddressLength(i) == 4 ? ip4 : ip16;
        nodes.contactAddress(i, ip);
        return RoutableAddress.routable(ip, nodes.contactPort(i), fromLoopback);
    }

    private InetSocketAddress address(final NodesFlyweight nodes, final int i) {
        final byte[] ip = nodes.contactAddressLength(i) == 4 ? ip4 : ip16;
        nodes.contactAddress(i, ip);
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), nodes.contactPort(i));
        } catch (final UnknownHostException e) {
            return null; // cannot happen for 4 or 16 raw bytes
        }
    }
}
