package chisme.node.sim;

import chisme.node.kademlia.KademliaConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KademliaSimulationTest {
    @Test
    void shouldFindValuesInFewRoundsWithAndWithoutChurn() {
        final int n = Integer.getInteger("chisme.sim.nodes", 1000);
        final KademliaSimulation sim = new KademliaSimulation(new KademliaConfig().rpcTimeoutMs(500), 42);
        final long t0 = System.nanoTime();
        sim.grow(n);
        final long t1 = System.nanoTime();
        assertEquals(50, sim.publish(50, 100));
        final KademliaSimulation.Stats nodes = sim.findNodes(200);
        final KademliaSimulation.Stats gets = sim.gets(200);
        sim.churn(0.3);
        final KademliaSimulation.Stats nodesChurn = sim.findNodes(200);
        final KademliaSimulation.Stats getsChurn = sim.gets(500);
        System.out.printf("N=%d build %.1f s, events delivered %d%n", n, (t1 - t0) / 1e9, sim.network().deliveredDatagrams());
        System.out.println("find_node          " + nodes);
        System.out.println("get                " + gets);
        System.out.println("find_node churn30% " + nodesChurn);
        System.out.println("get churn30%       " + getsChurn);
        // ceil(log2 N / log2 k) + 1 = 4 for N = 1,000 and 5,000 with k = 20.
        assertTrue(nodes.quantile(0.5) <= 4, nodes.toString());
        assertTrue(nodes.successRate() >= 0.99, nodes.toString());
        assertTrue(gets.successRate() == 1.0, gets.toString());
        assertTrue(getsChurn.successRate() >= 0.99, getsChurn.toString());
    }

    /**
     * With 30% of the nodes dead, a lookup that waits for every timeout (stall = timeout) spends seconds of
     * virtual time per lookup; with the stall rule it moves on and must take far less, with the same success:
     * a fixed 250 ms stall (above the simulator's 10-100 ms round trips), and less again with the stall
     * adapted to the measured round trips (RFC 6298, at most 250 ms).
     */
    @Test
    void shouldMoveOnFromDeadContactsAfterTheStallInsteadOfTheTimeout() {
        final double waiting = meanLookupVirtualMs(new KademliaConfig().rpcTimeoutMs(2_000).lookupStallMs(2_000), true);
        final double stalling = meanLookupVirtualMs(new KademliaConfig().rpcTimeoutMs(2_000), true);
        final double fixed = meanLookupVirtualMs(new KademliaConfig().rpcTimeoutMs(2_000).lookupStallMs(250), false);
        System.out.printf("mean find_node virtual time with 30%% dead: %.0f ms waiting for timeouts, %.0f ms with a fixed 250 ms stall,"
            + " %.0f ms with the adaptive stall (at most 250 ms)%n", waiting, fixed, stalling);
        assertTrue(waiting > 2_000, "without the stall rule a dead contact costs a whole timeout: " + waiting);
        assertTrue(stalling < waiting / 3, "stall " + stalling + " ms vs " + waiting + " ms");
        assertTrue(stalling < fixed, "the adaptive stall (round trips 10-100 ms here) must beat the fixed 250 ms: " + stalling + " vs " + fixed);
    }

    private static double meanLookupVirtualMs(final KademliaConfig config, final boolean adaptive) {
        config.adaptiveLookupStall(adaptive);
        // 30% dead, 100 lookups: the share that finds the true closest measured 98-100 across seeds 7-12 (merge walk
        // 98/100/100/99/100/100, the earlier one-question probe 100/100/99/99/100/100). The test is about the stall's
        // time; the success check is the lowest of those, not a seed picked to clear a higher bar.
        final KademliaSimulation sim = new KademliaSimulation(config, 7);
        sim.grow(300);
        sim.churn(0.3);
        final int lookups = 100;
        final long t0 = sim.network().nowMs();
        final KademliaSimulation.Stats stats = sim.findNodes(lookups);
        assertTrue(stats.successRate() >= 0.98, stats.toString());
        return (double) (sim.network().nowMs() - t0) / lookups;
    }
}
