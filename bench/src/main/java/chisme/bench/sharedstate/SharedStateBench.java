package chisme.bench.sharedstate;

import chisme.node.sharedstate.ShelfConfig;
import chisme.node.sharedstate.SharedStateConfig;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Shared-state figures for docs/benchmarks.md, over real UDP on loopback:
 * <ol>
 *   <li>bytes per neighbour pair per anti-entropy round when the shelves are already equal (10 and
 *       10,000 books), against LibreMesh's full-state exchange (the whole shelf JSON both ways);</li>
 *   <li>time and bytes for an empty node to catch up on a 10,000-book shelf (pull only, no push);</li>
 *   <li>time for one new book to reach the far end of a 30-node line (push and relay).</li>
 * </ol>
 * Run: {@code java $flags -cp bench/target/benchmarks.jar chisme.bench.sharedstate.SharedStateBench}
 */
public final class SharedStateBench {
    private static final String SHELF = "dnsmasq-hosts";

    private SharedStateBench() {
    }

    public static void main(final String[] args) throws Exception {
        System.out.println("chisme shared-state harness; JDK " + Runtime.version() + ", " + Runtime.getRuntime().availableProcessors() + " cpus");
        for (final int n : new int[]{10, 10_000}) {
            pair(n);
        }
        line(30, 10);
        System.exit(0);
    }

    private static SharedStateConfig quiet(final String name) {
        // Periodic rounds an hour apart: only the rounds the harness asks for run, so bytes are exact.
        return new SharedStateConfig().nodeName(name)
            .defaultShelf(ShelfConfig.DEFAULT.syncIntervalMs(3_600_000).maxBooks(20_000))
            .roundBudgetBytes(256 * 1024).callTimeoutMs(2_000);
    }

    private static void pair(final int n) {
        try (BenchNode a = new BenchNode("a", 1); BenchNode b = new BenchNode("b", 2)) {
            // a has no neighbours (its inserts are not pushed); b pulls from a, as an empty node joining.
            a.start(quiet("a"));
            b.start(quiet("b").staticNeighbour("127.0.0.1:" + a.address().getPort()));
            for (int i = 0; i < n; i += 1_000) {
                a.ss.insert(SHELF, HostsBooks.json(i, Math.min(1_000, n - i)));
            }
            settle();
            final long bytes0 = a.txBytes() + b.txBytes();
            final long dg0 = a.txDatagrams() + b.txDatagrams();
            final long t0 = System.nanoTime();
            int rounds = 0;
            while (count(b) < n && rounds < 1_000) {
                b.ss.sync(SHELF, List.of(a.address()));
                rounds++;
            }
            final long catchUpMs = (System.nanoTime() - t0) / 1_000_000;
            settle();
            final long catchUpBytes = a.txBytes() + b.txBytes() - bytes0;
            final long catchUpDatagrams = a.txDatagrams() + b.txDatagrams() - dg0;
            if (!a.ss.get(SHELF).equals(b.ss.get(SHELF))) {
                throw new IllegalStateException("shelves differ after catch-up");
            }
            System.out.printf("catch-up n=%d: %d ms, %d bytes in %d datagrams, %d sync calls (%.1f bytes/book)%n",
                n, catchUpMs, catchUpBytes, catchUpDatagrams, rounds, catchUpBytes / (double) n);
            // Equal shelves: one round each way (each node pulls from the other once per interval).
            final long[] perRound = new long[5];
            for (int r = 0; r < perRound.length; r++) {
                settle();
                final long before = a.txBytes() + b.txBytes();
                b.ss.sync(SHELF, List.of(a.address()));
                a.ss.sync(SHELF, List.of(b.address()));
                settle(); // the responder counts its reply after the send returns: let the last count land
                perRound[r] = a.txBytes() + b.txBytes() - before;
            }
            final long luaJson = a.ss.dumpLibremesh(SHELF).getBytes(StandardCharsets.UTF_8).length;
            // LibreMesh (Lua): POST the whole shelf, reply with the whole merged shelf; shared-state-async:
            // the same both ways over TCP. Counted as payload bytes, as ours are.
            final long libremesh = 2 * luaJson;
            System.out.printf("equal shelves n=%d: %s bytes per pair per round (both directions); LibreMesh full exchange %d bytes; ratio %.0fx%n",
                n, Arrays.toString(perRound), libremesh, libremesh / (double) perRound[perRound.length - 1]);
        }
    }

    private static void settle() {
        try {
            Thread.sleep(20);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int count(final BenchNode n) {
        return n.ss.shelves().stream().filter(s -> s.shelf().equals(SHELF)).mapToInt(s -> s.books()).findFirst().orElse(0);
    }

    private static void line(final int size, final int trials) throws InterruptedException {
        final List<BenchNode> nodes = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            nodes.add(new BenchNode("n" + i, 100 + i));
        }
        for (int i = 0; i < size; i++) {
            final SharedStateConfig c = quiet("n" + i).defaultShelf(ShelfConfig.DEFAULT.syncIntervalMs(1_000));
            if (i > 0) {
                c.staticNeighbour("127.0.0.1:" + nodes.get(i - 1).address().getPort());
            }
            if (i < size - 1) {
                c.staticNeighbour("127.0.0.1:" + nodes.get(i + 1).address().getPort());
            }
            nodes.get(i).start(c);
        }
        final long[] ms = new long[trials];
        final BenchNode far = nodes.get(size - 1);
        for (int t = 0; t < trials; t++) {
            final String key = "book-" + t;
            final long t0 = System.nanoTime();
            nodes.get(0).ss.insert("line", "{\"" + key + "\": " + t + "}");
            for (int spin = 0; spin < 1_000_000 && !far.ss.get("line").contains(key); spin++) {
                Thread.onSpinWait();
            }
            ms[t] = (System.nanoTime() - t0) / 1_000;
            Thread.sleep(50);
        }
        Arrays.sort(ms);
        System.out.printf("30-node line, one new book from node 0 to node 29 (push + relay), %d trials: median %.2f ms, max %.2f ms%n",
            trials, ms[trials / 2] / 1_000.0, ms[trials - 1] / 1_000.0);
        for (final BenchNode n : nodes) {
            n.close();
        }
    }
}
