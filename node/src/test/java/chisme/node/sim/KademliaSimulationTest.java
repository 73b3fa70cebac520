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
}
