package chisme.store;

import chisme.wire.NodeId;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One contract run over every {@link BookStore} implementation. */
abstract class BookStoreContract {
    static final int MAX_BOOKS = 40;
    static final int MAX_DATA = 2048;
    static final long MAX_BYTES = 32 * 1024;

    abstract BookStore newStore();

    static final NodeId AUTHOR = new NodeId(1, 2, 3);

    static Book book(final String shelf, final String key, final long version, final long expiresAtMs, final String json) {
        return new Book(shelf, key, AUTHOR, "node-a", version, expiresAtMs, false, json.getBytes(StandardCharsets.UTF_8));
    }

    /** What a shelf should hold, as "key@version" with a "+t" for tombstones. */
    static Set<String> expected(final Book... books) {
        final Set<String> out = new java.util.TreeSet<>();
        for (final Book b : books) {
            out.add(b.key() + "@" + b.version() + (b.tombstone() ? "+t" : ""));
        }
        return out;
    }

    /** What the store holds in {@code shelf}, in the form of {@link #expected}. */
    static Set<String> held(final BookStore store, final String shelf) {
        final List<Book> books = new ArrayList<>();
        store.forEach(shelf, books::add);
        assertEquals(books.size(), store.count(shelf), "count kept current");
        return expected(books.toArray(new Book[0]));
    }

    @Test
    void shouldKeepTheSignatureBlockAndReadUnsignedBooksUnchanged() {
        final BookStore s = newStore();
        final byte[] sig = new byte[BookLayout.SIGNATURE_BYTES];
        for (int i = 0; i < sig.length; i++) {
            sig[i] = (byte) (i * 7 + 1);
        }
        final Book plain = book("s", "plain", 1, Long.MAX_VALUE, "1");
        final Book signed = new Book("s", "signed", plain.authorId(), "a", 2, Long.MAX_VALUE, false, "2".getBytes(), sig);
        assertEquals(StoreStatus.OK, s.put(plain));
        assertEquals(StoreStatus.OK, s.put(signed));
        assertNull(s.get("s", "plain").signature());
        assertArrayEquals(sig, s.get("s", "signed").signature());
        assertArrayEquals(sig, s.get("s", "signed").withExpiry(5).signature());
    }

    @Test
    void shouldStoreBookAndKeepShelfCountsCurrent() {
        try (BookStore store = newStore()) {
            final Book a = book("hosts", "10.0.0.1", 1, 1000, "{\"n\":\"a\"}");
            final Book b = book("hosts", "10.0.0.2", 1, 1000, "{\"n\":\"b\"}");
            final Book c = book("nodes", "x", 7, 1000, "{}");
            assertEquals(StoreStatus.OK, store.put(a));
            assertEquals(StoreStatus.OK, store.put(b));
            assertEquals(StoreStatus.OK, store.put(c));
            final Book got = store.get("hosts", "10.0.0.1");
            assertEquals(a.authorId(), got.authorId());
            assertEquals("node-a", got.authorName());
            assertEquals(1, got.version());
            assertEquals(1000, got.expiresAtMs());
            assertArrayEquals(a.data(), got.data());
            assertEquals(2, store.count("hosts"));
            assertEquals(expected(a, b), held(store, "hosts"));
            assertEquals(expected(c), held(store, "nodes"));
            assertEquals(Set.of("hosts", "nodes"), store.shelves());
            assertNull(store.get("hosts", "10.0.0.3"));
            assertNull(store.get("nodes", "10.0.0.1"));

            final Book a2 = new Book("hosts", "10.0.0.1", AUTHOR, "node-a", 2, 2000, true, new byte[0]);
            assertEquals(StoreStatus.OK, store.put(a2));
            assertEquals(expected(a2, b), held(store, "hosts"));
            assertNotEquals(expected(a, b), held(store, "hosts"));
            assertTrue(store.get("hosts", "10.0.0.1").tombstone());

            assertTrue(store.remove("hosts", "10.0.0.2"));
            assertFalse(store.remove("hosts", "10.0.0.2"));
            assertEquals(expected(a2), held(store, "hosts"));
            assertTrue(store.remove("hosts", "10.0.0.1"));
            assertEquals(Set.of(), held(store, "hosts"));
            assertEquals(Set.of("nodes"), store.shelves());
        }
    }

