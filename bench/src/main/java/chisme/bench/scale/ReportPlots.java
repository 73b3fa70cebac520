package chisme.bench.scale;

import chisme.bench.report.Csv;
import chisme.bench.report.Plots;
import org.knowm.xchart.XYChart;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The report's plots, drawn from the harness's CSV tables only: a sub-command draws its plot from the table
 * it just measured, and {@code bench/scale plot} redraws all of them from the tables in bench/results
 * without measuring again (the 50,000-node simulation takes 22 minutes, so it lives in its own
 * lookups_sim_50000.csv and joins the rounds plot here).
 */
final class ReportPlots {
    static final String ROUNDS_PNG = "lookup-rounds.png";
    static final String LATENCY_PNG = "lookup-latency.png";
    static final String GOSSIP_BYTES_PNG = "gossip-bytes.png";
    static final String BOOTSTRAP_PNG = "bootstrap-merge.png";
    /** Datagrams per node of the same runs, beside {@link #BOOTSTRAP_PNG}. */
    static final String BOOTSTRAP_DATAGRAMS_PNG = "bootstrap-merge-datagrams.png";

    private ReportPlots() {
    }

    /** {@code bench/scale plot [--results=bench/results --plots=docs/plots]}: every plot whose table exists. */
    static void run(final Args args) {
        final Path results = args.results();
        final Path plots = args.plots();
        final Csv sim = simTables(results);
        if (sim != null) {
            rounds(sim, plots.resolve(ROUNDS_PNG));
            System.out.println("wrote " + plots.resolve(ROUNDS_PNG) + " from " + sim.rows().size() + " rows of lookups_sim*.csv");
        }
        final Path latency = results.resolve("lookups_udp_latency.csv");
        if (Files.exists(latency)) {
            latency(Csv.read(latency), plots.resolve(LATENCY_PNG));
            System.out.println("wrote " + plots.resolve(LATENCY_PNG) + " from " + latency);
        }
        final Path footprint = results.resolve("footprint.csv");
        if (Files.exists(footprint) && Csv.read(footprint).columns().length > 10) { // earlier tables lack the issue-16 columns
            FootprintPlot.draw(Csv.read(footprint), plots.resolve(FootprintPlot.PNG));
            System.out.println("wrote " + plots.resolve(FootprintPlot.PNG) + " from " + footprint);
        }
        final Path boot = results.resolve("bootstrap_sim.csv");
        if (Files.exists(boot)) {
            bootstrap(Csv.read(boot), plots.resolve(BOOTSTRAP_PNG));
            System.out.println("wrote " + plots.resolve(BOOTSTRAP_PNG) + " from " + boot);
        }
        final Path pair = results.resolve("gossip_pair.csv");
        if (Files.exists(pair)) {
            gossipBytes(Csv.read(pair), plots.resolve(GOSSIP_BYTES_PNG));
            System.out.println("wrote " + plots.resolve(GOSSIP_BYTES_PNG) + " from " + pair);
        }
    }

    /** lookups_sim.csv plus every lookups_sim_*.csv (runs of single large sizes), or null if there is none. */
    static Csv simTables(final Path results) {
        final List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(results, "lookups_sim*.csv")) {
            ds.forEach(files::add);
        } catch (final java.nio.file.NoSuchFileException e) {
            return null;
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        files.sort(null);
        Csv all = null;
        for (final Path f : files) {
            final Csv c = Csv.read(f);
            all = all == null ? c : all.append(c);
        }
        return all;
    }

    /** Mean rounds per (phase, op) against N on a log axis, with the goal and log2 N / log2 k. */
    static void rounds(final Csv sim, final Path png) {
        final TreeSet<Integer> sizes = new TreeSet<>();
        final Map<String, Map<Integer, Double>> series = new LinkedHashMap<>();
        final Map<Integer, Double> goal = new LinkedHashMap<>();
        for (final String[] r : sim.rows()) {
            final int n = (int) sim.number(r, "nodes");
            sizes.add(n);
            final String phase = sim.value(r, "phase");
            final String name = sim.value(r, "op") + " mean" + (phase.equals("all up") ? "" : ", " + phase);
            series.computeIfAbsent(name, k -> new LinkedHashMap<>()).put(n, sim.number(r, "rounds_mean"));
            goal.put(n, sim.number(r, "goal_rounds"));
        }
        final XYChart chart = Plots.chart("Lookup rounds against N (simulated, k=20, alpha=3)", "N (nodes)", "rounds", true, false);
        for (final Map.Entry<String, Map<Integer, Double>> e : series.entrySet()) {
            addSeries(chart, e.getKey(), e.getValue());
        }
        addSeries(chart, "goal: ceil(log2 N / log2 k) + 1", goal);
        final Map<Integer, Double> log = new LinkedHashMap<>();
        for (final int n : sizes) {
            log.put(n, Math.log(n) / Math.log(20)); // log2 N / log2 k
        }
        addSeries(chart, "log2 N / log2 k", log);
        Plots.save(chart, png);
    }

