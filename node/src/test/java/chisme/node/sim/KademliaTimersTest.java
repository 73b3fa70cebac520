package chisme.node.sim;

import chisme.node.kademlia.KademliaConfig;
import chisme.node.kademlia.KademliaEngine;
import chisme.node.metrics.CounterId;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** xlattice timers under virtual time: values expire tExpire after publication unless republished. */
class KademliaTimersTest {
    private static long sum(final KademliaSimulation sim, final CounterId id) {
        long s = 0;
        for (final KademliaEngine e : sim.nodes()) {
            s += e.counters().get(id);
        }
        return s;
    }

    @Test
    void shouldExpireValuesNobodyRepublishes() {
        final KademliaSimulation sim = new KademliaSimulation(new KademliaConfig().rpcTimeoutMs(500)
            .expireAfterMs(60_000).expiryCheckIntervalMs(5_000).republishIntervalMs(10_000_000).replicateIntervalMs(10_000_000), 7);
        sim.grow(40);
        assertEquals(5, sim.publish(5, 50));
        assertEquals(1.0, sim.gets(20).successRate());
        sim.network().runUntil(sim.network().nowMs() + 120_000);
        assertTrue(sum(sim, CounterId.VALUES_EXPIRED) >= 5, "expired " + sum(sim, CounterId.VALUES_EXPIRED));
        assertEquals(0.0, sim.gets(20).successRate());
    }

    @Test
    void shouldKeepRepublishedValuesAliveAndReplicate() {
        final KademliaSimulation sim = new KademliaSimulation(new KademliaConfig().rpcTimeoutMs(500)
            .expireAfterMs(60_000).expiryCheckIntervalMs(5_000).republishIntervalMs(20_000).replicateIntervalMs(30_000), 8);
        sim.grow(40);
        assertEquals(5, sim.publish(5, 50));
        sim.network().runUntil(sim.network().nowMs() + 200_000);
        assertTrue(sum(sim, CounterId.REPUBLISHES) >= 5 * 8, "republishes " + sum(sim, CounterId.REPUBLISHES));
        assertTrue(sum(sim, CounterId.REPLICATION_RUNS) > 0);
        assertEquals(1.0, sim.gets(20).successRate());
    }
}
