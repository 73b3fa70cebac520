package chisme.node.kademlia;

import chisme.node.event.EventLog;
import chisme.node.event.EventType;
import chisme.node.metrics.CounterId;
import chisme.node.metrics.Counters;
import chisme.node.routing.Contact;
import chisme.node.routing.RoutingOutcome;
import chisme.node.routing.RoutingTable;
import chisme.node.rpc.ResponseListener;
import chisme.node.rpc.RpcTracker;
import chisme.node.transport.Clock;
import chisme.wire.HeaderFlyweight;
import chisme.wire.MessageType;
import chisme.wire.NodeId;
import org.agrona.DirectBuffer;

import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Routing-table upkeep on every message (the dispatcher's observer): Kademlia's update rule (paper 2.2)
 * with mldht's verification, the PINGs it asks for (an unknown sender, the head of a full bucket, an
 * address conflict) and failure reports. Node thread only.
 */
final class RoutingUpkeep {
    /** What the engine does when the table learns something (merge watch, bootstrap, value hand-off). */
    interface Listener {
        /** A verified newcomer entered a bucket. */
        void onAdded(NodeId id);

        /** A verified newcomer waits in a replacement cache (its bucket is full). */
        void onCached(NodeId id);
    }

    private final KademliaConfig config;
    private final RoutingTable table;
    private final RpcTracker tracker;
    private final Clock clock;
    private final Counters counters;
    private final EventLog events;
    private final Set<InetSocketAddress> verifying = new HashSet<>();
    private final Set<NodeId> pingingHeads = new HashSet<>();
    private Listener listener;

    RoutingUpkeep(final KademliaConfig config, final RoutingTable table, final RpcTracker tracker, final Clock clock,
                  final Counters counters, final EventLog events) {
        this.config = config;
        this.table = table;
        this.tracker = tracker;
        this.clock = clock;
        this.counters = counters;
        this.events = events;
    }

    void listener(final Listener l) {
        this.listener = l;
    }

    /** The dispatcher's observer: every validated message, {@code verified} when it answers our request. */
    void onMessage(final HeaderFlyweight header, final InetSocketAddress source, final boolean verified) {
        if (header.readOnly() || source.getPort() == 0) {
            return; // BEP 43: read-only peers never enter routing tables
        }
        final RoutingOutcome outcome = table.onMessage(header.senderHi(), header.senderMid(), header.senderLo(), source,
            verified, clock.nowMs());
        switch (outcome.code()) {
            // An unknown sender is pinged; its PONG (a reply, so verified) is what lets it into the table.
            case RoutingOutcome.NEEDS_VERIFY -> verify(source);
            // Paper 2.2: the newcomer waits in the replacement cache while the least-recently-seen head is pinged.
            case RoutingOutcome.BUCKET_FULL_PING_HEAD -> {
                if (verified) {
                    listener.onCached(header.sender());
                }
                pingHead(outcome.headToPing());
            }
            // An id/address mismatch is believed only from a verified reply (xlattice "Hardening"): ping the
            // address; its PONG settles which id lives there now.
            case RoutingOutcome.ADDRESS_CONFLICT -> {
                counters.increment(CounterId.ADDRESS_CONFLICTS);
                verify(source);
            }
            case RoutingOutcome.ADDED -> listener.onAdded(header.sender());
            case RoutingOutcome.REJECTED_IP_LIMIT -> counters.increment(CounterId.CONTACTS_REFUSED_IP_LIMIT);
            case RoutingOutcome.REJECTED_PREFIX_LIMIT -> counters.increment(CounterId.CONTACTS_REFUSED_PREFIX_LIMIT);
            default -> {
            }
        }
    }

    /** Pings an address so that its answer (verified) is reported to the table (and proves it); bounded in number. */
    void verify(final InetSocketAddress source) {
        if (verifying.size() >= config.maxPendingVerifications() || !verifying.add(source)) {
            return;
        }
        counters.increment(CounterId.CONTACTS_VERIFY_PINGS);
        final long id = ping(source, new ResponseListener() {
            @Override
            public void onResponse(final HeaderFlyweight h, final DirectBuffer b, final int o, final int l, final InetSocketAddress s) {
                verifying.remove(source);
            }

            @Override
            public void onTimeout() {
                verifying.remove(source);
            }
        });
        if (id == 0) {
            verifying.remove(source);
        }
    }

    /**
     * Pings the head of a full bucket. Its PONG reaches the table through the dispatcher's observer as a
     * verified message (the head moves to the tail); a timeout is reported with onFailure, which evicts
     * it for the cached newcomer once it is stale.
     */
    private void pingHead(final Contact head) {
        if (head == null || !pingingHeads.add(head.id())) {
            return;
        }
        counters.increment(CounterId.HEAD_PINGS);
        final NodeId headId = head.id();
        final long id = ping(head.address(), new ResponseListener() {
            @Override
            public void onResponse(final HeaderFlyweight h, final DirectBuffer b, final int o, final int l, final InetSocketAddress s) {
                pingingHeads.remove(headId);
            }

            @Override
            public void onTimeout() {
                pingingHeads.remove(headId);
                onContactFailed(headId);
            }
        });
        if (id == 0) {
            // Not sent (our own call limit): no verdict on the head; the table asks again after its guard time.
            pingingHeads.remove(headId);
        }
    }

    /** A request to {@code id} timed out: counted; the table evicts it once stale and a replacement exists. */
    void onContactFailed(final NodeId id) {
        counters.increment(CounterId.CONTACTS_FAILED);
        if (table.onFailure(id, clock.nowMs()) == RoutingOutcome.EVICTED) {
            counters.increment(CounterId.CONTACTS_EVICTED);
            events.record(clock.nowMs(), EventType.CONTACT, "evicted unresponsive contact " + id.shortHex());
        }
    }

    private long ping(final InetSocketAddress to, final ResponseListener listener) {
        return tracker.call(to, MessageType.PING, 0, config.rpcTimeoutMs(), listener);
    }
}
