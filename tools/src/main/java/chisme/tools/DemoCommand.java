package chisme.tools;

import chisme.node.kademlia.KademliaConfig;
import chisme.node.kademlia.KademliaNode;
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
        try {
            final InetAddress lo = InetAddress.getLoopbackAddress();
            final KademliaConfig config = new KademliaConfig().rpcTimeoutMs(500).k(8).alpha(3);
            for (int i = 0; i < nodes; i++) {
                net.add(DemoNode.start(i, config, lo, root.resolve("node-" + i)));
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
            out().println("node " + publisher.index + " published \"" + new String(value, StandardCharsets.UTF_8) + "\" -> key "
                + p.key().toHex() + " (" + p.remoteCopies() + " remote copies)");
            final Optional<byte[]> got = reader.kad.get(p.key());
            if (got.isEmpty()) {
                throw new CliException(ExitCode.FAILED, "node " + reader.index + " could not get key " + p.key().toHex());
            }
            out().println("node " + reader.index + " got \"" + new String(got.get(), StandardCharsets.UTF_8) + "\"");
            if (System.currentTimeMillis() > deadlineMs) {
                throw new CliException(ExitCode.FAILED, "demo took longer than " + timeoutS + " s");
            }
            DemoShelves.run(this, net, deadlineMs);
            out().println("demo finished: every node converged");
            return ExitCode.OK;
        } finally {
            for (final DemoNode n : net) {
                n.close();
            }
            deleteTree(root);
        }
    }

    /** One demo node: Kademlia plus (see {@link DemoShelves}) shared-state, with in-memory stores. */
    static final class DemoNode implements AutoCloseable {
        final int index;
        final KademliaNode kad;
        final Path dir;

        private DemoNode(final int index, final KademliaNode kad, final Path dir) {
            this.index = index;
            this.kad = kad;
            this.dir = dir;
        }

        static DemoNode start(final int index, final KademliaConfig config, final InetAddress lo, final Path dir) {
            final KademliaNode kad = KademliaNode.udp(config, lo, 0, new InMemoryTupleStore(1_000, 16 << 20, 65_536), dir);
            kad.start();
            return new DemoNode(index, kad, dir);
        }

        @Override
        public void close() {
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
