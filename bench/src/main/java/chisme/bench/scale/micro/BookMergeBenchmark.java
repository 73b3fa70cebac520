package chisme.bench.scale.micro;

import chisme.node.host.NodeHost;
import chisme.node.metrics.Counters;
import chisme.node.rpc.Dispatcher;
import chisme.node.rpc.RpcConfig;
import chisme.node.sharedstate.GossipCodec;
import chisme.node.sharedstate.SharedState;
import chisme.node.sharedstate.SharedStateConfig;
import chisme.node.sharedstate.SharedStateCounter;
import chisme.node.sharedstate.ShelfConfig;
import chisme.node.sharedstate.WritePolicy;
import chisme.node.sim.SimNetwork;
import chisme.store.InMemoryBookStore;
import chisme.wire.Fragmenter;
import chisme.wire.HeaderFlyweight;
import chisme.wire.MessageType;
import chisme.wire.NodeId;
import chisme.wire.WireLimits;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Merge of a BOOKS push carrying a batch of books (docs/shared-state.md, push): the frame goes into the
 * node's {@link Dispatcher} as datagrams (FRAGMENTs when it is longer than one datagram), is validated,
 * reassembled, decoded and each book merged into an in-memory store (LWW by version). Every invocation
 * raises the versions in the frame so that every book really replaces the stored one (CHANGED, not EQUAL).
 * The node runs on a {@link SimNetwork} host whose timers never fire here, so nothing else runs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class BookMergeBenchmark {
    private static final String SHELF = "dnsmasq-hosts";

    @Param({"1", "100"})
    public int books;

    private SharedState sharedState;
    private Dispatcher dispatcher;
    private final InetSocketAddress source = new InetSocketAddress("127.0.0.2", 4000);
    private final UnsafeBuffer message = new UnsafeBuffer(new byte[WireLimits.MAX_MESSAGE]);
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[WireLimits.MAX_DATAGRAM]);
    private final Fragmenter.Sink toNode = (buffer, offset, length) -> dispatcher.onDatagram(buffer, offset, length, source);
    private int length;
    private int[] versionOffsets;
    private long version;
    private int messageId;

    @Setup
    public void setup() {
        final SimNetwork network = new SimNetwork(1, 1, 1, 0.0);
        final SimNetwork.Host host = network.addHost();
        final SplittableRandom r = new SplittableRandom(7);
        final Counters counters = new Counters();
        final NodeHost nodeHost = NodeHost.simulated(NodeId.random(r), host, host, network.clock(), counters, r,
            RpcConfig.DEFAULT.withRate(Integer.MAX_VALUE, Integer.MAX_VALUE));
        dispatcher = nodeHost.dispatcher();
        // The pusher is a neighbour (pushes from others are dropped, issue 12) and the books are unsigned, so the
        // shelf is open: this measures the merge itself; signature checks are BookSignatureBenchmark.
        final SharedStateConfig config = new SharedStateConfig().nodeName("bench")
            .defaultShelf(ShelfConfig.DEFAULT.syncIntervalMs(3_600_000).maxBooks(20_000).writers(WritePolicy.OPEN))
            .staticNeighbour(source.getAddress().getHostAddress() + ":" + source.getPort());
        sharedState = new SharedState(config, new InMemoryBookStore(100_000, 512L * 1024 * 1024, 65_536), nodeHost,
            System::currentTimeMillis, null);
        sharedState.localAddress(host.localAddress());
        sharedState.start();
        dispatcher.start();
        network.runUntil(network.nowMs()); // runs the engine's start task, not its timers

        final NodeId author = NodeId.random(r);
        final byte[] authorName = "peer".getBytes(StandardCharsets.UTF_8);
        new HeaderFlyweight().wrap(message, 0).encode(MessageType.BOOKS, 0, 99L, author);
        int p = GossipCodec.startBooks(message, HeaderFlyweight.LENGTH, SHELF);
        versionOffsets = new int[books];
        version = System.currentTimeMillis() << 16;
        for (int i = 0; i < books; i++) {
            final byte[] key = ("10.13." + (i >> 8) + "." + (i & 255)).getBytes(StandardCharsets.UTF_8);
            final byte[] data = String.format("{\"host\":\"node-%d\",\"mac\":\"02:00:00:00:%02x:%02x\"}", i, i >> 8 & 255, i & 255)
                .getBytes(StandardCharsets.UTF_8);
            versionOffsets[i] = p + 2 + key.length + NodeId.BYTES + 1 + authorName.length;
            p = GossipCodec.putBook(message, p, key, author, authorName, version, 3_600_000, false, data);
        }
        GossipCodec.finishBooks(message, HeaderFlyweight.LENGTH, SHELF, books);
        length = p;
        // Check before timing that every book of a batch is accepted (the figure would be meaningless otherwise).
        final long before = sharedState.counters().get(SharedStateCounter.BOOKS_ACCEPTED);
        mergeBatch();
        final long accepted = sharedState.counters().get(SharedStateCounter.BOOKS_ACCEPTED) - before;
        if (accepted != books) {
            throw new IllegalStateException("accepted " + accepted + " of " + books + " books (frame " + length + " bytes)");
        }
    }

    /** One BOOKS push of {@code books} new versions, from datagrams to the store. */
    @Benchmark
    public int mergeBatch() {
        version++;
        for (final int off : versionOffsets) {
            message.putLong(off, version, ByteOrder.LITTLE_ENDIAN);
        }
        if (length <= WireLimits.MAX_DATAGRAM) {
            dispatcher.onDatagram(message, 0, length, source);
            return 1;
        }
        return Fragmenter.fragment(message, 0, length, ++messageId, WireLimits.MAX_DATAGRAM, scratch, toNode);
    }
}
