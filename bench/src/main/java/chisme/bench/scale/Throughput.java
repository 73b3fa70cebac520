package chisme.bench.scale;

import chisme.bench.report.UdpEcho;
import chisme.node.kademlia.KademliaConfig;
import chisme.node.kademlia.KademliaNode;
import chisme.node.metrics.CounterId;
import chisme.node.metrics.Counters;
import chisme.node.rpc.RpcConfig;
import chisme.node.security.DatagramSealer;
import chisme.node.security.Keyring;
import chisme.node.security.NetworkKey;
import chisme.store.InMemoryTupleStore;
import chisme.wire.MessageType;
import chisme.bench.report.Csv;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One node answering PING and FIND_NODE on loopback: requests/s, ratio to a bare Java UDP echo loop driven
 * by the same generator in the same run (goal >= 0.7), and bytes allocated by the node thread per answered
 * request. Rounds alternate node and echo so a burst of load from other processes hits both alike.
 * Issue 12: each round also measures the node with a network key (AES-256-GCM on every datagram, the
 * generator sealing requests and opening replies), as a ratio to the same bare echo (goal >= 0.6).
 */
final class Throughput {
    private Throughput() {
    }

    static void run(final Args args) throws Exception {
        final double seconds = args.decimal("seconds", 4);
        final int window = args.integer("window", 32);
        final int peers = args.integer("peers", 40);
        final int rounds = args.integer("rounds", 3);
        final InetAddress lo = InetAddress.getByName("127.0.0.1");
        // One generator is one source: raise the per-source rate limit for the run (as FindNodeLoad does).
        final KademliaConfig config = new KademliaConfig().rpcTimeoutMs(500).rpc(RpcConfig.DEFAULT.withRate(10_000_000, 10_000_000));
        final KademliaNode node = KademliaNode.udp(config, lo, 0, InMemoryTupleStore.withCapacity(1000, 65_536), null);
        // Open while the peers join; the key is installed only for the keyed measurements (the keyring is live).
        final Keyring keyring = new Keyring();
        final NetworkKey key = NetworkKey.generate(new java.security.SecureRandom());
        node.networkKeyring(keyring);
        node.start();
        final List<KademliaNode> others = new ArrayList<>();
        for (int i = 0; i < peers; i++) {
            final KademliaNode p = KademliaNode.udp(config, lo, 0, InMemoryTupleStore.withCapacity(1000, 65_536), null);
            p.start();
            p.join(node.localAddress());
            others.add(p);
        }
        if (!others.isEmpty()) {
            node.join(others.get(0).localAddress());
        }
        System.out.printf("node table: %d contacts (FIND_NODE answers carry up to k=20)%n", node.contacts().size());
        final com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        final Csv csv = new Csv("round", "request", "mode", "node_rps", "echo_rps", "ratio", "alloc_bytes_per_request", "answered",
            "request_bytes", "reply_bytes");
        try (UdpEcho echo = new UdpEcho(lo)) {
            for (final int type : new int[]{MessageType.PING, MessageType.FIND_NODE}) {
                LoadDriver.drive(node.localAddress(), type, seconds / 2, window); // warm-up
            }
            LoadDriver.drive(echo.address(), MessageType.PING, seconds / 2, window);
            final String[] modes = {"open", "keyed"};
            final double[][][] ratios = new double[2][2][rounds];
            for (int r = 0; r < rounds; r++) {
                int t = 0;
                for (final int type : new int[]{MessageType.PING, MessageType.FIND_NODE}) {
                    // The echo answers with the request's own size: same datagram sizes in for PING, smaller out than NODES.
                    final double echoRps = LoadDriver.drive(echo.address(), type, seconds, window);
                    for (int m = 0; m < 2; m++) {
                        final boolean keyed = m == 1;
                        if (keyed) {
                            keyring.install(key);
                        }
                        final DatagramSealer client = keyed ? new DatagramSealer(keyring, new Counters()) : null;
                        final long answered0 = node.counters().get(CounterId.REQUESTS_ANSWERED);
                        final long alloc0 = mx.getThreadAllocatedBytes(node.nodeThreadId());
                        final long txBytes0 = node.counters().get(CounterId.TX_BYTES);
                        final long rxBytes0 = node.counters().get(CounterId.RX_BYTES);
                        final long tx0 = node.counters().get(CounterId.TX_DATAGRAMS);
                        final long rx0 = node.counters().get(CounterId.RX_DATAGRAMS);
                        final double rps = LoadDriver.drive(node.localAddress(), type, seconds, window, client);
                        final long alloc = mx.getThreadAllocatedBytes(node.nodeThreadId()) - alloc0;
                        final long answered = node.counters().get(CounterId.REQUESTS_ANSWERED) - answered0;
                        final double reqBytes = (double) (node.counters().get(CounterId.RX_BYTES) - rxBytes0)
                            / Math.max(1, node.counters().get(CounterId.RX_DATAGRAMS) - rx0);
                        final double replyBytes = (double) (node.counters().get(CounterId.TX_BYTES) - txBytes0)
                            / Math.max(1, node.counters().get(CounterId.TX_DATAGRAMS) - tx0);
                        if (keyed) {
                            keyring.remove(key.id());
                        }
                        ratios[t][m][r] = rps / echoRps;
                        csv.row(r, MessageType.name(type), modes[m], Math.round(rps), Math.round(echoRps), rps / echoRps,
                            (double) alloc / Math.max(1, answered), answered, Math.round(reqBytes), Math.round(replyBytes));
                    }
                    t++;
                }
            }
            for (int t = 0; t < 2; t++) {
                for (int m = 0; m < 2; m++) {
                    Arrays.sort(ratios[t][m]);
                    System.out.printf("%s %s median ratio to echo: %.2f (goal >= %s)%n", t == 0 ? "PING" : "FIND_NODE", modes[m],
                        ratios[t][m][rounds / 2], m == 0 ? "0.70" : "0.60 with a key");
                }
            }
        }
        System.out.printf("drops: rate-limited %d, bad body %d, handler errors %d%n", node.counters().get(CounterId.DROP_RATE_LIMITED),
            node.counters().get(CounterId.DROP_BAD_BODY), node.counters().get(CounterId.DROP_HANDLER_ERROR));
        csv.print("throughput (window " + window + ", " + seconds + " s per measurement)");
        csv.write(args.results().resolve("throughput.csv"));
        for (final KademliaNode p : others) {
            p.close();
        }
        node.close();
    }
}
