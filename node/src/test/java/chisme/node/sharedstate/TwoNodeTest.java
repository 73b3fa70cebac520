package chisme.node.sharedstate;

import org.junit.jupiter.api.Test;

/** Two nodes: push and pull between direct neighbours. */
class TwoNodeTest {
    @Test
    void shouldPushToANeighbour() {
        try (Mesh mesh = new Mesh(2, Mesh.Topology.LINE, 3, i -> new SharedStateConfig()
            .defaultShelf(ShelfConfig.DEFAULT.syncIntervalMs(200)), null)) {
            mesh.nodes.get(0).ss.insert("s", "{\"a\": 1}");
            Await.until("pushed", 3_000, () -> mesh.nodes.get(1).ss.get("s").equals("{\"a\":1}"));
            org.junit.jupiter.api.Assertions.assertEquals(1, mesh.nodes.get(1).ss.counters().get(SharedStateCounter.PUSH_RECEIVED));
        }
    }
}
