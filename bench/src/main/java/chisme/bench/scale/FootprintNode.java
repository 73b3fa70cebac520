package chisme.bench.scale;

import chisme.bench.sharedstate.HostsBooks;
import chisme.node.config.NodeConfig;
import chisme.node.daemon.NodeDaemon;
import chisme.store.StoreStatus;
import chisme.store.Tuple;
import chisme.wire.NodeId;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * The child process of {@link Footprint}: a real daemon ({@link NodeDaemon}: Chronicle stores, DHT node,
 * shared-state, admin socket) on 127.0.0.1, driven by lines on stdin: {@code heap} (after a GC: heap used
 * and committed, non-heap used, classes loaded since start), {@code values N} (N values of 200 B straight into the tuple store),
 * {@code books N} (N books through shared-state inserts of 1,000), {@code quit}.
 * <pre>java $FLAGS -cp benchmarks.jar chisme.bench.scale.FootprintNode DATA_DIR PORT [chronicle|memory]</pre>
 * The third argument is the daemon's {@code store} setting (default chronicle).
 */
public final class FootprintNode {
    private FootprintNode() {
    }

    public static void main(final String[] args) throws Exception {
        final NodeConfig config = new NodeConfig().bind("127.0.0.1").port(Integer.parseInt(args[1])).dataDir(Path.of(args[0]))
            .name("footprint").persistent(args.length < 3 || args[2].equals("chronicle"));
        try (NodeDaemon d = NodeDaemon.start(config, System.err)) {
            System.out.println("ready " + d.node().localAddress().getPort());
            final BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
            String line;
            while ((line = in.readLine()) != null) {
                if (line.equals("heap")) {
                    System.out.println(heapLine());
                } else if (line.startsWith("values ")) {
                    final int n = Integer.parseInt(line.substring(7).trim());
                    final SplittableRandom r = new SplittableRandom(3);
                    final byte[] value = new byte[200];
                    int tuples = 0;
                    for (int i = 0; i < n; i++) {
                        r.nextBytes(value);
                        if (d.stores().tuples().put(new Tuple(NodeId.random(r), value, NodeId.random(r), 0, Long.MAX_VALUE, false, 0))
                            == StoreStatus.OK) {
                            tuples++;
                        }
                    }
                    System.out.println("values " + tuples);
                } else if (line.startsWith("books ")) {
                    final int n = Integer.parseInt(line.substring(6).trim());
                    int books = 0;
                    for (int i = 0; i < n; i += 1_000) {
                        books += d.sharedState().insert("hosts", HostsBooks.json(i, Math.min(1_000, n - i))).inserted();
                    }
                    System.out.println("books " + books);
                } else if (line.equals("quit")) {
                    break;
                }
            }
        }
        System.exit(0);
    }

    /** After a full GC: "heap USED COMMITTED NON_HEAP_USED CLASSES_LOADED" (the answer to {@code heap}). */
    static String heapLine() {
        System.gc();
        final MemoryMXBean m = ManagementFactory.getMemoryMXBean();
        return "heap " + m.getHeapMemoryUsage().getUsed() + " " + m.getHeapMemoryUsage().getCommitted() + " "
            + m.getNonHeapMemoryUsage().getUsed() + " " + ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount();
    }
}
