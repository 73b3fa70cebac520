package chisme.bench.scale;

import chisme.bench.sharedstate.BenchNode;
import chisme.bench.report.Csv;
import chisme.bench.sharedstate.HostsBooks;
import chisme.node.sharedstate.SharedStateConfig;
import chisme.node.sharedstate.SharedStateEngine;
import chisme.node.sharedstate.ShelfConfig;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Shared-state gossip over real UDP on loopback, against LibreMesh's full-state exchange computed from
 * the same shelves (libremesh-shared-state.md, "Sync": every sync POSTs the whole JSON map to each 1-hop
 * neighbour and gets the whole merged map back; payload bytes only, no HTTP/TCP/IP headers).
 * <ol>
 *   <li>Topologies (line, ring, random mesh) of N nodes: time and total bytes until every node holds the
 *       same shelf after one insert, after 1,000 inserts at random nodes, after one more insert into the
 *       full shelf, and for a new node to catch up. LibreMesh baseline: ONE cron round (each node syncs
 *       with each neighbour once: 2 x edges x 2 x shelf JSON), a lower bound since a change needs up to
 *       diameter rounds to cross the network that way.</li>
 *   <li>Pair, by shelf size: bytes of one anti-entropy round with equal shelves, of the round that brings
 *       over one new book, and of an empty node's catch-up, next to one LibreMesh exchange.</li>
 * </ol>
 */
final class Gossip {
    private static final String SHELF = "dnsmasq-hosts";

    private Gossip() {
    }

    static void run(final Args args) throws Exception {
        final int n = args.integer("nodes", 50);
        final int inserts = args.integer("inserts", 1_000);
        final String[] topologies = args.string("topologies", "line,ring,mesh").split(",");
        final long syncMs = args.longValue("sync-ms", 1_000);
        final long timeoutMs = args.longValue("converge-timeout-ms", 120_000);
        final int[] shelfSizes = args.integers("shelf-sizes", "10,100,1000,10000");
        final Csv csv = new Csv("topology", "nodes", "edges", "scenario", "books", "converged", "time_ms", "chisme_bytes",
            "background_bytes_per_s", "libremesh_round_bytes", "libremesh_over_chisme");
        for (final String topology : topologies) {
            topology(topology.trim(), n, inserts, syncMs, timeoutMs, csv);
        }
        csv.print("gossip convergence, " + n + " nodes, anti-entropy every " + syncMs + " ms");
        csv.write(args.results().resolve("gossip.csv"));
        pairs(shelfSizes, args);
    }

    private static SharedStateConfig config(final String name, final long syncMs) {
        return new SharedStateConfig().nodeName(name)
            .defaultShelf(ShelfConfig.DEFAULT.syncIntervalMs(syncMs).maxBooks(20_000))
            .roundBudgetBytes(256 * 1024).callTimeoutMs(2_000);
    }

    /** Undirected edges of the topology over nodes 0..n-1; the random mesh is a random tree plus n/2 extra links. */
    static List<int[]> edges(final String topology, final int n, final SplittableRandom random) {
        final Set<Long> seen = new LinkedHashSet<>();
        switch (topology) {
            case "line" -> {
                for (int i = 1; i < n; i++) {
                    seen.add(key(i - 1, i));
                }
            }
            case "ring" -> {
                for (int i = 1; i < n; i++) {
                    seen.add(key(i - 1, i));
                }
                seen.add(key(0, n - 1));
            }
            case "mesh" -> {
                for (int i = 1; i < n; i++) {
                    seen.add(key(random.nextInt(i), i));
                }
                for (int extra = 0, tries = 0; extra < n / 2 && tries < 100 * n; tries++) {
                    final int a = random.nextInt(n);
                    final int b = random.nextInt(n);
                    if (a != b && seen.add(key(Math.min(a, b), Math.max(a, b)))) {
                        extra++;
                    }
                }
            }
            default -> throw new IllegalArgumentException("topology line, ring or mesh: " + topology);
        }
        final List<int[]> out = new ArrayList<>();
        for (final long k : seen) {
            out.add(new int[]{(int) (k >>> 32), (int) k});
        }
        return out;
    }

    private static long key(final int a, final int b) {
        return ((long) a << 32) | b;
    }

