package chisme.node.sim;

import chisme.store.InMemoryTupleStore;
import chisme.node.event.EventLog;
import chisme.node.kademlia.KademliaConfig;
import chisme.node.kademlia.KademliaEngine;
import chisme.node.kademlia.LookupResult;
import chisme.node.metrics.Counters;
import chisme.wire.NodeId;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.List;
import java.util.SplittableRandom;

/**
 * N Kademlia engines (the production node code) on a {@link SimNetwork} under virtual time: builds the
 * network by joining nodes one after another through random earlier nodes, publishes values, measures
 * lookup rounds and get success, and stops a fraction of the nodes (churn). One thread.
 */
public final class KademliaSimulation {
    private final SimNetwork network;
    private final KademliaConfig config;
    private final SplittableRandom random;
    private final List<KademliaEngine> nodes = new ArrayList<>();
    private final List<SimNetwork.Host> hosts = new ArrayList<>();
    private final Map<KademliaEngine, SimNetwork.Host> hostByEngine = new IdentityHashMap<>();
    private final List<NodeId> published = new ArrayList<>();
    private final List<byte[]> publishedValues = new ArrayList<>();

    public KademliaSimulation(final KademliaConfig config, final long seed) {
        this.config = config.conclude();
        this.random = new SplittableRandom(seed);
        this.network = new SimNetwork(seed, 5, 50, 0.0);
    }

    public SimNetwork network() {
        return network;
    }

    public List<KademliaEngine> nodes() {
        return nodes;
    }

    /** Adds {@code n} nodes; each joins through a random node already in the network. */
    public void grow(final int n) {
        grow(n, null);
    }

    /**
     * Adds {@code n} nodes one after another; each joins through a random node of {@code pool} (null: of every
     * live node) as it was when the call began plus the nodes this call added. Returns the new nodes.
     */
    public List<KademliaEngine> grow(final int n, final List<KademliaEngine> pool) {
        final List<KademliaEngine> added = new ArrayList<>();
        final List<KademliaEngine> from = pool == null ? aliveNodes() : new ArrayList<>(pool);
        for (int i = 0; i < n; i++) {
            final KademliaEngine e = addNode();
            final SimNetwork.Host host = hostOf(e);
            host.execute(e::start);
            final List<InetSocketAddress> bootstrap = new ArrayList<>();
            if (!from.isEmpty()) {
                bootstrap.add(from.get(random.nextInt(from.size())).localAddress());
            }
            from.add(e);
            added.add(e);
            final boolean[] done = {false};
            host.execute(() -> e.join(bootstrap, size -> done[0] = true));
            network.runWhile(() -> !done[0], network.nowMs() + 600_000, 50_000_000);
        }
        return added;
    }

    /** A new node on its own host, not started: the caller schedules {@code start()} (a process not yet up drops datagrams). */
    public KademliaEngine addNode() {
        final SimNetwork.Host host = network.addHost();
        final SplittableRandom r = random.split();
        final KademliaEngine e = new KademliaEngine(config, host.nodeHost(NodeId.random(r), r, config.rpc()),
            InMemoryTupleStore.withCapacity(100_000, config.maxValueBytes()), new EventLog(16));
        nodes.add(e);
        hosts.add(host);
        hostByEngine.put(e, host);
        return e;
    }

    /** The simulation's own seeded random source (scenarios draw from it so a seed repeats a run). */
    public SplittableRandom random() {
        return random;
    }

    /** Publishes {@code count} random values from random live nodes; returns how many got at least one remote copy. */
    public int publish(final int count, final int valueBytes) {
        return publish(count, valueBytes, null);
    }

    /** As {@link #publish(int, int)} from random nodes of {@code publishers} (null: any live node). */
    public int publish(final int count, final int valueBytes, final List<KademliaEngine> publishers) {
        int stored = 0;
        for (int i = 0; i < count; i++) {
            final byte[] v = new byte[valueBytes];
            random.nextBytes(v);
            final KademliaEngine from = publishers == null ? randomAlive() : publishers.get(random.nextInt(publishers.size()));
            final int[] copies = {-1};
            final NodeId[] key = new NodeId[1];
            hostOf(from).execute(() -> key[0] = from.publish(v, (local, c) -> copies[0] = c));
            network.runWhile(() -> copies[0] < 0, network.nowMs() + 600_000, 50_000_000);
            published.add(key[0]);
            publishedValues.add(v);
            if (copies[0] > 0) {
                stored++;
            }
        }
        return stored;
    }

    /** Records a value published outside {@link #publish} (a scenario's own timing), so {@link #gets} asks for it. */
    public void published(final NodeId key, final byte[] value) {
        published.add(key);
        publishedValues.add(value);
    }

    /** Runs {@code count} gets of random published keys from random live nodes that do not hold the key. */
    public Stats gets(final int count) {
        final Stats s = new Stats();
        for (int i = 0; i < count; i++) {
            final int which = random.nextInt(published.size());
            final NodeId key = published.get(which);
            final KademliaEngine from = randomAlive();
            final LookupResult[] out = new LookupResult[1];
            hostOf(from).execute(() -> from.lookup(key, true, r -> out[0] = r));
            network.runWhile(() -> out[0] == null, network.nowMs() + 600_000, 50_000_000);
            final boolean ok = out[0] != null && out[0].found() && Arrays.equals(out[0].value(), publishedValues.get(which));
            s.add(ok, out[0]);
            if (!ok) {
                s.failures.add(new FailedGet(which, from, out[0]));
            }
        }
        return s;
    }

