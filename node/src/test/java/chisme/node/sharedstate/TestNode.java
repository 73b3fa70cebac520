package chisme.node.sharedstate;

import chisme.node.event.EventLog;
import chisme.node.host.NodeHost;
import chisme.node.metrics.Counters;
import chisme.node.rpc.Dispatcher;
import chisme.node.rpc.RpcConfig;
import chisme.node.transport.Clock;
import chisme.node.transport.DatagramHandler;
import chisme.node.transport.NodeAgent;
import chisme.node.transport.Transport;
import chisme.node.transport.UdpTransport;
import chisme.store.BookStore;
import chisme.store.InMemoryBookStore;
import chisme.wire.NodeId;
import org.agrona.DirectBuffer;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/** One real node on loopback for tests: UDP transport, node thread, dispatcher, shared-state. */
final class TestNode implements AutoCloseable {
    /**
     * These nodes run shared-state alone: no Kademlia engine answers PING, which is how a node proves its
     * address before it may get long answers (issue 12 item 5, tested with full nodes), so that bound is off.
     */
    static final RpcConfig RPC = RpcConfig.DEFAULT.withRate(100_000, 100_000).withAmplificationFactor(0);

    final String name;
    final UdpTransport udp;
    final CuttableTransport transport;
    final Counters counters = new Counters();
    final NodeHost host;
    final NodeAgent agent;
    final Dispatcher dispatcher;
    final EventLog eventLog = new EventLog(1_000);
    SharedState ss;
    BookStore store;

    TestNode(final String name, final long seed) {
        this.name = name;
        try {
            this.udp = UdpTransport.open(InetAddress.getByName("127.0.0.1"), 0, counters);
        } catch (final java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        this.transport = new CuttableTransport(udp);
        final SplittableRandom r = new SplittableRandom(seed);
        this.host = NodeHost.udp(name, NodeId.random(r), udp, t -> transport, counters, r, RPC);
        this.agent = host.agent();
        this.dispatcher = host.dispatcher();
    }

    InetSocketAddress address() {
        return udp.localAddress();
    }

    String addressText() {
        return "127.0.0.1:" + address().getPort();
    }

    /** Builds shared-state with {@code config} (neighbours already added) and starts everything. */
    TestNode start(final SharedStateConfig config, final BookStore bookStore, final LongSupplier wallMs,
                   final Consumer<SharedState> beforeStart) {
        this.store = bookStore == null ? new InMemoryBookStore(100_000, 256L * 1024 * 1024, 65_536) : bookStore;
        ss = new SharedState(config.nodeName(name), store, host, wallMs, eventLog);
        ss.localAddress(address());
        if (beforeStart != null) {
            beforeStart.accept(ss);
        }
        ss.start();
        host.start();
        return this;
    }

    @Override
    public void close() {
        if (ss != null) {
            ss.close();
        }
        agent.close();
        if (store != null) {
            store.close();
        }
    }

    /** Drops datagrams to blocked destinations, as a broken radio link would. */
    static final class CuttableTransport implements Transport {
        private final UdpTransport inner;
        final Set<InetSocketAddress> blocked = ConcurrentHashMap.newKeySet();
        /** When above 0: the first source that has sent us this many datagrams over 1,000 bytes is cut off (dies mid-transfer). */
        volatile int cutAfterLargeDatagrams;
        private final java.util.Map<InetSocketAddress, java.util.concurrent.atomic.AtomicInteger> large = new ConcurrentHashMap<>();

        CuttableTransport(final UdpTransport inner) {
            this.inner = inner;
        }

        @Override
        public InetSocketAddress localAddress() {
            return inner.localAddress();
        }

        @Override
        public boolean send(final DirectBuffer buffer, final int offset, final int length, final InetSocketAddress destination) {
            if (blocked.contains(destination)) {
                return true; // lost on the air, as far as the sender can tell
            }
            return inner.send(buffer, offset, length, destination);
        }

        @Override
        public void start(final DatagramHandler handler) {
            inner.start((b, o, l, s) -> {
                final int cutAfter = cutAfterLargeDatagrams;
                if (cutAfter > 0 && l > 1_000
                    && large.computeIfAbsent(s, k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet() >= cutAfter) {
                    blocked.add(s);
                    cutAfterLargeDatagrams = 0; // only the first source to get there dies
                }
                if (!blocked.contains(s)) {
                    handler.onDatagram(b, o, l, s);
                }
            });
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
