package chisme.node.sharedstate;

import chisme.node.transport.Scheduler;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The gossip neighbour sources together: static, link discovery and routing table, no duplicates, never ourselves. */
class NeighboursTest {
    private static final Scheduler INLINE = new Scheduler() {
        @Override
        public Cancellable schedule(final long delayMs, final Runnable task) {
            return () -> { };
        }

        @Override
        public void execute(final Runnable task) {
            task.run();
        }
    };

    private static InetSocketAddress at(final String host) {
        return new InetSocketAddress(host, 4200);
    }

    @Test
    void shouldJoinStaticLinkAndRoutingTableNeighbours() {
        final SharedStateConfig config = new SharedStateConfig().staticNeighbour("10.0.0.1:4200").routingTableNeighbours(true).conclude();
        final Neighbours n = new Neighbours(config, INLINE, () -> 0, null, new SharedStateCounters());
        n.self(at("10.0.0.9"));
        n.linkNeighbours(() -> List.of(at("10.0.0.2"), at("10.0.0.1"), at("10.0.0.9")));
        n.routingTable(() -> List.of(at("10.0.0.3"), at("10.0.0.2")));
        assertEquals(List.of(at("10.0.0.1"), at("10.0.0.2"), at("10.0.0.3")), n.current());
    }

    @Test
    void shouldCountAFailingLinkSourceAndKeepTheOthers() {
        final SharedStateCounters counters = new SharedStateCounters();
        final Neighbours n = new Neighbours(new SharedStateConfig().staticNeighbour("10.0.0.1:4200").conclude(), INLINE, () -> 0, null, counters);
        n.linkNeighbours(() -> {
            throw new IllegalStateException("stopping");
        });
        assertEquals(List.of(at("10.0.0.1")), n.current());
        assertEquals(1, counters.get(SharedStateCounter.DISCOVERY_FAILURES));
    }
}