    /** A get that did not return its value: which published value, from where, what the lookup ended with (null: no answer). */
    public record FailedGet(int value, KademliaEngine from, LookupResult result) {
    }

    /** The published keys, in publish order. */
    public List<NodeId> publishedKeys() {
        return List.copyOf(published);
    }

    /**
     * Where published value {@code index} lives: the live nodes holding it, nearest to its key first, ranked
     * among all live nodes by distance to the key (rank 0 = the node closest to the key).
     */
    public int[] holderRanks(final int index) {
        final NodeId key = published.get(index);
        final List<KademliaEngine> alive = new ArrayList<>(aliveNodes());
        alive.sort((x, y) -> key.compareDistance(x.localId(), y.localId()));
        final List<Integer> ranks = new ArrayList<>();
        for (int r = 0; r < alive.size(); r++) {
            if (alive.get(r).store().get(key) != null) {
                ranks.add(r);
            }
        }
        return ranks.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The {@code k} live nodes closest to {@code key}, nearest first. */
    public List<KademliaEngine> trueClosest(final NodeId key, final int k) {
        final List<KademliaEngine> alive = new ArrayList<>(aliveNodes());
        alive.sort((x, y) -> key.compareDistance(x.localId(), y.localId()));
        return alive.subList(0, Math.min(k, alive.size()));
    }

    /** Runs {@code count} iterativeFindNode lookups of random ids; success = found the live node closest to the target. */
    public Stats findNodes(final int count) {
        final Stats s = new Stats();
        for (int i = 0; i < count; i++) {
            final NodeId target = NodeId.random(random);
            final KademliaEngine from = randomAlive();
            final LookupResult[] out = new LookupResult[1];
            hostOf(from).execute(() -> from.lookup(target, false, r -> out[0] = r));
            network.runWhile(() -> out[0] == null, network.nowMs() + 600_000, 50_000_000);
            NodeId best = null;
            for (final KademliaEngine e : aliveNodes()) {
                if (e != from && (best == null || target.compareDistance(e.localId(), best) < 0)) {
                    best = e.localId();
                }
            }
            final boolean ok = out[0] != null && !out[0].closest().isEmpty() && out[0].closest().get(0).id().equals(best);
            s.add(ok, out[0]);
        }
        return s;
    }

    /** Stops a random {@code fraction} of the live nodes (they vanish without a word, as routers lose power). */
    public int churn(final double fraction) {
        final List<KademliaEngine> alive = aliveNodes();
        final int n = (int) Math.round(alive.size() * fraction);
        for (int i = 0; i < n; i++) {
            final KademliaEngine e = alive.remove(random.nextInt(alive.size()));
            hostOf(e).close();
        }
        return n;
    }

    public List<KademliaEngine> aliveNodes() {
        final List<KademliaEngine> out = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (hosts.get(i).up()) {
                out.add(nodes.get(i));
            }
        }
        return out;
    }

    private KademliaEngine randomAlive() {
        final List<KademliaEngine> alive = aliveNodes();
        return alive.get(random.nextInt(alive.size()));
    }

    public SimNetwork.Host hostOf(final KademliaEngine e) {
        return hostByEngine.get(e);
    }

    /** Success rate and distribution of lookup rounds. */
    public static final class Stats {
        private final int[] roundsHistogram = new int[64];
        private final List<FailedGet> failures = new ArrayList<>();
        private int total;
        private int succeeded;
        private long messages;

        void add(final boolean ok, final LookupResult result) {
            final int rounds = result == null ? 0 : result.rounds();
            if (result != null) {
                // The lookup's own traffic: one request per node queried, one reply per node that answered
                // (other nodes' maintenance in the same virtual time is not counted).
                messages += 2L * result.queried() - result.failed();
            }
            total++;
            if (ok) {
                succeeded++;
            }
            roundsHistogram[Math.min(rounds, 63)]++;
        }

        public int total() {
            return total;
        }

        public int succeeded() {
            return succeeded;
        }

        /** The gets that did not return their value. */
        public List<FailedGet> failures() {
            return failures;
        }

        /** Requests sent plus replies received by the lookups themselves. */
        public long messages() {
            return messages;
        }

        public double successRate() {
            return total == 0 ? 0 : (double) succeeded / total;
        }

        public int[] histogram() {
            return roundsHistogram.clone();
        }

        /** Rounds at quantile q (0..1) of all lookups. */
        public int quantile(final double q) {
            final long need = (long) Math.ceil(q * total);
            long seen = 0;
            for (int r = 0; r < roundsHistogram.length; r++) {
                seen += roundsHistogram[r];
                if (seen >= need && seen > 0) {
                    return r;
                }
            }
            return 0;
        }

        public double mean() {
            long sum = 0;
            for (int r = 0; r < roundsHistogram.length; r++) {
                sum += (long) r * roundsHistogram[r];
            }
            return total == 0 ? 0 : (double) sum / total;
        }

        @Override
        public String toString() {
            final StringBuilder b = new StringBuilder();
            b.append(String.format("n=%d success=%.4f rounds median=%d p90=%d max=%d mean=%.2f hist={", total, successRate(),
                quantile(0.5), quantile(0.9), quantile(1.0), mean()));
            for (int r = 0; r < roundsHistogram.length; r++) {
                if (roundsHistogram[r] > 0) {
                    b.append(r).append(':').append(roundsHistogram[r]).append(' ');
                }
            }
            return b.append('}').toString();
        }
    }
}
