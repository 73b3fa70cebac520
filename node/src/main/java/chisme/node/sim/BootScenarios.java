package chisme.node.sim;

import chisme.node.kademlia.JoinResolver;
import chisme.node.kademlia.KademliaConfig;
import chisme.node.kademlia.KademliaEngine;
import chisme.node.metrics.CounterId;
import chisme.node.routing.Contact;
import chisme.wire.MessageType;
import chisme.wire.NodeId;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

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

    /** Lines of explanation at most of each kind (values on few of their k closest nodes, failed gets). */
    private static final int MAX_NOTES = 20;

    private BootScenarios() {
    }

    /**
     * @param connectedMs  virtual time from the start (boot: the last node's start) until the tables formed one component, -1 if never
     * @param convergedMs  virtual time until every node's table held its true closest node, -1 if never
     * @param datagrams    datagrams delivered from the start until convergence (or the limit)
     * @param counters     every node's counters summed (at convergence or the limit)
     */
    public record Outcome(String scenario, int nodes, int lateNodes, long connectedMs, long convergedMs, int components,
                          int missingClosest, int gets, int getsOk, long datagrams, Map<CounterId, Long> counters,
                          int values, int valuesOnAllClosest, int minHoldersAmongClosest, List<String> failedGets,
                          Map<String, Long> datagramsByType) {
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
                    + " datagrams/node=%.0f join attempts/node=%.1f merge runs/node=%.1f handoff stores/node=%.1f"
                    + " values on all k closest %d/%d (fewest holders among the k closest: %d)", scenario, nodes,
                lateNodes, connectedMs / 1e3, convergedMs / 1e3, components, missingClosest, getsOk, gets, datagramsPerNode(),
                perNode(CounterId.JOIN_ATTEMPTS), perNode(CounterId.MERGE_SELF_LOOKUPS), perNode(CounterId.HANDOFF_STORES_SENT),
                valuesOnAllClosest, values, minHoldersAmongClosest);
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
        final long[] starts = bootTogether(sim, all, lateFraction);
        int late = 0;
        long lastStart = 0;
        final List<KademliaEngine> early = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            lastStart = Math.max(lastStart, starts[i]);
            if (starts[i] < BOOT_SPREAD_MS) {
                early.add(all.get(i));
            } else {
                late++;
            }
        }
        final int[] copiesAtPublish = new int[values];
        for (int i = 0; i < values && !early.isEmpty(); i++) {
            final byte[] v = new byte[200];
            random.nextBytes(v);
            final KademliaEngine from = early.get(random.nextInt(early.size()));
            sim.published(NodeId.sha1(v), v);
            final int index = i;
            sim.hostOf(from).schedule(BOOT_SPREAD_MS + 1_000, () -> from.publish(v, (local, copies) -> copiesAtPublish[index] = copies));
        }
        // Times are counted from the last node's start: before it, one network cannot exist.
        sim.network().runUntil(sim.network().nowMs() + lastStart);
        return settle(sim, "simultaneous boot", all, late, sim.network().nowMs(), n <= 1_000 ? 1_000 : 5_000, limitMs, gets,
            copiesAtPublish, 0);
    }

    /**
     * Schedules the start of every node within {@link #BOOT_SPREAD_MS}, except a {@code lateFraction} 30-120 s
     * later, each bootstrapping through one random earlier node of {@code nodes} (node 0: a random other).
     * Returns the start times, in the order of {@code nodes}.
     */
    private static long[] bootTogether(final KademliaSimulation sim, final List<KademliaEngine> nodes, final double lateFraction) {
        final SplittableRandom random = sim.random();
        final int n = nodes.size();
        final long[] starts = new long[n];
        for (int i = 0; i < n; i++) {
            final KademliaEngine e = nodes.get(i);
            final int j = i == 0 ? 1 + random.nextInt(n - 1) : random.nextInt(i);
            final InetSocketAddress join = nodes.get(j).localAddress();
            final boolean isLate = random.nextDouble() < lateFraction;
            final long at = isLate ? LATE_MIN_MS + random.nextLong(LATE_MAX_MS - LATE_MIN_MS) : random.nextLong(BOOT_SPREAD_MS);
            starts[i] = at;
            sim.hostOf(e).schedule(at, () -> {
                e.start();
                e.bootstrap(JoinResolver.of(List.of(join)), List.of());
            });
        }
        return starts;
    }

    /**
     * Two networks of n/2 nodes, each holding values/2 values, then one node of the first joins through one
     * node of the second (one {@code chisme join}). Each half is built by a simultaneous boot inside itself
     * (every node joining a random earlier node of its half, all within {@link #BOOT_SPREAD_MS}) and runs
     * until every table names its true closest node of its half: n sequential joins (each waiting for the
     * previous) made the 5,000-node run outlast its 25-minute bound before the merge. Then the values are
     * published and both networks are left alone for two minutes (two networks that have existed a while
     * come into contact, not two still booting).
     */
    public static Outcome merge(final KademliaConfig config, final long seed, final int n, final int values, final int gets,
                                final long limitMs) {
        final KademliaSimulation sim = new KademliaSimulation(config, seed);
        final List<KademliaEngine> a = new ArrayList<>();
        final List<KademliaEngine> b = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            (i < n / 2 ? a : b).add(sim.addNode());
        }
        bootTogether(sim, a, 0);
        bootTogether(sim, b, 0);
        final Convergence ca = new Convergence(a);
        final Convergence cb = new Convergence(b);
        final long bootLimitMs = sim.network().nowMs() + limitMs;
        while ((ca.missingClosest() > 0 || cb.missingClosest() > 0) && sim.network().nowMs() < bootLimitMs) {
            sim.network().runUntil(sim.network().nowMs() + 5_000);
        }
        final int residue = ca.missingClosest() + cb.missingClosest();
        if (ca.components() > 1 || cb.components() > 1) {
            throw new IllegalStateException("a half is not one network within " + limitMs + " ms before the merge: components "
                + ca.components() + " and " + cb.components() + ", nodes without their true closest " + ca.missingClosest() + " and "
                + cb.missingClosest());
        }
        if (residue > 0) {
            // Each half is one network but not converged (issue 11, session 5: a boot may leave overlays that never
            // merge by themselves). The merge still runs; it counts as converged when no more nodes lack their
            // true closest than the halves did before the join.
            System.out.println("halves not converged within " + limitMs + " ms before the merge: nodes without their true closest "
                + ca.missingClosest() + " and " + cb.missingClosest() + " (each half one component); merging anyway");
            ca.explainMissing(10).forEach(line -> System.out.println("missing closest in half A: " + line));
            cb.explainMissing(10).forEach(line -> System.out.println("missing closest in half B: " + line));
        }
        sim.publish(values / 2, 200, a);
        sim.publish(values - values / 2, 200, b);
        // Two networks that have existed a while come into contact (not two still growing).
        sim.network().runUntil(sim.network().nowMs() + SETTLE_BEFORE_MERGE_MS);
        final long start = sim.network().nowMs();
        final long before = sim.network().deliveredDatagrams();
        final Map<String, Long> byTypeBefore = byType(sim.network());
        final List<KademliaEngine> all = new ArrayList<>(a);
        all.addAll(b);
        final Map<CounterId, Long> countersBefore = sum(all);
        final KademliaEngine joiner = a.get(0);
        final InetSocketAddress through = b.get(0).localAddress();
        sim.hostOf(joiner).execute(() -> joiner.join(List.of(through), size -> {
        }));
        final Outcome o = settle(sim, residue == 0 ? "merge" : "merge (halves left " + residue + " without their closest)", all, 0,
            start, 1_000, limitMs, gets, null, residue);
        // Only the merge's own traffic and work: from the join on.
        final Map<CounterId, Long> counters = new EnumMap<>(CounterId.class);
        o.counters().forEach((id, v) -> counters.put(id, v - countersBefore.getOrDefault(id, 0L)));
        final Map<String, Long> byType = new TreeMap<>();
        o.datagramsByType().forEach((t, v) -> byType.put(t, v - byTypeBefore.getOrDefault(t, 0L)));
        return new Outcome(o.scenario(), o.nodes(), 0, o.connectedMs(), o.convergedMs(), o.components(), o.missingClosest(),
            o.gets(), o.getsOk(), o.datagrams() - before, counters, o.values(), o.valuesOnAllClosest(),
            o.minHoldersAmongClosest(), o.failedGets(), byType);
    }

    /**
     * The cost of the issue-11 mechanisms in a network that is only growing: {@code n} nodes join one after
     * another, each through a random earlier node (each waiting for the previous join to finish), as
     * {@link KademliaSimulation#grow(int)}. No gets; datagrams and counters from the first start.
     */
    public static Outcome growth(final KademliaConfig config, final long seed, final int n) {
        final KademliaSimulation sim = new KademliaSimulation(config, seed);
        final List<KademliaEngine> all = sim.grow(n, null);
        final long ms = sim.network().nowMs();
        return new Outcome("growth", n, 0, ms, -1, new Convergence(all).components(), -1, 0, 0, sim.network().deliveredDatagrams(),
            sum(all), 0, 0, 0, List.of(), byType(sim.network()));
    }

    /** Every node's counters summed. */
    private static Map<CounterId, Long> sum(final List<KademliaEngine> nodes) {
        final Map<CounterId, Long> counters = new EnumMap<>(CounterId.class);
        for (final KademliaEngine e : nodes) {
            e.counters().snapshot().forEach((k, v) -> counters.merge(k, v, Long::sum));
        }
        return counters;
    }

    /** Datagrams delivered so far per message type name. */
    static Map<String, Long> byType(final SimNetwork network) {
        final Map<String, Long> out = new TreeMap<>();
        for (int t = 0; t < 256; t++) {
            if (network.deliveredDatagrams(t) > 0) {
                out.put(MessageType.name(t), network.deliveredDatagrams(t));
            }
        }
        return out;
    }

    /**
     * Runs until every table holds its true closest node (or the limit), then the gets. {@code residue}: nodes
     * allowed to lack their true closest (a merge of halves that had not converged themselves).
     */
    private static Outcome settle(final KademliaSimulation sim, final String scenario, final List<KademliaEngine> all, final int late,
                                  final long start, final long step, final long limitMs, final int gets, final int[] copiesAtPublish,
                                  final int residue) {
        final Convergence c = new Convergence(all);
        long connectedMs = -1;
        long convergedMs = -1;
        int components = c.components();
        int missing = c.missingClosest();
        while (true) {
            final long t = sim.network().nowMs() - start;
            if (connectedMs < 0 && components == 1) {
                connectedMs = t;
            }
            if (missing <= residue) {
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
        if (missing > residue) {
            c.explainMissing(MAX_NOTES).forEach(line -> System.out.println("missing closest: " + line));
        }
        final long datagrams = sim.network().deliveredDatagrams();
        final Map<String, Long> datagramsByType = byType(sim.network());
        final Map<CounterId, Long> counters = sum(all);
        // Where the values are before the gets (a get's path caching adds copies).
        final int k = all.get(0).config().k();
        final int values = sim.publishedKeys().size();
        int onAll = 0;
        int fewest = k;
        final int[] holdersAmongClosest = new int[values];
        for (int v = 0; v < values; v++) {
            for (final int rank : sim.holderRanks(v)) {
                if (rank < k) {
                    holdersAmongClosest[v]++;
                }
            }
            onAll += holdersAmongClosest[v] == k ? 1 : 0;
            fewest = Math.min(fewest, holdersAmongClosest[v]);
        }
        final List<String> notes = new ArrayList<>();
        for (int v = 0; v < values; v++) {
            if (holdersAmongClosest[v] < k / 2 && notes.size() < MAX_NOTES) {
                final int[] ranks = sim.holderRanks(v);
                notes.add(String.format("value %d on %d of the k closest; holders %d, ranks %s%s", v, holdersAmongClosest[v], ranks.length,
                    Arrays.toString(Arrays.copyOf(ranks, Math.min(30, ranks.length))),
                    copiesAtPublish == null ? "" : "; remote copies at publish " + copiesAtPublish[v]));
            }
        }
        final KademliaSimulation.Stats s = sim.gets(gets);
        for (final KademliaSimulation.FailedGet f : s.failures().subList(0, Math.min(MAX_NOTES, s.failures().size()))) {
            notes.add(explain(sim, f, k, holdersAmongClosest[f.value()])
                + (copiesAtPublish == null ? "" : "; remote copies at publish " + copiesAtPublish[f.value()]));
        }
        return new Outcome(scenario, all.size(), late, connectedMs, convergedMs, components, missing, s.total(), s.succeeded(),
            datagrams, counters, values, onAll, fewest, notes, datagramsByType);
    }

    /** One failed get: where its value was before the gets, and what the lookup reached of the k nodes closest to the key. */
    private static String explain(final KademliaSimulation sim, final KademliaSimulation.FailedGet f, final int k, final int holdersBefore) {
        final NodeId key = sim.publishedKeys().get(f.value());
        final int[] ranks = sim.holderRanks(f.value());
        final List<KademliaEngine> closest = sim.trueClosest(key, k);
        final Set<NodeId> closestIds = new HashSet<>();
        for (final KademliaEngine e : closest) {
            closestIds.add(e.localId());
        }
        int reached = 0;
        if (f.result() != null) {
            for (final Contact c : f.result().closest()) {
                if (closestIds.contains(c.id())) {
                    reached++;
                }
            }
        }
        final StringBuilder r = new StringBuilder();
        for (int i = 0; i < Math.min(8, ranks.length); i++) {
            r.append(i == 0 ? "" : ",").append(ranks[i]);
        }
        return String.format("failed get of value %d: before the gets %d of the k closest held it; holders now %d, nearest ranks [%s];"
                + " lookup answered by %d nodes, %d of them among the true k closest; queried %d failed %d rounds %d",
            f.value(), holdersBefore, ranks.length, r, f.result() == null ? -1 : f.result().closest().size(), reached,
            f.result() == null ? -1 : f.result().queried(), f.result() == null ? -1 : f.result().failed(),
            f.result() == null ? -1 : f.result().rounds());
    }
}