    /** Virtual seconds to one network (tables connected, and every table naming its true closest node) against N. */
    static void bootstrap(final Csv csv, final Path png) {
        final Map<String, Map<Integer, Double>> series = new LinkedHashMap<>();
        for (final String[] r : csv.rows()) {
            final int n = (int) csv.number(r, "nodes");
            final String scenario = csv.value(r, "scenario");
            for (final String[] c : new String[][]{{"connected_s", "tables connected"}, {"converged_s", "every node knows its closest"}}) {
                final String v = csv.value(r, c[0]);
                if (!v.isEmpty()) {
                    series.computeIfAbsent(scenario + ": " + c[1], k -> new LinkedHashMap<>()).put(n, Double.parseDouble(v));
                }
            }
        }
        final XYChart chart = Plots.chart("Bootstrap and island merge (simulated, virtual time)", "N (nodes)",
            "seconds after the last start / the join", true, false);
        for (final Map.Entry<String, Map<Integer, Double>> e : series.entrySet()) {
            addSeries(chart, e.getKey(), e.getValue());
        }
        Plots.save(chart, png);
        final Map<String, Map<Integer, Double>> datagrams = new LinkedHashMap<>();
        for (final String[] r : csv.rows()) {
            datagrams.computeIfAbsent(csv.value(r, "scenario"), k -> new LinkedHashMap<>())
                .put((int) csv.number(r, "nodes"), csv.number(r, "datagrams_per_node"));
        }
        final XYChart perNode = Plots.chart("Boot and merge: datagrams per node (simulated)", "N (nodes)",
            "datagrams per node", true, false);
        for (final Map.Entry<String, Map<Integer, Double>> e : datagrams.entrySet()) {
            addSeries(perNode, e.getKey(), e.getValue());
        }
        Plots.save(perNode, png.resolveSibling(BOOTSTRAP_DATAGRAMS_PNG));
    }

    /** Cumulative distribution of lookup latency per (N, phase) from the raw latency table. */
    static void latency(final Csv raw, final Path png) {
        final Map<String, List<Double>> byRun = new LinkedHashMap<>();
        for (final String[] r : raw.rows()) {
            byRun.computeIfAbsent("N=" + raw.value(r, "nodes") + ", " + raw.value(r, "phase"), k -> new ArrayList<>())
                .add(raw.number(r, "latency_ms"));
        }
        final XYChart chart = Plots.chart("Lookup latency on loopback (iterativeFindNode)", "latency (ms)", "fraction of lookups <= x",
            true, false);
        for (final Map.Entry<String, List<Double>> e : byRun.entrySet()) {
            final double[] x = e.getValue().stream().mapToDouble(Double::doubleValue).sorted().toArray();
            final double[] y = new double[x.length];
            for (int i = 0; i < y.length; i++) {
                y[i] = (i + 1.0) / y.length;
            }
            Plots.series(chart, e.getKey(), x, y);
        }
        Plots.save(chart, png);
    }

    /** Bytes of the pair scenarios against shelf size, next to LibreMesh's full-state figures. */
    static void gossipBytes(final Csv pair, final Path png) {
        final String[][] columns = {
            {"equal_round_bytes", "chisme: round with equal shelves"},
            {"one_change_round_bytes", "chisme: round bringing one new book"},
            {"catch_up_bytes", "chisme: empty node catch-up"},
            {"libremesh_exchange_bytes", "LibreMesh full-state exchange (one sync)"},
        };
        final int n = pair.rows().size();
        final double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = pair.number(pair.rows().get(i), "shelf_books");
        }
        final XYChart chart = Plots.chart("Gossip bytes against shelf size (one neighbour pair)", "books on the shelf", "bytes", true, true);
        for (final String[] c : columns) {
            final double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                y[i] = pair.number(pair.rows().get(i), c[0]);
            }
            Plots.series(chart, c[1], x, y);
        }
        // What a new node receives from LibreMesh: the neighbour's whole map once (half of an exchange).
        final double[] oneMap = new double[n];
        for (int i = 0; i < n; i++) {
            oneMap[i] = pair.number(pair.rows().get(i), "libremesh_exchange_bytes") / 2;
        }
        Plots.series(chart, "LibreMesh: one full map (a new node's catch-up)", x, oneMap);
        Plots.save(chart, png);
    }

    private static void addSeries(final XYChart chart, final String name, final Map<Integer, Double> points) {
        final double[] x = new double[points.size()];
        final double[] y = new double[points.size()];
        int i = 0;
        for (final int n : new TreeSet<>(points.keySet())) {
            x[i] = n;
            y[i++] = points.get(n);
        }
        Plots.series(chart, name, x, y);
    }
}
