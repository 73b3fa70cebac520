package chisme.node.sim;

import chisme.node.event.EventLog;
import chisme.node.host.NodeHost;
import chisme.node.kademlia.KademliaConfig;
import chisme.node.kademlia.KademliaEngine;
import chisme.node.rpc.RpcConfig;
import chisme.node.sharedstate.SharedState;
import chisme.node.sharedstate.SharedStateConfig;
import chisme.store.InMemoryBookStore;
import chisme.store.InMemoryTupleStore;
import chisme.wire.NodeId;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import java.util.function.LongUnaryOperator;
import java.util.function.Predicate;

/**
 * N full nodes (Kademlia and shared-state, the production code, peers on one {@link NodeHost} each) on a
 * {@link SimNetwork} under virtual time, wired by a topology: each node gossips with its topology neighbours
 * (shared-state's static neighbour list), links can be cut and healed. No process is spawned (no hooks,
 * publishers or discovery command are configured); the merge and gossip logic is the real one. One thread:
 * facade calls ({@code node.sharedState().insert(...)}) run inline, then {@link #runFor} lets time pass.
 */
public final class SharedStateSimulation {
    /**
     * How the nodes are linked. RANDOM: a random spanning tree in each half, one bridge, plus N random links.
     * NONE: no static neighbours (a test hands them in, e.g. as link neighbours).
     */
    public enum Topology { LINE, RING, RANDOM, NONE }

    /** One simulated node: its host and the two protocols registered on it. */
    public record Node(SimNetwork.Host simHost, NodeHost host, KademliaEngine kademlia, SharedState sharedState) {
        public InetSocketAddress address() {
            return simHost.localAddress();
        }
    }

    /** Virtual time starts here on every node's wall clock (HLC versions need a plausible epoch time). */
    public static final long EPOCH_MS = 1_780_000_000_000L;

    private final SimNetwork network;
    private final List<Node> nodes = new ArrayList<>();
    private final Set<Long> edges = new HashSet<>();

    /**
     * @param configs     shared-state config of node i (its static neighbours are added here)
     * @param wallOffsets wall-clock skew of node i in ms (0: in step), for HLC scenarios
     */
    public SharedStateSimulation(final int n, final Topology topology, final long seed, final IntFunction<SharedStateConfig> configs,
                                 final LongUnaryOperator wallOffsets) {
        this.network = new SimNetwork(seed, 2, 20, 0.0);
        final SplittableRandom r = new SplittableRandom(seed);
        link(topology, n, r);
        final KademliaConfig kademlia = new KademliaConfig().conclude();
        final RpcConfig rpc = kademlia.rpc().withRate(1_000_000, 1_000_000);
        final List<SimNetwork.Host> simHosts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            simHosts.add(network.addHost());
        }
        for (int i = 0; i < n; i++) {
            final SimNetwork.Host sh = simHosts.get(i);
            final SplittableRandom nr = r.split();
            final NodeHost host = sh.nodeHost(NodeId.random(nr), nr, rpc);
            final EventLog events = new EventLog(64);
            final KademliaEngine kad = new KademliaEngine(kademlia, host, InMemoryTupleStore.withCapacity(1_000, kademlia.maxValueBytes()), events);
            final SharedStateConfig c = configs.apply(i).nodeName("n" + i).routingTableNeighbours(false);
            for (final int j : neighbours(i, n)) {
                final InetSocketAddress a = simHosts.get(j).localAddress();
                c.staticNeighbour(a.getAddress().getHostAddress() + ":" + a.getPort());
            }
            final long offset = wallOffsets == null ? 0 : wallOffsets.applyAsLong(i);
            final SharedState ss = new SharedState(c, new InMemoryBookStore(100_000, 64L * 1024 * 1024, 65_536), host,
                () -> EPOCH_MS + network.nowMs() + offset, events);
            ss.localAddress(sh.localAddress());
            ss.start();
            host.execute(kad::start);
            host.start();
            nodes.add(new Node(sh, host, kad, ss));
        }
        network.runUntil(network.nowMs()); // every node's start task
    }

    private void link(final Topology topology, final int n, final SplittableRandom r) {
        if (topology == Topology.NONE) {
            return;
        }
        for (int i = 1; i < n; i++) {
            switch (topology) {
                case NONE -> { }
                case LINE, RING -> edges.add(key(i - 1, i));
                // Each half stays connected on its own when a test partitions the mesh into halves.
                case RANDOM -> edges.add(key(i < n / 2 || i == n / 2 ? r.nextInt(i) : n / 2 + r.nextInt(i - n / 2), i));
            }
        }
        if (topology == Topology.RING && n > 2) {
            edges.add(key(n - 1, 0));
        }
        if (topology == Topology.RANDOM) {
            for (int k = 0; k < n; k++) {
                final int a = r.nextInt(n);
                final int b = r.nextInt(n);
                if (a != b) {
                    edges.add(key(a, b));
                }
            }
        }
    }

    private static long key(final int a, final int b) {
        return ((long) Math.min(a, b) << 32) | Math.max(a, b);
    }

    private List<Integer> neighbours(final int i, final int n) {
        final List<Integer> out = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            if (j != i && edges.contains(key(i, j))) {
                out.add(j);
            }
        }
        return out;
    }

    public SimNetwork network() {
        return network;
    }

    public List<Node> nodes() {
        return nodes;
    }

    public Node node(final int i) {
        return nodes.get(i);
    }

    /** Topology neighbours of node i. */
    public List<Integer> neighbours(final int i) {
        return neighbours(i, nodes.size());
    }

    /** Number of topology links. */
    public int links() {
        return edges.size();
    }

    /** Cuts or heals the link a-b (both directions). */
    public void cut(final int a, final int b, final boolean cut) {
        network.cut(nodes.get(a).simHost(), nodes.get(b).simHost(), cut);
    }

    /** Cuts or heals every link between {@code side} and the rest. */
    public void partition(final Set<Integer> side, final boolean cut) {
        for (final int[] l : crossLinks(side)) {
            cut(l[0], l[1], cut);
        }
    }

    /** The links {a, b} between {@code side} and the rest, in a fixed order. */
    public List<int[]> crossLinks(final Set<Integer> side) {
        final List<int[]> out = new ArrayList<>();
        for (final long e : new java.util.TreeSet<>(edges)) {
            final int a = (int) (e >>> 32);
            final int b = (int) e;
            if (side.contains(a) != side.contains(b)) {
                out.add(new int[]{a, b});
            }
        }
        return out;
    }

    /** True when every node satisfies {@code p}. */
    public boolean all(final Predicate<Node> p) {
        for (final Node n : nodes) {
            if (!p.test(n)) {
                return false;
            }
        }
        return true;
    }

    /** Lets {@code ms} of virtual time pass. */
    public void runFor(final long ms) {
        network.runUntil(network.nowMs() + ms);
    }

    /**
     * Lets virtual time pass until {@code condition} holds (checked every {@code stepMs}) or {@code maxMs} went
     * by; returns the virtual ms it took, or -1 when it never held.
     */
    public long runUntil(final java.util.function.BooleanSupplier condition, final long stepMs, final long maxMs) {
        final long start = network.nowMs();
        while (!condition.getAsBoolean()) {
            if (network.nowMs() - start >= maxMs) {
                return -1;
            }
            runFor(stepMs);
        }
        return network.nowMs() - start;
    }
}
