package chisme.node.sharedstate;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;

/** N real nodes on loopback wired by a topology; each syncs only with its configured neighbours. */
final class Mesh implements AutoCloseable {
    enum Topology { LINE, RING, RANDOM }

    final List<TestNode> nodes = new ArrayList<>();
    final Set<Long> edges = new HashSet<>();

    Mesh(final int n, final Topology topology, final long seed, final IntFunction<SharedStateConfig> configs,
         final IntFunction<LongSupplier> wallClocks) {
        for (int i = 0; i < n; i++) {
            nodes.add(new TestNode("n" + i, seed * 1_000 + i));
        }
        final SplittableRandom r = new SplittableRandom(seed);
        for (int i = 1; i < n; i++) {
            switch (topology) {
                case LINE, RING -> link(i - 1, i);
                // A random spanning tree in each half plus a bridge: connected, and each half stays
                // connected on its own when the tests partition the mesh into halves.
                case RANDOM -> link(i < n / 2 || i == n / 2 ? r.nextInt(i) : n / 2 + r.nextInt(i - n / 2), i);
            }
        }
        if (topology == Topology.RING) {
            link(n - 1, 0);
        }
        if (topology == Topology.RANDOM) {
            for (int k = 0; k < n; k++) {
                final int a = r.nextInt(n);
                final int b = r.nextInt(n);
                if (a != b) {
                    link(a, b);
                }
            }
        }
        for (int i = 0; i < n; i++) {
            final SharedStateConfig c = configs.apply(i);
            for (final int j : neighbours(i)) {
                c.staticNeighbour(nodes.get(j).addressText());
            }
            nodes.get(i).start(c, null, wallClocks == null ? System::currentTimeMillis : wallClocks.apply(i), null);
        }
    }

    private void link(final int a, final int b) {
        edges.add(key(a, b));
    }

    private static long key(final int a, final int b) {
        return ((long) Math.min(a, b) << 32) | Math.max(a, b);
    }

    List<Integer> neighbours(final int i) {
        final List<Integer> out = new ArrayList<>();
        for (int j = 0; j < nodes.size(); j++) {
            if (j != i && edges.contains(key(i, j))) {
                out.add(j);
            }
        }
        return out;
    }

    /** Cuts (or heals) the radio link a-b in both directions. */
    void cut(final int a, final int b, final boolean cut) {
        final TestNode na = nodes.get(a);
        final TestNode nb = nodes.get(b);
        if (cut) {
            na.transport.blocked.add(nb.address());
            nb.transport.blocked.add(na.address());
        } else {
            na.transport.blocked.remove(nb.address());
            nb.transport.blocked.remove(na.address());
        }
    }

    /** Cuts every link between the two sides. */
    void partition(final Set<Integer> side, final boolean cut) {
        for (int i = 0; i < nodes.size(); i++) {
            for (final int j : neighbours(i)) {
                if (side.contains(i) != side.contains(j)) {
                    cut(i, j, cut);
                }
            }
        }
    }

    boolean all(final java.util.function.Predicate<TestNode> p) {
        for (final TestNode n : nodes) {
            if (!p.test(n)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        for (final TestNode n : nodes) {
            n.close();
        }
    }
}
