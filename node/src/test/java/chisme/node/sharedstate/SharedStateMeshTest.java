package chisme.node.sharedstate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 30 real nodes over loopback UDP; each gossips only with the neighbours in its static list. These prove the
 * real transport (fragments, bulk catch-up, hook processes); the gossip scenarios that need only the logic
 * (one winner after concurrent edits, the Pirania regression) run under virtual time in
 * {@code chisme.node.sim.SharedStateSimulationTest}, at up to 500 nodes.
 */
class SharedStateMeshTest {
    private static final int N = 30;
    private static final long SYNC_MS = 300;

    /**
     * Signed books, shelves open to every writer: these tests edit and remove one key from several nodes (merge
     * order among co-writers); the default 'author' policy would refuse that by design (BookSigningTest).
     */
    private static SharedStateConfig config() {
        return new SharedStateConfig()
            .defaultShelf(ShelfConfig.DEFAULT.syncIntervalMs(SYNC_MS).ttlMs(60_000).writers(WritePolicy.OPEN))
            .expiryCheckMs(100)
            .callTimeoutMs(500);
    }

    @ParameterizedTest
    @EnumSource(Mesh.Topology.class)
    void shouldSpreadABookAndItsTombstoneToEveryNode(final Mesh.Topology topology) {
        try (Mesh mesh = new Mesh(N, topology, 11, i -> config(), null)) {
            mesh.nodes.get(N / 2).ss.insert("hosts", "{\"10.0.0.7\": {\"name\": \"seven\"}}");
            final long ms = Await.until("book on all nodes", 15_000,
                () -> mesh.all(n -> n.ss.get("hosts").equals("{\"10.0.0.7\":{\"name\":\"seven\"}}")));
            System.out.println(topology + ": book reached all " + N + " nodes in " + ms + " ms");
            mesh.nodes.get(3).ss.remove("hosts", "[\"10.0.0.7\"]");
            Await.until("tombstone on all nodes", 15_000, () -> mesh.all(n -> n.ss.get("hosts").equals("{}")
                && n.ss.dump("hosts").contains("\"tombstone\":true")));
        }
    }

    @Test
    void shouldConvergeAfterAPartitionHeals() {
        // Unsigned: 30 nodes in one JVM each verifying 301 books is ~9,000 Ed25519 checks (~5 ms each on a CI
        // machine at load 30), which only measures the machine; the other mesh tests run signed.
        try (Mesh mesh = new Mesh(N, Mesh.Topology.RANDOM, 14, i -> config().signing(false), null)) {
            final Set<Integer> side = IntStream.range(0, N / 2).boxed().collect(Collectors.toSet());
            mesh.partition(side, true);
            final StringBuilder many = new StringBuilder("{");
            for (int i = 0; i < 300; i++) {
                many.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
            }
            mesh.nodes.get(0).ss.insert("bulk", many.append('}').toString());
            mesh.nodes.get(29).ss.insert("bulk", "{\"other-side\": true}");
            Await.until("each side has its books", 15_000, () -> mesh.all(n -> {
                final String g = n.ss.get("bulk");
                return side.contains(mesh.nodes.indexOf(n)) ? g.contains("\"k299\":299") : g.contains("other-side");
            }));
            assertFalse(mesh.nodes.get(29).ss.get("bulk").contains("k299"), "the partition held");
            mesh.partition(side, false);
            final long ms = Await.until("everything everywhere", 20_000, () -> mesh.all(n -> {
                final String g = n.ss.get("bulk");
                return g.contains("\"k299\":299") && g.contains("other-side") && n.ss.shelves().get(0).books() == 301;
            }));
            System.out.println("partition healed: 301 books on all " + N + " nodes " + ms + " ms after healing");
        }
    }

    /**
     * Real hook processes on every node see the book arrive and then expire. Eight nodes: each hop may cost the book
     * up to a second of its TTL (whole seconds on the wire, rounded down so a copy never outlives its source), so
     * a 6 s book still reaches the node 4 hops away. How long the last copy lives is checked under virtual time
     * (SharedStateSimulationTest#aShortLivedBookExpiresOnEveryNodeWithinItsTtlAndStaysGone); here the waits are
     * generous bounds for a loaded machine, not timings.
     */
    @Test
    void shouldExpireEverywhereAndRunHooks(@TempDir final Path dir) throws IOException {
        final int n = 8;
        final Path hooks = dir.resolve("hooks");
        Files.createDirectories(hooks.resolve("short"));
        final Path hook = hooks.resolve("short").resolve("record");
        Files.writeString(hook, "#!/bin/sh\ncat > /dev/null\nexit 0\n");
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
        final List<String> inputs = new CopyOnWriteArrayList<>();
        try (Mesh mesh = new Mesh(n, Mesh.Topology.RING, 15,
            i -> config().shelf("short", ShelfConfig.DEFAULT.syncIntervalMs(SYNC_MS).ttlMs(6_000).writers(WritePolicy.OPEN)).hooksDir(hooks),
            null)) {
            for (int i = 0; i < n; i++) {
                final int node = i;
                mesh.nodes.get(i).ss.hookListener(run -> inputs.add(node + ":" + new String(run.stdin(), StandardCharsets.UTF_8)));
            }
            mesh.nodes.get(1).ss.insert("short", "{\"lease\": 1}");
            Await.until("expired on all nodes", 60_000, () -> mesh.all(m -> m.ss.get("short").equals("{}")));
            final long until = System.currentTimeMillis() + 3 * SYNC_MS;
            Await.until("stays expired", 10_000, () -> {
                assertTrue(mesh.all(m -> m.ss.get("short").equals("{}")), "an expired book came back");
                return System.currentTimeMillis() > until;
            });
            for (int i = 0; i < n; i++) {
                final int node = i;
                Await.until("hook of node " + i + " saw the book and then its expiry", 30_000,
                    () -> inputs.contains(node + ":{\"lease\":1}") && inputs.lastIndexOf(node + ":{}") > inputs.indexOf(node + ":{\"lease\":1}"));
            }
            assertTrue(mesh.nodes.get(0).ss.counters().get(SharedStateCounter.BOOKS_EXPIRED) >= 1);
        }
    }
}
