package chisme.bench.scale;

import chisme.bench.report.Csv;
import chisme.node.kademlia.KademliaConfig;
import chisme.node.metrics.CounterId;
import chisme.node.sim.BootScenarios;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Issue 11 at scale in the simulator (the production engine under virtual time, latency 5-50 ms, no loss):
 * a whole community booting at once with a fraction of the nodes 30-120 s late, and two networks of N/2
 * merged by one join. Reports the virtual time until the routing tables form one network and until every
 * table names its true closest node, get success afterwards, and datagrams per node.
 */
final class BootstrapSim {
    private BootstrapSim() {
    }

    static void run(final Args args) {
        final int[] sizes = args.integers("sizes", "1000,5000");
        final double late = args.decimal("late", 0.2);
        final int values = args.integer("values", 100);
        final int gets = args.integer("gets", 500);
        final long limitS = args.longValue("limit-s", 900);
        final long seed = args.longValue("seed", 42);
        final String[] scenarios = args.string("scenarios", "boot,merge").split(",");
        final boolean mergeProbe = !args.string("merge-probe", "on").equals("off");
        // --merge=off: the no-merge baseline (MergeWatch's cooldown 10^9 ms: at most one merge run per node).
        final boolean merge = !args.string("merge", "on").equals("off");
        Csv csv = new Csv("nodes", "scenario", "late_nodes", "connected_s", "converged_s", "components", "missing_closest",
            "gets", "get_success", "datagrams_per_node", "join_attempts_per_node", "merge_runs_per_node", "handoff_stores_per_node",
            "wall_s");
        for (final int n : sizes) {
            for (final String scenario : scenarios) {
                if (scenario.equals("growth")) {
                    growth(n, seed);
                    continue;
                }
                if (!scenario.equals("boot") && !scenario.equals("merge")) {
                    throw new IllegalArgumentException("--scenarios: boot, merge and/or growth, got " + scenario);
                }
                final long t0 = System.nanoTime();
                final KademliaConfig config = new KademliaConfig().mergeProbe(mergeProbe);
                if (!merge) {
                    config.mergeCooldownMs(1_000_000_000L);
                }
                final BootScenarios.Outcome o = scenario.equals("boot")
                    ? BootScenarios.simultaneousBoot(config, seed + n, n, late, values, gets, limitS * 1000)
                    : BootScenarios.merge(config, seed + n, n, values, gets, limitS * 1000);
                final double wallS = (System.nanoTime() - t0) / 1e9;
                System.out.println(o + String.format(" wall=%.0fs", wallS));
                o.failedGets().forEach(System.out::println);
                System.out.println("counters per node: " + perNode(o));
                System.out.println("datagrams per node by type: " + byType(o.datagramsByType(), o.nodes()));
                csv.row(n, (scenario.equals("boot") ? "simultaneous boot " + Math.round(late * 100) + "% late"
                        : "merge of two halves" + o.scenario().substring("merge".length()))
                        + (merge ? "" : " (merge runs off)"),
                    o.lateNodes(), seconds(o.connectedMs()), seconds(o.convergedMs()), o.components(), o.missingClosest(), o.gets(),
                    o.getSuccess(), String.format("%.0f", o.datagramsPerNode()), String.format("%.1f", o.perNode(CounterId.JOIN_ATTEMPTS)),
                    String.format("%.1f", o.perNode(CounterId.MERGE_SELF_LOOKUPS)), String.format("%.1f", o.perNode(CounterId.HANDOFF_STORES_SENT)),
                    String.format("%.0f", wallS));
            }
        }
        csv.print("bootstrap and merge (simulated, k=20, alpha=3, virtual time; times from the last node's start / the join)");
        // One size per run at 5,000 nodes (each run takes minutes): rows of earlier runs for other sizes or
        // scenarios are kept, so the table and the plot hold every size measured.
        final Path file = args.results().resolve("bootstrap_sim.csv");
        if (Files.exists(file)) {
            final Csv old = Csv.read(file);
            final Csv merged = new Csv(csv.columns());
            final List<String[]> fresh = csv.rows();
            for (final String[] r : old.rows()) {
                if (Arrays.equals(old.columns(), merged.columns()) && fresh.stream().noneMatch(x -> x[0].equals(r[0]) && x[1].equals(r[1]))) {
                    merged.row((Object[]) r);
                }
            }
            csv = merged.append(csv);
        }
        csv.write(file);
        ReportPlots.bootstrap(csv, args.plots().resolve(ReportPlots.BOOTSTRAP_PNG));
    }

    /** Every non-zero counter summed over the nodes, per node (where the datagrams went). */
    private static String perNode(final BootScenarios.Outcome o) {
        final StringBuilder b = new StringBuilder();
        o.counters().forEach((id, v) -> {
            if (v != 0) {
                b.append(id.name().toLowerCase(java.util.Locale.ROOT)).append('=').append(String.format("%.1f", o.perNode(id))).append(' ');
            }
        });
        return b.toString().trim();
    }

    /**
     * The traffic of a network that only grows (n sequential joins, rpc timeout 500 ms), with the issue-11
     * mechanisms and with them off by configuration (one join attempt, at most one merge run per node, no
     * handoff): where the datagrams go, per message type and per mechanism's counters.
     */
    private static void growth(final int n, final long seed) {
        for (final boolean on : new boolean[]{true, false}) {
            final KademliaConfig config = new KademliaConfig().rpcTimeoutMs(500);
            if (!on) {
                config.joinRetryMinMs(1_000_000_000L).joinRetryMaxMs(1_000_000_000L).mergeCooldownMs(1_000_000_000L).handoffQueuedContacts(0);
            }
            final long t0 = System.nanoTime();
            final BootScenarios.Outcome o = BootScenarios.growth(config, seed, n);
            System.out.printf("growth N=%d mechanisms %s: %d datagrams (%.0f per node) in %.0f virtual s, components %d, wall %.0f s%n", n,
                on ? "on" : "off", o.datagrams(), o.datagramsPerNode(), o.connectedMs() / 1e3, o.components(), (System.nanoTime() - t0) / 1e9);
            System.out.println("  datagrams per node by type: " + byType(o.datagramsByType(), n));
            System.out.println("  counters per node: " + perNode(o));
        }
    }

    /** Datagrams per node of each message type. */
    static String byType(final java.util.Map<String, Long> counts, final int nodes) {
        final StringBuilder b = new StringBuilder();
        counts.forEach((t, v) -> b.append(t).append('=').append(String.format("%.1f", (double) v / nodes)).append(' '));
        return b.toString().trim();
    }

    /** Virtual seconds, empty when it never happened within the limit. */
    private static String seconds(final long ms) {
        return ms < 0 ? "" : String.format("%.1f", ms / 1e3);
    }
}
