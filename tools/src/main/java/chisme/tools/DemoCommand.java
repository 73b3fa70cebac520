package chisme.tools;

import chisme.node.kademlia.KademliaConfig;
import chisme.node.kademlia.KademliaNode;
import chisme.node.sharedstate.SharedState;
import chisme.node.sharedstate.SharedStateConfig;
import chisme.node.sharedstate.ShelfConfig;
import chisme.node.transport.Clock;
import chisme.store.InMemoryBookStore;
import chisme.store.InMemoryTupleStore;
import chisme.wire.NodeId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code chisme demo}: a small network on loopback in this process. Starts N nodes, joins them, publishes
 * a value on one and gets it from another, inserts a book on one and shows every node converging, then
 * stops everything and removes its temporary directories. Needs no configuration.
 */
@Command(name = "demo", description = {"Start a small network on loopback in this process, publish and get a value",
    "across nodes, insert a book and watch every node converge, then exit 0."})
public final class DemoCommand extends CliCommand implements Callable<Integer> {
    @Option(names = "--nodes", defaultValue = "8", description = "how many nodes (2..32, default ${DEFAULT-VALUE})")
    int nodes;

    @Option(names = "--timeout-s", defaultValue = "45", description = "give up after this many seconds (default ${DEFAULT-VALUE})")
    int timeoutS;

    @Override
    public Integer call() throws Exception {
        if (nodes < 2 || nodes > 32) {
            throw new CliException(ExitCode.USAGE, "--nodes must be in 2..32");
        }
        final long deadlineMs = System.currentTimeMillis() + timeoutS * 1000L;
        final Path root = Files.createTempDirectory("chisme-demo-");
        final List<DemoNode> net = new ArrayList<>();
        final List<KademliaNode> kads = new ArrayList<>();
        try {
            final InetAddress lo = InetAddress.getLoopbackAddress();
            final KademliaConfig config = new KademliaConfig().rpcTimeoutMs(500).k(8).alpha(3);
            for (int i = 0; i < nodes; i++) {
                kads.add(KademliaNode.udp(config, lo, 0, new InMemoryTupleStore(1_000, 16 << 20, 65_536), root.resolve("node-" + i)));
            }
            // Gossip neighbours form a line 0-1-2-...-(N-1): a book must travel N-1 radio hops, as on a mesh.
            for (int i = 0; i < nodes; i++) {
                final List<KademliaNode> neigh = new ArrayList<>();
                if (i > 0) {
                    neigh.add(kads.get(i - 1));
                }
                if (i < nodes - 1) {
                    neigh.add(kads.get(i + 1));
                }
                net.add(DemoNode.start(i, kads.get(i), neigh, root.resolve("node-" + i)));
            }
            out().println("started " + nodes + " nodes on " + lo.getHostAddress() + " (data in " + root + ")");
            for (final DemoNode n : net) {
                out().println("  node " + n.index + "  " + n.kad.id().toHex() + "  udp " + n.kad.localAddress().getPort());
            }
            final DemoNode first = net.get(0);
            for (int i = 1; i < net.size(); i++) {
                final int size = net.get(i).kad.join(first.kad.localAddress());
                if (size == 0) {
                    throw new CliException(ExitCode.FAILED, "node " + i + " could not join node 0");
                }
            }
            // A second round lets early joiners learn about the later ones (Kademlia fills buckets lazily).
            for (final DemoNode n : net) {
                n.kad.join(first.kad.localAddress());
            }
            out().println("joined: routing-table sizes " + net.stream().map(n -> String.valueOf(n.kad.contacts().size())).toList());

            final DemoNode publisher = net.get(1);
            final DemoNode reader = net.get(net.size() - 1);
            final byte[] value = "hola desde la red mesh".getBytes(StandardCharsets.UTF_8);
            final KademliaNode.Published p = publisher.kad.publishWithCopies(value);
            final NodeId key = NodeId.sha1(value);
            out().println("node " + publisher.index + " published \"" + new String(value, StandardCharsets.UTF_8) + "\" -> key "
                + key.toHex() + " (" + p.remoteCopies() + " remote copies)");
            final Optional<byte[]> got = reader.kad.get(key);
            if (got.isEmpty()) {
                throw new CliException(ExitCode.FAILED, "node " + reader.index + " could not get key " + key.toHex());
            }
            out().println("node " + reader.index + " got \"" + new String(got.get(), StandardCharsets.UTF_8) + "\"");
            if (System.currentTimeMillis() > deadlineMs) {
                throw new CliException(ExitCode.FAILED, "demo took longer than " + timeoutS + " s");
            }
            shelves(net, deadlineMs);
            out().println("demo finished: every node converged");
            return ExitCode.OK;
        } finally {
            for (final DemoNode n : net) {
                n.close();
            }
            for (int i = net.size(); i < kads.size(); i++) {
                kads.get(i).close();
            }
            deleteTree(root);
        }
    }