    private static void topology(final String topology, final int n, final int inserts, final long syncMs, final long timeoutMs,
                                 final Csv csv) throws InterruptedException {
        final SplittableRandom random = new SplittableRandom(11);
        final List<int[]> edges = edges(topology, n, random);
        final List<BenchNode> nodes = new ArrayList<>();
        final List<SharedStateConfig> configs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            nodes.add(new BenchNode("n" + i, 1_000 + i));
            configs.add(config("n" + i, syncMs));
        }
        for (final int[] e : edges) {
            configs.get(e[0]).staticNeighbour("127.0.0.1:" + nodes.get(e[1]).address().getPort());
            configs.get(e[1]).staticNeighbour("127.0.0.1:" + nodes.get(e[0]).address().getPort());
        }
        for (int i = 0; i < n; i++) {
            nodes.get(i).start(configs.get(i));
        }
        try {
            // Background: equal-shelf anti-entropy rounds that run whatever happens (bytes per second, idle).
            Thread.sleep(syncMs);
            final long idle0 = total(nodes);
            final long idleT0 = System.nanoTime();
            Thread.sleep(Math.max(1_000, 2 * syncMs));
            final double background = (total(nodes) - idle0) / ((System.nanoTime() - idleT0) / 1e9);

            int books = 0;
            int next = 0;
            // 1. one insert at node 0 (an end of the line)
            long b0 = total(nodes);
            long t0 = System.nanoTime();
            nodes.get(0).sharedState().insert(SHELF, HostsBooks.json(next++, 1));
            books++;
            boolean ok = converge(nodes, books, timeoutMs);
            row(csv, topology, n, edges, "one insert", books, ok, t0, b0, nodes, background, libremeshRound(nodes, edges.size()));
            // 2. many inserts, each a single book at a random node
            b0 = total(nodes);
            t0 = System.nanoTime();
            for (int i = 0; i < inserts; i++) {
                nodes.get(random.nextInt(n)).sharedState().insert(SHELF, HostsBooks.json(next++, 1));
            }
            books += inserts;
            ok = converge(nodes, books, timeoutMs);
            row(csv, topology, n, edges, inserts + " inserts at random nodes", books, ok, t0, b0, nodes, background,
                libremeshRound(nodes, edges.size()));
            // 3. one more insert into the full shelf
            b0 = total(nodes);
            t0 = System.nanoTime();
            nodes.get(0).sharedState().insert(SHELF, HostsBooks.json(next++, 1));
            books++;
            ok = converge(nodes, books, timeoutMs);
            row(csv, topology, n, edges, "one insert into " + (books - 1) + " books", books, ok, t0, b0, nodes, background,
                libremeshRound(nodes, edges.size()));
            // 4. a new node joins (pull-only: it lists neighbours, they do not know it) and catches up
            final List<Integer> attach = switch (topology) {
                case "line" -> List.of(n - 1);
                case "ring" -> List.of(0);
                default -> List.of(random.nextInt(n), random.nextInt(n)).stream().distinct().toList();
            };
            final BenchNode fresh = new BenchNode("new", 9_999);
            final SharedStateConfig c = config("new", syncMs);
            for (final int a : attach) {
                c.staticNeighbour("127.0.0.1:" + nodes.get(a).address().getPort());
            }
            b0 = total(nodes);
            t0 = System.nanoTime();
            fresh.start(c);
            nodes.add(fresh);
            ok = converge(nodes, books, timeoutMs);
            final long json = nodes.get(0).sharedState().dumpLibremesh(SHELF).getBytes(StandardCharsets.UTF_8).length;
            // LibreMesh: the new node POSTs its empty map ("{}") to each neighbour and gets the full map back.
            row(csv, topology, n, edges, "new node catches up (" + attach.size() + " neighbour" + (attach.size() > 1 ? "s" : "") + ")",
                books, ok, t0, b0, nodes, background, attach.size() * (json + 2));
        } finally {
            for (final BenchNode g : nodes) {
                g.close();
            }
        }
    }

    /** One LibreMesh cron round over every edge: each end POSTs its full map and gets the full merged map back. */
    private static long libremeshRound(final List<BenchNode> nodes, final int edges) {
        final long json = nodes.get(0).sharedState().dumpLibremesh(SHELF).getBytes(StandardCharsets.UTF_8).length;
        return 2L * edges * 2 * json;
    }

    private static void row(final Csv csv, final String topology, final int n, final List<int[]> edges, final String scenario,
                            final int books, final boolean ok, final long t0, final long b0, final List<BenchNode> nodes,
                            final double background, final long libremesh) throws InterruptedException {
        final long timeMs = (System.nanoTime() - t0) / 1_000_000;
        Thread.sleep(100); // replies and relays in flight when convergence was seen are counted after their send
        final long bytes = total(nodes) - b0;
        csv.row(topology, n, edges.size(), scenario, books, ok, timeMs, bytes, Math.round(background), libremesh,
            (double) libremesh / Math.max(1, bytes));
        System.out.printf("%s %s: converged %s in %d ms, %d bytes (LibreMesh one round %d)%n", topology, scenario, ok, timeMs, bytes,
            libremesh);
    }

    /** Polls until every node holds {@code books} books with the same shelf hash; false on timeout. */
    private static boolean converge(final List<BenchNode> nodes, final int books, final long timeoutMs) throws InterruptedException {
        final long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (System.nanoTime() < deadline) {
            final SharedStateEngine.ShelfInfo first = nodes.get(0).shelf(SHELF);
            boolean all = first.books() == books;
            for (int i = 1; all && i < nodes.size(); i++) {
                final SharedStateEngine.ShelfInfo s = nodes.get(i).shelf(SHELF);
                all = s.books() == books && s.hashHi() == first.hashHi() && s.hashLo() == first.hashLo();
            }
            if (all) {
                return true;
            }
            Thread.sleep(2);
        }
        return false;
    }

    private static long total(final List<BenchNode> nodes) {
        long sum = 0;
        for (final BenchNode g : nodes) {
            sum += g.txBytes();
        }
        return sum;
    }

    /** Pair of nodes, by shelf size: equal round, one new book, catch-up; against one LibreMesh exchange. */
    private static void pairs(final int[] sizes, final Args args) throws InterruptedException {
        final Csv csv = new Csv("shelf_books", "catch_up_bytes", "catch_up_ms", "equal_round_bytes", "one_change_round_bytes",
            "libremesh_exchange_bytes", "libremesh_over_one_change", "libremesh_over_equal_round", "libremesh_one_map_over_catch_up");
        for (int s = 0; s < sizes.length; s++) {
            final int size = sizes[s];
            try (BenchNode a = new BenchNode("a", 1); BenchNode b = new BenchNode("b", 2)) {
                // Rounds an hour apart: only the rounds asked for here run, so the bytes are exact.
                a.start(config("a", 3_600_000));
                b.start(config("b", 3_600_000).staticNeighbour("127.0.0.1:" + a.address().getPort()));
                for (int i = 0; i < size; i += 1_000) {
                    a.sharedState().insert(SHELF, HostsBooks.json(i, Math.min(1_000, size - i)));
                }
                Thread.sleep(30);
                long before = a.txBytes() + b.txBytes();
                final long t0 = System.nanoTime();
                for (int r = 0; r < 1_000 && b.shelf(SHELF).books() < size; r++) {
                    b.sharedState().sync(SHELF, List.of(a.address()));
                }
                final long catchUpMs = (System.nanoTime() - t0) / 1_000_000;
                Thread.sleep(30); // the responder counts its reply after the send returns
                final long catchUp = a.txBytes() + b.txBytes() - before;
                before = a.txBytes() + b.txBytes();
                b.sharedState().sync(SHELF, List.of(a.address()));
                Thread.sleep(30);
                final long equal = a.txBytes() + b.txBytes() - before;
                a.sharedState().insert(SHELF, HostsBooks.json(size, 1));
                before = a.txBytes() + b.txBytes();
                for (int r = 0; r < 100 && b.shelf(SHELF).books() < size + 1; r++) {
                    b.sharedState().sync(SHELF, List.of(a.address()));
                }
                Thread.sleep(30);
                final long change = a.txBytes() + b.txBytes() - before;
                if (b.shelf(SHELF).books() != size + 1) {
                    throw new IllegalStateException("pair did not converge at " + size + " books");
                }
                final long json = a.sharedState().dumpLibremesh(SHELF).getBytes(StandardCharsets.UTF_8).length;
                final long libremesh = 2 * json; // POST of the full map, reply with the full merged map
                // A new LibreMesh node receives the neighbour's whole map once: half an exchange.
                csv.row(size, catchUp, catchUpMs, equal, change, libremesh, (double) libremesh / change, (double) libremesh / equal,
                    (double) json / catchUp);
            }
        }
        csv.print("gossip between two nodes, by shelf size (bytes = UDP payload, both directions)");
        csv.write(args.results().resolve("gossip_pair.csv"));
        ReportPlots.gossipBytes(csv, args.plots().resolve(ReportPlots.GOSSIP_BYTES_PNG));
    }
}
