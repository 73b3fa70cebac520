package chisme.bench.scale;

import chisme.bench.report.Csv;
import chisme.bench.report.Percentiles;
import chisme.node.kademlia.KademliaConfig;
import chisme.node.kademlia.KademliaNode;
import chisme.node.kademlia.LookupResult;
import chisme.node.metrics.CounterId;
import chisme.store.InMemoryTupleStore;
import chisme.wire.NodeId;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Real-socket networks on loopback (one JVM, one node thread per node): N nodes join one after another
 * through a random earlier node, then iterativeFindNode of random ids from random nodes; latency
 * percentiles, rounds and success (first contact returned is the live node closest to the target). Then
 * a fraction of the nodes is closed without a word (routers losing power) and the same is measured at
 * once, before the survivors' refreshes could repair their tables.
 */
final class UdpLookups {
    private UdpLookups() {
    }

    static void run(final Args args) throws Exception {
        final int[] sizes = args.integers("sizes", "16,64,256");
        final int lookups = args.integer("lookups", 200);
        final double kill = args.decimal("kill", 0.3);
        // Defaults are the daemon's (rpc-timeout-ms 2000, lookup-stall-ms 250): what a user runs.
        final long timeoutMs = args.longValue("timeout-ms", 2_000);
        final long stallMs = args.longValue("stall-ms", 250);
        final long seed = args.longValue("seed", 7);
        final Csv summary = new Csv("nodes", "phase", "lookups", "success_rate", "p50_ms", "p90_ms", "p99_ms", "max_ms",
            "rounds_median", "rounds_mean", "join_s", "rate_limited_drops", "calls_timed_out", "requests_stalled");
        final Csv raw = new Csv("nodes", "phase", "latency_ms", "rounds", "ok");
        final String loopback = args.string("loopback", "distinct");
        if (!loopback.equals("distinct") && !loopback.equals("shared")) {
            throw new IllegalArgumentException("--loopback must be distinct or shared, got " + loopback);
        }
        final KademliaConfig config = new KademliaConfig().rpcTimeoutMs(timeoutMs).lookupStallMs(stallMs);
        for (final int n : sizes) {
            final SplittableRandom random = new SplittableRandom(seed + n);
            final List<KademliaNode> nodes = new ArrayList<>();
            final long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                final KademliaNode node = KademliaNode.udp(config, address(loopback, i), 0, InMemoryTupleStore.withCapacity(1_000, 65_536), null);
                node.start();
                if (i > 0) {
                    node.join(nodes.get(random.nextInt(nodes.size())).localAddress());
                }
                nodes.add(node);
            }
            final double joinS = (System.nanoTime() - t0) / 1e9;
            System.out.printf("N=%d: joined in %.1f s%n", n, joinS);
            measure(n, "all up", nodes, lookups, random, summary, raw, joinS);
            final List<KademliaNode> alive = new ArrayList<>(nodes);
            final int toKill = (int) Math.round(n * kill);
            for (int i = 0; i < toKill; i++) {
                alive.remove(random.nextInt(alive.size())).close();
            }
            measure(n, String.format("%d%% killed", Math.round(kill * 100)), alive, lookups, random, summary, raw, joinS);
            for (final KademliaNode node : alive) {
                node.close();
            }
        }
        summary.print("lookups over real UDP on loopback (k=20, alpha=3, rpc timeout " + timeoutMs + " ms, lookup stall " + stallMs
            + " ms, " + loopback + " loopback addresses)");
        summary.write(args.results().resolve("lookups_udp.csv"));
        raw.write(args.results().resolve("lookups_udp_latency.csv"));
        ReportPlots.latency(raw, args.plots().resolve(ReportPlots.LATENCY_PNG));
    }

    /**
     * Node {@code i}'s bind address. "distinct": its own 127.0.x.y (Linux answers the whole 127.0.0.0/8 on
     * lo), as on a mesh where every router has its own IP; the per-source rate limit (RpcConfig: 50
     * requests/s, burst 100, per IP) then applies per node as in the field. "shared": every node on
     * 127.0.0.1, so all nodes share one rate-limit budget at each receiver (how the first runs were made).
     */
    private static InetAddress address(final String loopback, final int i) throws UnknownHostException {
        if (loopback.equals("shared")) {
            return InetAddress.getByName("127.0.0.1");
        }
        return InetAddress.getByAddress(new byte[]{127, 0, (byte) (1 + i / 250), (byte) (1 + i % 250)});
    }

    private static void measure(final int n, final String phase, final List<KademliaNode> alive, final int lookups,
                                final SplittableRandom random, final Csv summary, final Csv raw, final double joinS) {
        final double[] latencyMs = new double[lookups];
        final double[] rounds = new double[lookups];
        int ok = 0;
        final long drops0 = sum(alive, CounterId.DROP_RATE_LIMITED);
        final long timeouts0 = sum(alive, CounterId.CALLS_TIMED_OUT);
        final long stalled0 = sum(alive, CounterId.LOOKUP_REQUESTS_STALLED);
        for (int i = 0; i < lookups; i++) {
            final NodeId target = NodeId.random(random);
            final KademliaNode from = alive.get(random.nextInt(alive.size()));
            final long s = System.nanoTime();
            final LookupResult r = from.findNode(target);
            latencyMs[i] = (System.nanoTime() - s) / 1e6;
            rounds[i] = r == null ? 0 : r.rounds();
            NodeId best = null;
            for (final KademliaNode e : alive) {
                if (e != from && (best == null || target.compareDistance(e.id(), best) < 0)) {
                    best = e.id();
                }
            }
            final boolean success = r != null && !r.closest().isEmpty() && r.closest().get(0).id().equals(best);
            if (success) {
                ok++;
            }
            raw.row(n, phase, latencyMs[i], (int) rounds[i], success);
        }
        final Percentiles p = new Percentiles(latencyMs);
        final Percentiles pr = new Percentiles(rounds);
        double meanRounds = 0;
        for (final double r : rounds) {
            meanRounds += r / lookups;
        }
        // Requests dropped by the receivers' per-source rate limit (RpcConfig.DEFAULT: 50/s, burst 100) and calls
        // that timed out: back-to-back lookups from few sources can exceed the limit, which shows up as timeouts.
        final long drops = sum(alive, CounterId.DROP_RATE_LIMITED) - drops0;
        final long timeouts = sum(alive, CounterId.CALLS_TIMED_OUT) - timeouts0;
        final long stalled = sum(alive, CounterId.LOOKUP_REQUESTS_STALLED) - stalled0;
        summary.row(n, phase, lookups, (double) ok / lookups, p.at(0.5), p.at(0.9), p.at(0.99), p.at(1.0), (int) pr.at(0.5),
            meanRounds, joinS, drops, timeouts, stalled);
        System.out.printf("N=%d %s: success %.3f, p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, rounds median %d, rate-limited drops %d, timeouts %d%n",
            n, phase, (double) ok / lookups, p.at(0.5), p.at(0.9), p.at(0.99), (int) pr.at(0.5), drops, timeouts);
    }

    private static long sum(final List<KademliaNode> nodes, final CounterId id) {
        long total = 0;
        for (final KademliaNode node : nodes) {
            total += node.counters().get(id);
        }
        return total;
    }
}
