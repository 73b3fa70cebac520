package chisme.node.sharedstate;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Two direct neighbours: push, and the content-addressed policy. */
class TwoNodeTest {
    private static SharedStateConfig config() {
        return new SharedStateConfig().defaultShelf(ShelfConfig.DEFAULT.syncIntervalMs(200))
            .shelf("vouchers", ShelfConfig.DEFAULT.syncIntervalMs(200).policy(MergePolicy.CONTENT));
    }

    @Test
    void shouldPushToANeighbour() {
        try (Mesh mesh = new Mesh(2, Mesh.Topology.LINE, 3, i -> config(), null)) {
            mesh.nodes.get(0).ss.insert("s", "{\"a\": 1}");
            Await.until("pushed", 3_000, () -> mesh.nodes.get(1).ss.get("s").equals("{\"a\":1}"));
            assertEquals(1, mesh.nodes.get(1).ss.counters().get(SharedStateCounter.PUSH_RECEIVED));
        }
    }

    @Test
    void shouldTreatEqualContentAsOneBookAndLetRemovalWin() {
        try (Mesh mesh = new Mesh(2, Mesh.Topology.LINE, 4, i -> config(), null)) {
            final var a = mesh.nodes.get(0).ss.insert("vouchers", "[{\"id\": \"v1\", \"macs\": [\"aa\"]}]");
            final var b = mesh.nodes.get(1).ss.insert("vouchers", "[{\"macs\": [\"aa\"], \"id\": \"v1\"}]");
            assertEquals(a.keys(), b.keys(), "the key is the content hash, whoever inserts it");
            mesh.nodes.get(0).ss.insert("vouchers", "[{\"id\": \"v1\", \"macs\": [\"aa\", \"bb\"]}]");
            Await.until("both versions of the voucher on both nodes (a set, merged by the app's hook)", 3_000,
                () -> mesh.all(n -> n.ss.shelves().get(0).books() == 2));
            mesh.nodes.get(1).ss.remove("vouchers", "[\"" + a.keys().get(0) + "\"]");
            Await.until("removal wins over the live copy", 3_000, () -> mesh.all(n -> !n.ss.get("vouchers").contains("\"aa\"]")));
            assertEquals(mesh.nodes.get(0).ss.shelves(), mesh.nodes.get(1).ss.shelves(), "same summaries");
        }
    }

    @Test
    void shouldPullManyShelvesThatDoNotFitOneDigest() {
        try (TestNode a = new TestNode("a", 50); TestNode b = new TestNode("b", 51)) {
            a.start(config(), null, System::currentTimeMillis, null); // no neighbours: a never pushes
            b.start(config().staticNeighbour(a.addressText()), null, System::currentTimeMillis, null);
            final String prefix = "a-rather-long-shelf-name-number-";
            for (int i = 0; i < 60; i++) {
                a.ss.insert(prefix + i, "{\"k\": 1}");
            }
            Await.until("b learnt all 60 shelves by pulling", 10_000, () -> b.ss.shelves().size() == 60);
            for (int i = 0; i < 60; i++) {
                a.ss.insert(prefix + i, "{\"k\": 2}"); // 60 x 53 bytes of digests: more than one datagram
            }
            Await.until("every shelf's edit pulled (shelves rotate through the digest)", 15_000,
                () -> java.util.stream.IntStream.range(0, 60).allMatch(i -> b.ss.get(prefix + i).equals("{\"k\":2}")));
        }
    }
}
