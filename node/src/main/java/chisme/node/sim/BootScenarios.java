package chisme.node.sim;

import chisme.node.kademlia.JoinResolver;
import chisme.node.kademlia.KademliaConfig;
import chisme.node.kademlia.KademliaEngine;
import chisme.node.metrics.CounterId;
import chisme.wire.NodeId;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The issue-11 scenarios under virtual time, on the production engine: a whole community booting at once
 * (power back) with some nodes late, and two separately grown networks merged by one join. Each run reports
 * when the routing tables formed one network, when every node held its true closest node (converged), get
 * success afterwards and the datagrams per node it took.
 */
public final class BootScenarios {
    /** Start spread of the nodes that boot "at once" (processes do not start in the same millisecond). */
    private static final long BOOT_SPREAD_MS = 2_000;
    /** Late nodes come up uniformly in this window (issue 11: 20 JVMs took 65-185 s to all answer on 2 cores). */
    private static final long LATE_MIN_MS = 30_000;
    private static final long LATE_MAX_MS = 120_000;
    /** Quiet time of each network before the merge. */
    private static final long SETTLE_BEFORE_MERGE_MS = 120_000;

    private BootScenarios() {
    }

    /**
     * @param connectedMs  virtual time from the start (boot: the last node's start) until the tables formed one component, -1 if never
     * @param convergedMs  virtual time until every node's table held its true closest node, -1 if never
     * @param datagrams    datagrams delivered from the start until convergence (or the limit)
     * @param counters     every node's counters summed (at convergence or the limit)
     */
    public record Outcome(String scenario, int nodes, int lateNodes, long connectedMs, long convergedMs, int components,
                          int missingClosest, int gets, int getsOk, long datagrams, Map<CounterId, Long> counters) {
        /** A counter summed over every node, per node. */
        public double perNode(final CounterId id) {
            return (double) counters.getOrDefault(id, 0L) / nodes;
        }

        public double getSuccess() {
            return gets == 0 ? 0 : (double) getsOk / gets;
        }

        public double datagramsPerNode() {
            return (double) datagrams / nodes;
        }

        @Override
        public String toString() {
            return String.format("%s N=%d late=%d connected=%.1fs converged=%.1fs components=%d missingClosest=%d gets %d/%d"
                    + " datagrams/node=%.0f join attempts/node=%.1f merge runs/node=%.1f handoff stores/node=%.1f", scenario, nodes,
                lateNodes, connectedMs / 1e3, convergedMs / 1e3, components, missingClosest, getsOk, gets, datagramsPerNode(),
                perNode(CounterId.JOIN_ATTEMPTS), perNode(CounterId.MERGE_SELF_LOOKUPS), perNode(CounterId.HANDOFF_STORES_SENT));
        }
    }

