package chisme.node.discovery;

import chisme.node.kademlia.KademliaNode;
import chisme.node.metrics.EnumCounters;
import chisme.node.transport.Clock;

import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;

/**
 * Turns discovery candidates into contacts and link neighbours, one at a time on a virtual thread. Each
 * candidate goes to {@link KademliaNode#offerCandidate} (the node PINGs it on its own thread and, when it
 * is not joined or its table is short, joins through it: the bootstrap of issue 11), and is PINGed here
 * too (IDENTIFY): only one that answers becomes a {@link LinkNeighbours link neighbour}, the one-hop peers
 * shared-state gossips with. Bounded: a full queue drops the candidate (counted), and the PINGs here are
 * sequential, so addresses that never answer cost at most one PING per RPC timeout whatever arrives (the
 * node's own candidate PINGs are bounded by the node).
 */
public final class CandidateVerifier implements Consumer<InetSocketAddress>, AutoCloseable {
    private final KademliaNode node;
    private final LinkNeighbours neighbours;
    private final EnumCounters<DiscoveryCounter> counters;
    private final Clock clock;
    private final BlockingQueue<InetSocketAddress> queue = new ArrayBlockingQueue<>(DiscoveryConfig.VERIFY_QUEUE);
    private final Thread worker;
    private volatile boolean running = true;

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
        // First to the node (its command runs before our PING's): it verifies the candidate itself and joins through it.
        node.offerCandidate(candidate);
        counters.increment(DiscoveryCounter.OFFERED_TO_NODE);
        counters.increment(DiscoveryCounter.VERIFY_PINGS);
        if (node.identify(candidate).isEmpty()) {
            counters.increment(DiscoveryCounter.UNANSWERED);
            return;
        }
        counters.increment(DiscoveryCounter.VERIFIED);
        neighbours.verified(candidate, clock.nowMs());
    }

    @Override
    public void close() {
        running = false;
        worker.interrupt();
    }
}
