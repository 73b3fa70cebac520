package chisme.node.kademlia;

import chisme.node.metrics.CounterId;
import chisme.node.rpc.RpcConfig;
import chisme.store.InMemoryTupleStore;
import chisme.wire.NodeId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** 64 real UDP nodes on 127.0.0.1 in one JVM (kademlia issue, "Proof"). */
class LoopbackNetworkTest {
    private static final int NODES = 64;
    private static final int VALUES = 100;
    private final List<KademliaNode> nodes = new ArrayList<>();

    static KademliaConfig testConfig() {
        // All nodes share 127.0.0.1, so the per-IP request limit would treat 64 nodes as one source: raise it.
        return new KademliaConfig().rpcTimeoutMs(250).rpc(RpcConfig.DEFAULT.withRate(1_000_000, 1_000_000));
    }

    @AfterEach
    void tearDown() {
        for (final KademliaNode n : nodes) {
            n.close();
        }
    }

    @Test
    void shouldServeEveryValueFromEveryNodeAndSurviveLosingAThird() throws Exception {
        final InetAddress lo = InetAddress.getByName("127.0.0.1");
        final SplittableRandom random = new SplittableRandom(64);
        for (int i = 0; i < NODES; i++) {
            final KademliaNode n = KademliaNode.udp(testConfig(), lo, 0, InMemoryTupleStore.withCapacity(10_000, 65_536), null);
            nodes.add(n);
            n.start();
            if (i > 0) {
                final int size = n.join(nodes.get(random.nextInt(i)).localAddress());
                assertTrue(size > 0, "node " + i + " joined with an empty table");
            }
        }
        final List<NodeId> keys = new ArrayList<>();
        final List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < VALUES; i++) {
            final byte[] v = ("value " + i + " " + random.nextLong()).getBytes();
            final KademliaNode.Published p = nodes.get(random.nextInt(NODES)).publishWithCopies(v);
            assertTrue(p.remoteCopies() > 0, "value " + i + " has no remote copy");
            keys.add(p.key());
            values.add(v);
        }
        assertEquals(NODES * VALUES, countGets(nodes, keys, values));

        final List<KademliaNode> alive = new ArrayList<>(nodes);
        for (int i = 0; i < NODES / 3; i++) {
            alive.remove(random.nextInt(alive.size())).close();
        }
        final int ok = countGets(alive, keys, values);
        final int total = alive.size() * VALUES;
        System.out.printf("after stopping %d of %d nodes: %d / %d gets succeeded%n", NODES - alive.size(), NODES, ok, total);
        assertTrue(ok >= 0.99 * total, ok + " of " + total);
        long drops = 0;
        for (final KademliaNode n : alive) {
            drops += n.counters().get(CounterId.DROP_HANDLER_ERROR);
        }
        assertEquals(0, drops, "handler errors");
    }

    /** Every node gets every key, one virtual thread per node. */
    private static int countGets(final List<KademliaNode> from, final List<NodeId> keys, final List<byte[]> values) throws Exception {
        final AtomicInteger ok = new AtomicInteger();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            final List<Future<?>> fs = new ArrayList<>();
            for (final KademliaNode n : from) {
                fs.add(ex.submit(() -> {
                    for (int i = 0; i < keys.size(); i++) {
                        final Optional<byte[]> v = n.get(keys.get(i));
                        if (v.isPresent() && Arrays.equals(v.get(), values.get(i))) {
                            ok.incrementAndGet();
                        }
                    }
                }));
            }
            for (final Future<?> f : fs) {
                f.get();
            }
        }
        return ok.get();
    }
}
