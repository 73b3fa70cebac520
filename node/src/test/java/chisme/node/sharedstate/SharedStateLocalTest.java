package chisme.node.sharedstate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One node, no neighbours: the CLI operations and their errors. */
class SharedStateLocalTest {
    private final AtomicLong wall = new AtomicLong(1_000_000);
    private TestNode node;

    @BeforeEach
    void start() {
        node = new TestNode("solo", 1);
        final SharedStateConfig c = new SharedStateConfig()
            .shelf("small", ShelfConfig.DEFAULT.maxBooks(2).maxBookBytes(16))
            .shelf("vouchers", ShelfConfig.DEFAULT.policy(MergePolicy.CONTENT));
        node.start(c, null, wall::get, null);
    }

    @AfterEach
    void stop() {
        node.close();
    }

    @Test
    void shouldInsertAndGetCompactDataInInsertedMemberOrder() {
        final var r = node.ss.insert("hosts", "{\"10.0.0.2\": 3, \"10.0.0.1\": {\"name\": \"a\", \"mac\": \"x\"}}");
        assertEquals(2, r.inserted());
        // Keys in store order; nested members as inserted (shared-state-async keeps RapidJSON's member order).
        assertEquals("{\"10.0.0.1\":{\"name\":\"a\",\"mac\":\"x\"},\"10.0.0.2\":3}", node.ss.get("hosts"));
        assertEquals(1, node.ss.shelves().size());
    }

    @Test
    void shouldTakeReorderedMembersAsEqualDataAndKeepTheFirstOrder() {
        node.ss.insert("s", "{\"k\": {\"b\": 1, \"a\": {\"y\": 2, \"x\": 3}}}");
        final String before = node.ss.dump("s");
        final var r = node.ss.insert("s", "{\"k\": {\"a\": {\"x\": 3, \"y\": 2}, \"b\": 1}}");
        assertEquals(0, r.inserted());
        assertEquals(1, r.refreshed());
        assertEquals(version(before), version(node.ss.dump("s")), "a reorder is no edit");
        assertEquals("{\"k\":{\"b\":1,\"a\":{\"y\":2,\"x\":3}}}", node.ss.get("s"));
    }

    @Test
    void shouldKeepContentShelvesCanonical() {
        node.ss.insert("vouchers", "[{\"b\": 1, \"a\": 2}]");
        final var again = node.ss.insert("vouchers", "[{\"a\": 2, \"b\": 1}]");
        assertEquals(0, again.inserted(), "same content, same key");
        assertTrue(node.ss.get("vouchers").endsWith(":{\"a\":2,\"b\":1}}"), node.ss.get("vouchers"));
    }

    @Test
    void shouldOnlyRefreshTtlWhenReinsertingEqualData() {
        node.ss.insert("s", "{\"k\": [1, 2]}");
        final String before = node.ss.dump("s");
        wall.addAndGet(60_000);
        final var r = node.ss.insert("s", "{ \"k\" : [1,2] }");
        assertEquals(0, r.inserted());
        assertEquals(1, r.refreshed());
        final String after = node.ss.dump("s");
        assertEquals(version(before), version(after), "equal data must not create a new version");
        node.ss.insert("s", "{\"k\": [1, 3]}");
        assertTrue(Long.parseLong(version(node.ss.dump("s"))) > Long.parseLong(version(after)));
    }

    @Test
    void shouldRemoveWithTombstone() {
        node.ss.insert("s", "{\"a\": 1, \"b\": 2}");
        assertEquals(1, node.ss.remove("s", "[\"a\", \"zzz\"]"));
        assertEquals("{\"b\":2}", node.ss.get("s"));
        assertTrue(node.ss.dump("s").contains("\"tombstone\":true"));
        // The Lua tool's tombstone holds data = nil, which its JSON omits.
        assertTrue(node.ss.dumpLibremesh("s").contains("\"a\":{\"bleachTTL\":30,\"author\":\"solo\"}"), node.ss.dumpLibremesh("s"));
    }

    @Test
    void shouldRefuseBadInputAndLeaveShelfUnchanged() {
        node.ss.insert("small", "{\"a\": 1}");
        final String before = node.ss.dump("small");
        assertEquals(SharedStateException.Code.INVALID_JSON, assertThrows(SharedStateException.class, () -> node.ss.insert("small", "{\"b\": ")).code());
        assertEquals(SharedStateException.Code.WRONG_JSON_TYPE, assertThrows(SharedStateException.class, () -> node.ss.insert("small", "[1]")).code());
        assertEquals(SharedStateException.Code.INVALID_SHELF_NAME, assertThrows(SharedStateException.class, () -> node.ss.insert("bad/name", "{}")).code());
        assertEquals(SharedStateException.Code.BOOK_TOO_LARGE,
            assertThrows(SharedStateException.class, () -> node.ss.insert("small", "{\"b\": 2, \"c\": \"01234567890123456789\"}")).code());
        node.ss.insert("small", "{\"b\": 2}");
        final SharedStateException full = assertThrows(SharedStateException.class, () -> node.ss.insert("small", "{\"c\": 3}"));
        assertEquals(SharedStateException.Code.SHELF_FULL, full.code());
        assertTrue(full.getMessage().contains("at most 2"));
        assertEquals("{\"a\":1,\"b\":2}", node.ss.get("small"));
        assertEquals(version(before), version(node.ss.dump("small")));
        assertEquals(SharedStateException.Code.WRONG_JSON_TYPE, assertThrows(SharedStateException.class, () -> node.ss.remove("small", "{\"a\":1}")).code());
    }

    @Test
    void shouldKeyContentShelvesByHash() {
        final var r = node.ss.insert("vouchers", "[{\"id\": \"v1\", \"macs\": []}, {\"macs\": [], \"id\": \"v1\"}]");
        assertEquals(1, node.ss.shelves().stream().filter(s -> s.shelf().equals("vouchers")).findFirst().orElseThrow().books());
        assertEquals(1, r.keys().size(), "equal content, equal key");
        assertEquals(16, r.keys().get(0).length());
    }

    private static String version(final String dump) {
        final int i = dump.indexOf("\"version\":") + 10;
        return dump.substring(i, dump.indexOf(',', i));
    }
}
