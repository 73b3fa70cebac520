package chisme.node.sim;

import chisme.node.kademlia.KademliaConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 11 under virtual time: a community booting at once with 20% of the nodes late, and two networks merged by one join. */
class BootScenariosTest {
    @Test
    void simultaneousBootWithLateNodesBecomesOneNetwork() {
        final BootScenarios.Outcome o = BootScenarios.simultaneousBoot(new KademliaConfig(), 11, 200, 0.2, 20, 200, 600_000);
        System.out.println(o);
        assertTrue(o.lateNodes() > 20, "some nodes started late: " + o);
        assertEquals(1, o.components(), "one network: " + o);
        assertTrue(o.connectedMs() >= 0 && o.connectedMs() <= 300_000, "one network within 5 virtual minutes of the last start: " + o);
        assertEquals(o.gets(), o.getsOk(), "every get succeeds: " + o);
    }

    @Test
    void twoNetworksJoinedByOneJoinMerge() {
        final BootScenarios.Outcome o = BootScenarios.merge(new KademliaConfig(), 12, 200, 20, 200, 600_000);
        System.out.println(o);
        assertEquals(1, o.components(), "one network: " + o);
        assertEquals(0, o.missingClosest(), "every table names its true closest node: " + o);
        assertTrue(o.convergedMs() <= 60_000, "merged within a virtual minute: " + o);
        assertEquals(o.gets(), o.getsOk(), "every get succeeds: " + o);
    }
}
