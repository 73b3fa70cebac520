package chisme.node.kademlia;

import chisme.node.metrics.Counters;
import chisme.node.rpc.RpcTracker;
import chisme.node.transport.Clock;
import chisme.node.transport.Scheduler;
import chisme.wire.FindNodeFlyweight;
import chisme.wire.FindValueFlyweight;
import chisme.wire.NodeId;
import chisme.wire.NodesFlyweight;
import chisme.wire.ValueFlyweight;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.function.IntConsumer;

/**
 * Everything a {@link Lookup} (and the other client-side exchanges: {@link ValueHandoff}) uses on the node
 * thread, named in one place instead of reached through the engine: the RPC tracker, time, counters, the
 * lookup round-trip estimator, the reusable client flyweights, and the two ways a lookup acts back on the
 * node (path caching sends a STORE; a timed-out contact is reported to routing upkeep).
 * <p>
 * The flyweights and the diversity rule's arrays are shared by every lookup: each is wrapped (or chosen
 * into), used and left within one callback on the node thread, so no two users overlap.
 */
final class LookupContext {
    /** Path caching (paper 2.3): a STORE of the found value at a node that answered without it. */
    @FunctionalInterface
    interface StoreSender {
        void storeAt(InetSocketAddress to, long token, NodeId key, byte[] value, NodeId publisher, long ttlSeconds,
                     IntConsumer done);
    }

    /** A request to {@code id} timed out: routing upkeep counts it and may evict the contact. */
    @FunctionalInterface
    interface FailureSink {
        void onContactFailed(NodeId id);
    }

    final NodeId localId;
    final KademliaConfig config;
    final RpcTracker tracker;
    final Clock clock;
    final Scheduler scheduler;
    final Counters counters;
    /** Round trips of lookup replies, from which lookups take their stall (RFC 6298). */
    final RttEstimator rtt = new RttEstimator();
    final FindNodeFlyweight findNodeOut = new FindNodeFlyweight();
    final FindValueFlyweight findValueOut = new FindValueFlyweight();
    final NodesFlyweight nodesIn = new NodesFlyweight();
    final ValueFlyweight valueIn = new ValueFlyweight();
    /** "The k closest" of a lookup, chosen on every reply it merges ({@link LookupDiversity}); grows to the longest shortlist. */
    final LookupDiversity diversity;
    final StoreSender stores;
    final FailureSink failures;
    /** Our bound IP (wildcard or null possible): candidates at this host are not capped per IP. */
    final InetAddress localHost;

    /** Typical shortlist length in multiples of k (a few rounds of replies). */
    private static final int SHORTLIST_HINT = 8;

    LookupContext(final NodeId localId, final KademliaConfig config, final RpcTracker tracker, final Clock clock,
                  final Scheduler scheduler, final Counters counters, final StoreSender stores, final FailureSink failures,
                  final InetAddress localHost) {
        this.localId = localId;
        this.config = config;
        this.tracker = tracker;
        this.clock = clock;
        this.scheduler = scheduler;
        this.counters = counters;
        this.stores = stores;
        this.failures = failures;
        this.localHost = localHost;
        this.diversity = new LookupDiversity(SHORTLIST_HINT * config.k());
    }
}