    /** Inserts a book on node 0 and waits until every node holds it; then every node adds its own and all converge. */
    private void shelves(final List<DemoNode> net, final long deadlineMs) throws InterruptedException {
        final String shelf = "demo-hosts";
        final DemoNode first = net.get(0);
        final long t0 = System.nanoTime();
        first.ss.insert(shelf, "{\"node-0\": {\"ip\": \"127.0.0.1\", \"msg\": \"hola\"}}");
        out().println("node 0 inserted book 'node-0' into shelf " + shelf + " (gossip neighbours form a line of " + net.size() + " nodes)");
        final boolean[] seen = new boolean[net.size()];
        int have = 0;
        while (have < net.size()) {
            for (final DemoNode n : net) {
                if (!seen[n.index] && n.ss.get(shelf).contains("\"node-0\"")) {
                    seen[n.index] = true;
                    have++;
                    out().printf("  node %d has it after %d ms%n", n.index, (System.nanoTime() - t0) / 1_000_000);
                }
            }
            if (have < net.size()) {
                if (System.currentTimeMillis() > deadlineMs) {
                    throw new CliException(ExitCode.FAILED, "shelf did not converge in time: " + have + " of " + net.size() + " nodes have the book");
                }
                Thread.sleep(20);
            }
        }
        for (final DemoNode n : net) {
            if (n.index > 0) {
                n.ss.insert(shelf, "{\"node-" + n.index + "\": {\"ip\": \"127.0.0.1\", \"msg\": \"hola\"}}");
            }
        }
        out().println("every node inserted its own book; waiting until all " + net.size() + " nodes hold the same " + net.size() + " books");
        final long t1 = System.nanoTime();
        while (true) {
            final java.util.Set<String> views = new java.util.HashSet<>();
            int complete = 0;
            for (final DemoNode n : net) {
                final String view = n.ss.get(shelf);
                views.add(view);
                complete += countBooks(view) == net.size() ? 1 : 0;
            }
            if (views.size() == 1 && complete == net.size()) {
                out().printf("converged after %d ms: every node's shelf %s is identical%n", (System.nanoTime() - t1) / 1_000_000, shelf);
                out().println("node " + (net.size() - 1) + ": shared-state get " + shelf + " -> " + views.iterator().next());
                return;
            }
            if (System.currentTimeMillis() > deadlineMs) {
                throw new CliException(ExitCode.FAILED, "shelves did not converge in time (" + complete + " of " + net.size() + " complete)");
            }
            Thread.sleep(20);
        }
    }

    private static int countBooks(final String json) {
        int n = 0;
        for (int i = json.indexOf("\"node-"); i >= 0; i = json.indexOf("\"node-", i + 1)) {
            n++;
        }
        return n;
    }

    /** One demo node: Kademlia plus shared-state on the same UDP port, with in-memory stores. */
    static final class DemoNode implements AutoCloseable {
        final int index;
        final KademliaNode kad;
        final SharedState ss;

        private DemoNode(final int index, final KademliaNode kad, final SharedState ss) {
            this.index = index;
            this.kad = kad;
            this.ss = ss;
        }

        static DemoNode start(final int index, final KademliaNode kad, final List<KademliaNode> neighbours, final Path dir) {
            final SharedStateConfig c = new SharedStateConfig().nodeName("demo-" + index).dataDir(dir)
                .routingTableNeighbours(false).defaultShelf(ShelfConfig.DEFAULT.syncIntervalMs(1_000));
            for (final KademliaNode n : neighbours) {
                c.staticNeighbour("127.0.0.1:" + n.localAddress().getPort());
            }
            final SharedState ss = new SharedState(c, new InMemoryBookStore(1_000, 16 << 20, 16_384), kad.host(),
                System::currentTimeMillis, kad.events());
            ss.localAddress(kad.localAddress());
            ss.start();
            kad.start();
            return new DemoNode(index, kad, ss);
        }

        @Override
        public void close() {
            ss.close();
            kad.close();
        }

        NodeId id() {
            return kad.id();
        }
    }

    static void deleteTree(final Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (final IOException ignored) {
                    // best effort
                }
            });
        } catch (final IOException ignored) {
            // best effort
        }
    }
}