    /**
     * All {@code n} nodes boot within {@link #BOOT_SPREAD_MS}, except a {@code lateFraction} that come up 30-120 s
     * later. Each has one join address: a random earlier node (node 0: a random other), so the bootstrap graph is
     * connected (a router's config names a node that existed when it was installed), but which nodes are up at
     * first is random. {@code values} values are published at 3 s from random early nodes (some still alone).
     */
    public static Outcome simultaneousBoot(final KademliaConfig config, final long seed, final int n, final double lateFraction,
                                           final int values, final int gets, final long limitMs) {
        final KademliaSimulation sim = new KademliaSimulation(config, seed);
        final SplittableRandom random = sim.random();
        final List<KademliaEngine> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(sim.addNode());
        }
        int late = 0;
        long lastStart = 0;
        final List<KademliaEngine> early = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            final KademliaEngine e = all.get(i);
            final int j = i == 0 ? 1 + random.nextInt(n - 1) : random.nextInt(i);
            final InetSocketAddress join = all.get(j).localAddress();
            final boolean isLate = random.nextDouble() < lateFraction;
            final long at = isLate ? LATE_MIN_MS + random.nextLong(LATE_MAX_MS - LATE_MIN_MS) : random.nextLong(BOOT_SPREAD_MS);
            lastStart = Math.max(lastStart, at);
            if (isLate) {
                late++;
            } else {
                early.add(e);
            }
            sim.hostOf(e).schedule(at, () -> {
                e.start();
                e.bootstrap(JoinResolver.of(List.of(join)), List.of());
            });
        }
        for (int i = 0; i < values && !early.isEmpty(); i++) {
            final byte[] v = new byte[200];
            random.nextBytes(v);
            final KademliaEngine from = early.get(random.nextInt(early.size()));
            sim.published(NodeId.sha1(v), v);
            sim.hostOf(from).schedule(BOOT_SPREAD_MS + 1_000, () -> from.publish(v, (local, copies) -> {
            }));
        }
        // Times are counted from the last node's start: before it, one network cannot exist.
        sim.network().runUntil(sim.network().nowMs() + lastStart);
        return settle(sim, "simultaneous boot", all, late, sim.network().nowMs(), limitMs, gets);
    }

    /**
     * Two networks of n/2 nodes, each grown by sequential joins inside itself, each holding values/2 values;
     * left alone for two minutes, then one node of the first joins through one node of the second (one
     * {@code chisme join}).
     */
    public static Outcome merge(final KademliaConfig config, final long seed, final int n, final int values, final int gets,
                                final long limitMs) {
        final KademliaSimulation sim = new KademliaSimulation(config, seed);
        final List<KademliaEngine> a = sim.grow(n / 2, List.of());
        final List<KademliaEngine> b = sim.grow(n - n / 2, List.of());
        sim.publish(values / 2, 200, a);
        sim.publish(values - values / 2, 200, b);
        // Two networks that have existed a while come into contact (not two still growing).
        sim.network().runUntil(sim.network().nowMs() + SETTLE_BEFORE_MERGE_MS);
        final long start = sim.network().nowMs();
        final long before = sim.network().deliveredDatagrams();
        final KademliaEngine joiner = a.get(0);
        final InetSocketAddress through = b.get(0).localAddress();
        sim.hostOf(joiner).execute(() -> joiner.join(List.of(through), size -> {
        }));
        final List<KademliaEngine> all = new ArrayList<>(a);
        all.addAll(b);
        final Outcome o = settle(sim, "merge", all, 0, start, limitMs, gets);
        return new Outcome(o.scenario(), o.nodes(), 0, o.connectedMs(), o.convergedMs(), o.components(), o.missingClosest(),
            o.gets(), o.getsOk(), o.datagrams() - before, o.counters());
    }

    /** Runs until every table holds its true closest node (or the limit), then the gets. */
    private static Outcome settle(final KademliaSimulation sim, final String scenario, final List<KademliaEngine> all, final int late,
                                  final long start, final long limitMs, final int gets) {
        final Convergence c = new Convergence(all);
        final long step = all.size() <= 1_000 ? 1_000 : 5_000;
        long connectedMs = -1;
        long convergedMs = -1;
        int components = c.components();
        int missing = c.missingClosest();
        while (true) {
            final long t = sim.network().nowMs() - start;
            if (connectedMs < 0 && components == 1) {
                connectedMs = t;
            }
            if (missing == 0) {
                convergedMs = t;
                break;
            }
            if (t >= limitMs) {
                break;
            }
            sim.network().runUntil(sim.network().nowMs() + step);
            components = c.components();
            missing = c.missingClosest();
        }
        final long datagrams = sim.network().deliveredDatagrams();
        final Map<CounterId, Long> counters = new EnumMap<>(CounterId.class);
        for (final KademliaEngine e : all) {
            e.counters().snapshot().forEach((k, v) -> counters.merge(k, v, Long::sum));
        }
        final KademliaSimulation.Stats s = sim.gets(gets);
        return new Outcome(scenario, all.size(), late, connectedMs, convergedMs, components, missing, s.total(), s.succeeded(),
            datagrams, counters);
    }
}
