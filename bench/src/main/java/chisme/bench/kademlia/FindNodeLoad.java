package chisme.bench.kademlia;

import chisme.bench.report.UdpEcho;
import chisme.node.kademlia.KademliaConfig;
import chisme.node.kademlia.KademliaNode;
import chisme.node.metrics.CounterId;
import chisme.node.rpc.RpcConfig;
import chisme.store.InMemoryTupleStore;
import chisme.wire.HeaderFlyweight;
import chisme.wire.MessageType;
import chisme.wire.NodeId;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Load test of the FIND_NODE hot path on loopback (kademlia issue, "Benchmark"): one node (with a routing
 * table filled by joining a small in-process network) answers FIND_NODE from a closed-loop load generator
 * with a window of requests in flight; the same generator then drives a bare Java UDP echo loop (one
 * platform thread, blocking channel, direct buffer) in the same run. Prints requests/s of both, their
 * ratio, and bytes allocated by the node thread per answered request (ThreadMXBean). The generator sets
 * READ_ONLY (wire.md: load generators must not enter routing tables).
 * <pre>
 * java $FLAGS -cp bench/target-kc/benchmarks.jar chisme.bench.kademlia.FindNodeLoad [seconds] [window] [sources] [peers]
 * </pre>
 */
public final class FindNodeLoad {
    private FindNodeLoad() {
    }

    public static void main(final String[] args) throws Exception {
        final int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        final int window = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        final int sources = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        final int peers = args.length > 3 ? Integer.parseInt(args[3]) : 40;
        final InetAddress lo = InetAddress.getByName("127.0.0.1");
        final KademliaConfig config = new KademliaConfig().rpcTimeoutMs(500)
            .rpc(RpcConfig.DEFAULT.withRate(10_000_000, 10_000_000));

        final List<KademliaNode> others = new ArrayList<>();
        final KademliaNode node = KademliaNode.udp(config, lo, 0, InMemoryTupleStore.withCapacity(1000, 65_536), null);
        node.start();
        for (int i = 0; i < peers; i++) {
            final KademliaNode p = KademliaNode.udp(config, lo, 0, InMemoryTupleStore.withCapacity(1000, 65_536), null);
            p.start();
            p.join(node.localAddress());
            others.add(p);
        }
        node.join(others.get(0).localAddress());
        System.out.printf("node %s table %d contacts%n", node.id().shortHex(), node.contacts().size());

        final com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        final long tid = node.nodeThreadId();
        // warm-up
        drive(node.localAddress(), Math.max(1, seconds / 2), window, sources);
        final long answeredBefore = node.counters().get(CounterId.REQUESTS_ANSWERED);
        final long allocBefore = mx.getThreadAllocatedBytes(tid);
        final double nodeRps = drive(node.localAddress(), seconds, window, sources);
        final long allocAfter = mx.getThreadAllocatedBytes(tid);
        final long answered = node.counters().get(CounterId.REQUESTS_ANSWERED) - answeredBefore;

        try (UdpEcho echo = new UdpEcho(lo)) {
            drive(echo.address(), Math.max(1, seconds / 2), window, sources);
            final double echoRps = drive(echo.address(), seconds, window, sources);
            System.out.printf("FIND_NODE node: %.0f req/s, bare UDP echo: %.0f req/s, ratio %.2f (window %d, sources %d)%n",
                nodeRps, echoRps, nodeRps / echoRps, window, sources);
        }
        System.out.printf("node thread allocation: %.2f B per answered request (%d B over %d answers)%n",
            (double) (allocAfter - allocBefore) / Math.max(1, answered), allocAfter - allocBefore, answered);
        System.out.printf("drops: rate-limited %d, bad body %d, handler errors %d%n",
            node.counters().get(CounterId.DROP_RATE_LIMITED), node.counters().get(CounterId.DROP_BAD_BODY),
            node.counters().get(CounterId.DROP_HANDLER_ERROR));
        for (final KademliaNode p : others) {
            p.close();
        }
        node.close();
    }

    /** Closed loop: keeps {@code window} FIND_NODE requests in flight for {@code seconds}; returns replies per second. */
    static double drive(final InetSocketAddress target, final int seconds, final int window, final int sources) throws Exception {
        final DatagramChannel[] chans = new DatagramChannel[sources];
        for (int i = 0; i < sources; i++) {
            chans[i] = DatagramChannel.open();
            chans[i].setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
            chans[i].bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            chans[i].configureBlocking(false);
        }
        final ByteBuffer out = BufferUtil.allocateDirectAligned(128, 64);
        final ByteBuffer in = BufferUtil.allocateDirectAligned(2048, 64);
        final UnsafeBuffer req = new UnsafeBuffer(out);
        final SplittableRandom random = new SplittableRandom(1);
        final HeaderFlyweight h = new HeaderFlyweight().wrap(req, 0);
        h.encode(MessageType.FIND_NODE, HeaderFlyweight.FLAG_READ_ONLY, 1, NodeId.random(random));
        final int length = HeaderFlyweight.LENGTH + NodeId.BYTES;
        long replies = 0;
        int outstanding = 0;
        int next = 0;
        final long endNs = System.nanoTime() + seconds * 1_000_000_000L;
        long lastProgressNs = System.nanoTime();
        while (System.nanoTime() < endNs) {
            while (outstanding < window) {
                NodeId.write(req, HeaderFlyweight.LENGTH, random.nextLong(), random.nextLong(), random.nextInt());
                req.putLong(HeaderFlyweight.TRANSACTION_ID_OFFSET, random.nextLong(), java.nio.ByteOrder.LITTLE_ENDIAN);
                out.clear().limit(length);
                chans[next].send(out, target);
                next = (next + 1) % sources;
                outstanding++;
            }
            boolean got = false;
            for (final DatagramChannel c : chans) {
                in.clear();
                while (c.receive(in) != null) {
                    in.clear();
                    replies++;
                    outstanding--;
                    got = true;
                }
            }
            final long now = System.nanoTime();
            if (got) {
                lastProgressNs = now;
            } else if (now - lastProgressNs > 100_000_000L) {
                outstanding = 0; // replies lost: refill the window
                lastProgressNs = now;
            }
        }
        for (final DatagramChannel c : chans) {
            c.close();
        }
        return replies / (double) seconds;
    }
}