    @Test
    void shouldExpireAndUpdateShelfCounts() {
        try (BookStore store = newStore()) {
            final Book a = book("s", "a", 1, 100, "1");
            final Book b = book("s", "b", 1, 200, "2");
            final Book c = book("t", "c", 1, 100, "3");
            store.put(a);
            store.put(b);
            store.put(c);
            final List<Book> expired = new ArrayList<>();
            assertEquals(2, store.expire(100, expired::add));
            assertEquals(2, expired.size());
            assertEquals(expected(b), held(store, "s"));
            assertEquals(Set.of(), held(store, "t"));
            assertEquals(0, store.count("t"));
            assertEquals(Set.of("s"), store.shelves());
        }
    }

    @Test
    void shouldReturnTooLargeAndFull() {
        try (BookStore store = newStore()) {
            assertEquals(MAX_DATA, store.maxDataBytes());
            assertEquals(StoreStatus.TOO_LARGE, store.put(new Book("s", "k", AUTHOR, "n", 1, 100, false, new byte[MAX_DATA + 1])));
            assertEquals(StoreStatus.TOO_LARGE, store.put(book("s", "k".repeat(257), 1, 100, "{}")));
            assertEquals(0, store.count("s"));
            for (int i = 0; i < MAX_BOOKS; i++) {
                assertEquals(StoreStatus.OK, store.put(book("s", "k" + i, 1, i < 5 ? 50 : 500, "{}")), "book " + i);
            }
            assertEquals(StoreStatus.FULL, store.put(book("s", "extra", 1, 500, "{}")));
            assertEquals(StoreStatus.OK, store.put(book("s", "k9", 2, 500, "{}")), "replace is not a new entry");
            assertEquals(5, store.expire(50, null));
            assertEquals(StoreStatus.OK, store.put(book("s", "extra", 1, 500, "{}")));
            assertEquals(MAX_BOOKS - 4, store.count("s"));
        }
    }

    @Test
    void shouldReturnFullAtByteQuota() {
        try (BookStore store = newStore()) {
            StoreStatus last = StoreStatus.OK;
            int ok = 0;
            for (int i = 0; i < MAX_BOOKS && last == StoreStatus.OK; i++) {
                last = store.put(new Book("s", "k" + i, AUTHOR, "n", 1, 100, false, new byte[MAX_DATA]));
                ok += last == StoreStatus.OK ? 1 : 0;
            }
            assertEquals(StoreStatus.FULL, last);
            assertEquals(MAX_BYTES / BookLayout.recordBytes(4, 1, MAX_DATA), ok);
        }
    }

    @Test
    void shouldRejectInvalidShelfName() {
        try (BookStore store = newStore()) {
            assertThrows(IllegalArgumentException.class, () -> store.put(book("bad shelf", "k", 1, 1, "{}")));
            assertThrows(IllegalArgumentException.class, () -> store.put(book("", "k", 1, 1, "{}")));
        }
    }

    @Test
    void shouldVisitShelfSnapshot() {
        try (BookStore store = newStore()) {
            store.put(book("s", "a", 1, 100, "1"));
            store.put(book("s", "b", 1, 100, "2"));
            store.put(book("t", "c", 1, 100, "3"));
            final List<String> keys = new ArrayList<>();
            store.forEach("s", b -> {
                keys.add(b.key());
                store.remove(b.shelf(), b.key());
            });
            keys.sort(null);
            assertEquals(List.of("a", "b"), keys);
            assertEquals(0, store.count("s"));
            assertEquals(1, store.count("t"));
        }
    }
}
