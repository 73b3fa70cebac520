package chisme.bench.scale;

import chisme.bench.report.Csv;
import chisme.node.kademlia.KademliaConfig;
import chisme.node.sim.KademliaSimulation;
import chisme.node.sim.SimNetwork;
import chisme.node.kademlia.KademliaEngine;
import chisme.node.kademlia.LookupResult;
import chisme.wire.NodeId;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Lookups in the simulated network under virtual time ({@link KademliaSimulation}: the production engine
 * on a {@link SimNetwork}, latency 5-50 ms, no loss): rounds against log2 N, success, messages per lookup,
 * and the same after stopping a fraction of the nodes silently (churn). Memory and time grow with N: the
 * network build (N sequential joins) dominates.
 */
final class SimLookups {
    private SimLookups() {
    }

    static void run(final Args args) {
        final int[] sizes = args.integers("sizes", "1000,2000,4000");
        final int lookups = args.integer("lookups", 500);
        final int values = args.integer("values", 100);
        final double churn = args.decimal("churn", 0.3);
        final long seed = args.longValue("seed", 42);
        final String table = args.string("table", "lookups_sim");
        // Issue 12's lookup diversity rule: "off" measures plain XOR order in the same run.
        final String perPrefix = args.string("lookup-max-per-prefix", String.valueOf(new KademliaConfig().lookupMaxPerPrefix()));
        if (!table.matches("lookups_sim[A-Za-z0-9_-]*")) {
            throw new IllegalArgumentException("--table must start with lookups_sim (letters, digits, _ and - after it), got " + table);
        }
        final Csv csv = new Csv("nodes", "log2_n", "goal_rounds", "phase", "op", "lookups", "success_rate", "rounds_median",
            "rounds_p90", "rounds_max", "rounds_mean", "messages_per_lookup", "build_wall_s", "heap_used_mb");
        for (int s = 0; s < sizes.length; s++) {
            final int n = sizes[s];
            final KademliaConfig config = new KademliaConfig().rpcTimeoutMs(1_000)
                .lookupMaxPerPrefix(perPrefix.equals("off") ? Integer.MAX_VALUE : Integer.parseInt(perPrefix));
            final KademliaSimulation sim = new KademliaSimulation(config, seed);
            final long t0 = System.nanoTime();
            sim.grow(n);
            final double buildS = (System.nanoTime() - t0) / 1e9;
            sim.publish(values, 200);
            final int goalRounds = (int) Math.ceil(Math.log(n) / Math.log(config.k())) + 1;
            final double log2n = Math.log(n) / Math.log(2);
            System.out.printf("N=%d built in %.1f s wall (%.0f s virtual)%n", n, buildS, sim.network().nowMs() / 1e3);
            for (final String phase : new String[]{"all up", "churn"}) {
                if (phase.equals("churn")) {
                    sim.churn(churn);
                }
                for (final String op : new String[]{"find_node", "get"}) {
                    final Stats st = op.equals("get") ? Stats.of(sim.gets(lookups)) : findNodes(sim, lookups, seed + n);
                    final Runtime rt = Runtime.getRuntime();
                    csv.row(n, log2n, goalRounds, phase.equals("churn") ? Math.round(churn * 100) + "% stopped" : phase, op,
                        st.total, st.successRate(), st.rounds.quantile(0.5), st.rounds.quantile(0.9), st.rounds.quantile(1.0),
                        st.rounds.mean(), st.messages < 0 ? "" : String.format("%.1f", (double) st.messages / st.total), buildS,
                        (rt.totalMemory() - rt.freeMemory()) >> 20);
                    System.out.printf("N=%d %s %s: success %.4f, %s, messages/lookup %s%n", n, phase, op, st.successRate(), st.rounds,
                        st.messages < 0 ? "n/a" : String.format("%.1f", (double) st.messages / st.total));
                }
            }
        }
        csv.print("simulated lookups (k=20, alpha=3, virtual time)");
        // --table names the CSV: a long single-size run (50,000 nodes: 22 minutes) is kept in its own
        // lookups_sim_<N>.csv, and the plot joins every lookups_sim*.csv of the results directory.
        csv.write(args.results().resolve(table + ".csv"));
        ReportPlots.rounds(ReportPlots.simTables(args.results()), args.plots().resolve(ReportPlots.ROUNDS_PNG));
    }

    /** Rounds histogram and success from the simulation, plus messages the lookups sent and received (-1: not known). */
    private record Stats(Rounds rounds, int total, int ok, long messages) {
        static Stats of(final KademliaSimulation.Stats s) {
            return new Stats(new Rounds(s.histogram()), s.total(), s.succeeded(), s.messages());
        }

        double successRate() {
            return total == 0 ? 0 : (double) ok / total;
        }
    }

    /**
     * iterativeFindNode of random ids from random live nodes, as {@link KademliaSimulation#findNodes} does
     * (success = first contact is the live node closest to the target), counting each lookup's own messages:
     * one request per node queried and one reply per node that answered (LookupResult.queried/failed), so the
     * other nodes' maintenance traffic in the same virtual time is not counted. Single-threaded simulation:
     * the lookup starts on the caller's thread, which then runs the network's events.
     */
    private static Stats findNodes(final KademliaSimulation sim, final int count, final long seed) {
        final SplittableRandom random = new SplittableRandom(seed);
        final List<KademliaEngine> alive = sim.aliveNodes();
        final Rounds histogram = new Rounds();
        int ok = 0;
        long messages = 0;
        for (int i = 0; i < count; i++) {
            final NodeId target = NodeId.random(random);
            final KademliaEngine from = alive.get(random.nextInt(alive.size()));
            final LookupResult[] out = new LookupResult[1];
            from.lookup(target, false, r -> out[0] = r);
            sim.network().runWhile(() -> out[0] == null, sim.network().nowMs() + 600_000, 50_000_000);
            NodeId best = null;
            for (final KademliaEngine e : alive) {
                if (e != from && (best == null || target.compareDistance(e.localId(), best) < 0)) {
                    best = e.localId();
                }
            }
            final boolean success = out[0] != null && !out[0].closest().isEmpty() && out[0].closest().get(0).id().equals(best);
            if (success) {
                ok++;
            }
            if (out[0] != null) {
                messages += 2L * out[0].queried() - out[0].failed();
            }
            histogram.record(out[0] == null ? 0 : out[0].rounds());
        }
        return new Stats(histogram, count, ok, messages);
    }
}
