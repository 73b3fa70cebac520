package chisme.bench.scale;

import chisme.node.metrics.CounterId;
import chisme.node.metrics.Counters;
import chisme.node.rpc.Dispatcher;
import chisme.node.rpc.RpcConfig;
import chisme.node.sharedstate.SharedState;
import chisme.node.sharedstate.SharedStateConfig;
import chisme.node.sharedstate.SharedStateEngine;
import chisme.node.transport.Clock;
import chisme.node.transport.NodeAgent;
import chisme.node.transport.UdpTransport;
import chisme.store.InMemoryBookStore;
import chisme.wire.NodeId;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.SplittableRandom;

/**
 * One real shared-state node on 127.0.0.1 (UDP transport, node thread, dispatcher, in-memory books): the
 * daemon's assembly without the DHT. The shared-state package's BenchNode is the same but package-private.
 */
final class GossipNode implements AutoCloseable {
    private final Counters counters = new Counters();
    private final UdpTransport udp;
    private final NodeAgent agent;
    private final Dispatcher dispatcher;
    private final InMemoryBookStore store = new InMemoryBookStore(100_000, 512L * 1024 * 1024, 65_536);
    private SharedState sharedState;

    GossipNode(final String name, final long seed) {
        try {
            udp = UdpTransport.open(InetAddress.getByName("127.0.0.1"), 0, counters);
        } catch (final UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        agent = new NodeAgent(name, Clock.SYSTEM, udp, counters);
        final SplittableRandom r = new SplittableRandom(seed);
        // Neighbours pull from each other often in these runs: keep the per-source limit out of the figures.
        dispatcher = new Dispatcher(NodeId.random(r), udp, agent, Clock.SYSTEM, counters, r, RpcConfig.DEFAULT.withRate(100_000, 100_000));
    }

    InetSocketAddress address() {
        return udp.localAddress();
    }

    GossipNode start(final SharedStateConfig config) {
        sharedState = new SharedState(config, store, dispatcher, agent, Clock.SYSTEM, System::currentTimeMillis, null);
        sharedState.localAddress(address());
        sharedState.start();
        dispatcher.start();
        agent.start();
        return this;
    }

    SharedState sharedState() {
        return sharedState;
    }

    /** Books and shelf hash of {@code shelf} (0 books when absent). */
    SharedStateEngine.ShelfInfo shelf(final String shelf) {
        for (final SharedStateEngine.ShelfInfo s : sharedState.shelves()) {
            if (s.shelf().equals(shelf)) {
                return s;
            }
        }
        return new SharedStateEngine.ShelfInfo(shelf, 0, 0, 0);
    }

    /** UDP payload bytes sent (all datagrams, fragments included; no IP/UDP headers). */
    long txBytes() {
        return counters.get(CounterId.TX_BYTES);
    }

    @Override
    public void close() {
        if (sharedState != null) {
            sharedState.close();
        }
        agent.close();
        store.close();
    }
}
