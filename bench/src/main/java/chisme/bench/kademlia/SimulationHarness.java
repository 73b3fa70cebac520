package chisme.bench.kademlia;

import chisme.node.kademlia.KademliaConfig;
import chisme.node.sim.KademliaSimulation;

/**
 * Runs the Kademlia node code on a simulated network of N nodes under virtual time (default 5,000,
 * k = 20, alpha = 3), then prints the distribution of lookup rounds and the success rate of
 * iterativeFindNode (found the live node closest to a random id) and of gets (iterativeFindValue of
 * published values), before and after stopping 30% of the nodes.
 * <pre>
 * java $FLAGS -cp bench/target-kc/benchmarks.jar chisme.bench.kademlia.SimulationHarness [nodes] [values] [lookups] [seed] [maxFailures]
 * </pre>
 * {@code maxFailures} (default 5, KademliaConfig's) is the routing table's stale threshold: how many
 * timeouts in a row before a dead contact stops being handed out and may be replaced.
 */
public final class SimulationHarness {
    private SimulationHarness() {
    }

    public static void main(final String[] args) {
        final int n = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
        final int values = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        final int lookups = args.length > 2 ? Integer.parseInt(args[2]) : 1_000;
        final long seed = args.length > 3 ? Long.parseLong(args[3]) : 42;
        final KademliaConfig config = new KademliaConfig().rpcTimeoutMs(1_000);
        if (args.length > 4) {
            config.maxFailures(Integer.parseInt(args[4]));
        }
        final KademliaSimulation sim = new KademliaSimulation(config, seed);
        final long t0 = System.nanoTime();
        sim.grow(n);
        final long t1 = System.nanoTime();
        final int stored = sim.publish(values, 200);
        System.out.printf("N=%d k=%d alpha=%d maxFailures=%d: built in %.1f s wall, %.0f s virtual, %d datagrams; %d/%d values stored%n",
            n, config.k(), config.alpha(), config.maxFailures(), (t1 - t0) / 1e9, sim.network().nowMs() / 1e3, sim.network().deliveredDatagrams(),
            stored, values);
        System.out.printf("goal: median rounds <= ceil(log2 N / log2 k) + 1 = %d%n",
            (int) Math.ceil(Math.log(n) / Math.log(config.k())) + 1);
        System.out.println("find_node           " + sim.findNodes(lookups));
        System.out.println("get                 " + sim.gets(lookups));
        final int stopped = sim.churn(0.3);
        System.out.println("-- stopped " + stopped + " nodes (30% churn) --");
        System.out.println("find_node churn 30% " + sim.findNodes(lookups));
        System.out.println("get churn 30%       " + sim.gets(lookups));
        System.out.printf("total wall %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }
}
