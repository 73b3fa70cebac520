package chisme.node.discovery;

import chisme.node.event.EventType;
import chisme.node.kademlia.ContactInfo;
import chisme.node.kademlia.KademliaNode;
import chisme.node.metrics.EnumCounters;
import chisme.node.transport.Clock;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;

/**
 * Turns discovery candidates into contacts, one at a time on a virtual thread: each is PINGed
 * (IDENTIFY), and only one that answers counts (its PONG puts it in the routing table as a verified
 * contact) and becomes a {@link LinkNeighbours link neighbour}. When the table was empty, or the
 * neighbour is new to it and no link join ran for {@link DiscoveryConfig#MIN_JOIN_INTERVAL_MS}, the node
 * joins through it (self-lookup and bucket refresh), which is also what merges two islands that meet
 * on a link. Bounded: a full queue drops the candidate (counted), and PINGs are sequential, so
 * addresses that never answer cost at most one PING per RPC timeout.
 */
public final class CandidateVerifier implements Consumer<InetSocketAddress>, AutoCloseable {
    private final KademliaNode node;
    private final LinkNeighbours neighbours;
    private final EnumCounters<DiscoveryCounter> counters;
    private final Clock clock;
    private final BlockingQueue<InetSocketAddress> queue = new ArrayBlockingQueue<>(DiscoveryConfig.VERIFY_QUEUE);
    private final Thread worker;
    private volatile boolean running = true;
    private long lastJoinMs = Long.MIN_VALUE / 2;

    public CandidateVerifier(final KademliaNode node, final LinkNeighbours neighbours, final EnumCounters<DiscoveryCounter> counters,
                             final Clock clock) {
        this.node = node;
        this.neighbours = neighbours;
        this.counters = counters;
        this.clock = clock;
        this.worker = Thread.ofVirtual().name("link-candidates").start(this::run);
    }

    /** Queues a candidate; never blocks (called on the discovery thread). */
    @Override
    public void accept(final InetSocketAddress candidate) {
        if (!running || !queue.offer(candidate)) {
            counters.increment(DiscoveryCounter.VERIFY_QUEUE_FULL);
        }
    }

    private void run() {
        while (running) {
            final InetSocketAddress candidate;
            try {
                candidate = queue.take();
            } catch (final InterruptedException e) {
                return;
            }
            try {
                verify(candidate);
            } catch (final RuntimeException e) {
                // node stopping, or one operation failed: the next announcement brings the candidate back
                counters.increment(DiscoveryCounter.UNANSWERED);
            }
        }
    }

    private void verify(final InetSocketAddress candidate) {
        final List<ContactInfo> before = node.contacts();
        boolean known = false;
        for (final ContactInfo c : before) {
            known |= c.address().equals(candidate);
        }
        counters.increment(DiscoveryCounter.VERIFY_PINGS);
        if (node.identify(candidate).isEmpty()) {
            counters.increment(DiscoveryCounter.UNANSWERED);
            return;
        }
        counters.increment(DiscoveryCounter.VERIFIED);
        final long nowMs = clock.nowMs();
        neighbours.verified(candidate, nowMs);
        if (before.isEmpty() || (!known && nowMs - lastJoinMs >= DiscoveryConfig.MIN_JOIN_INTERVAL_MS)) {
            lastJoinMs = nowMs;
            counters.increment(DiscoveryCounter.JOINS);
            final int size = node.join(List.of(candidate));
            node.events().record(nowMs, EventType.JOIN, "joined through link neighbour " + candidate + ": " + size + " contacts");
        }
    }

    @Override
    public void close() {
        running = false;
        worker.interrupt();
    }
}
