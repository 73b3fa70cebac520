package chisme.bench.sharedstate;

import chisme.node.metrics.CounterId;
import chisme.node.host.NodeHost;
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
 * One real shared-state node on 127.0.0.1 for the harnesses (UDP transport, node thread, dispatcher,
 * in-memory books): the daemon's assembly without the DHT. Used by SharedStateBench and the scale harness.
 */
public final class BenchNode implements AutoCloseable {
    final Counters counters = new Counters();
    final UdpTransport udp;
    final NodeHost host;
    final NodeAgent agent;
    final Dispatcher dispatcher;
    final InMemoryBookStore store = new InMemoryBookStore(100_000, 512L * 1024 * 1024, 65_536);
    SharedState ss;

    public BenchNode(final String name, final long seed) {
        try {
            udp = UdpTransport.open(InetAddress.getByName("127.0.0.1"), 0, counters);
        } catch (final UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        final SplittableRandom r = new SplittableRandom(seed);
        host = NodeHost.udp(name, NodeId.random(r), udp, counters, r, RpcConfig.DEFAULT.withRate(100_000, 100_000));
        agent = host.agent();
        dispatcher = host.dispatcher();
    }

    public InetSocketAddress address() {
        return udp.localAddress();
    }

    public BenchNode start(final SharedStateConfig config) {
        ss = new SharedState(config, store, host, System::currentTimeMillis, null);
        ss.localAddress(address());
        ss.start();
        host.start();
        return this;
    }

    public SharedState sharedState() {
        return ss;
    }

    /** Books and shelf hash of {@code shelf} (0 books when absent). */
    public SharedStateEngine.ShelfInfo shelf(final String shelf) {
        for (final SharedStateEngine.ShelfInfo s : ss.shelves()) {
            if (s.shelf().equals(shelf)) {
                return s;
            }
        }
        return new SharedStateEngine.ShelfInfo(shelf, 0, 0, 0);
    }

    /** UDP payload bytes this node has sent (all datagrams, fragments included; no IP/UDP headers). */
    public long txBytes() {
        return counters.get(CounterId.TX_BYTES);
    }

    long txDatagrams() {
        return counters.get(CounterId.TX_DATAGRAMS);
    }

    @Override
    public void close() {
        if (ss != null) {
            ss.close();
        }
        agent.close();
        store.close();
    }
}
