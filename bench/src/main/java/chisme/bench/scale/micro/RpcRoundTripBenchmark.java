package chisme.bench.scale.micro;

import chisme.node.kademlia.KademliaConfig;
import chisme.node.kademlia.KademliaNode;
import chisme.node.rpc.RpcConfig;
import chisme.store.InMemoryTupleStore;
import chisme.wire.NodeId;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One blocking RPC round trip over loopback between two real nodes: {@link KademliaNode#identify} sends a
 * PING from the caller's node thread and parks the benchmark thread until the PONG (or the timeout). It
 * includes both node threads, two UDP sends and receives and the hand-over to and from the caller.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RpcRoundTripBenchmark {
    private KademliaNode caller;
    private KademliaNode callee;
    private InetSocketAddress calleeAddress;

    @Setup
    public void setup() throws Exception {
        final InetAddress lo = InetAddress.getByName("127.0.0.1");
        // The default per-source limit (RpcConfig.DEFAULT: 50 requests/s, burst 100) would make this a benchmark
        // of the rate limiter: one caller is one source. Raised for the run, as kademlia's FindNodeLoad does.
        final KademliaConfig config = new KademliaConfig().rpcTimeoutMs(1_000).rpc(RpcConfig.DEFAULT.withRate(10_000_000, 10_000_000));
        callee = KademliaNode.udp(config, lo, 0, InMemoryTupleStore.withCapacity(100, 65_536), null);
        caller = KademliaNode.udp(config, lo, 0, InMemoryTupleStore.withCapacity(100, 65_536), null);
        callee.start();
        caller.start();
        calleeAddress = callee.localAddress();
        final Optional<NodeId> id = caller.identify(calleeAddress);
        if (id.isEmpty() || !id.get().equals(callee.id())) {
            throw new IllegalStateException("no PONG from " + calleeAddress);
        }
    }

    /** PING to PONG; a lost reply shows up as a 1 s outlier (the timeout). */
    @Benchmark
    public boolean pingRoundTrip() {
        return caller.identify(calleeAddress).isPresent();
    }

    @TearDown
    public void tearDown() {
        caller.close();
        callee.close();
    }
}
