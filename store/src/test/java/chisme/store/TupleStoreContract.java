package chisme.store;

import chisme.wire.NodeId;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One contract run over every {@link TupleStore} implementation (JCTools style). */
abstract class TupleStoreContract {
    static final int MAX_TUPLES = 50;
    static final int MAX_VALUE = 4096;
    static final long MAX_BYTES = 64 * 1024;

    /** A fresh, empty store with MAX_TUPLES, MAX_BYTES and MAX_VALUE. */
    abstract TupleStore newStore();

    static Tuple tuple(final SplittableRandom r, final int valueBytes, final long expiresAtMs) {
        final byte[] v = new byte[valueBytes];
        r.nextBytes(v);
        return new Tuple(NodeId.random(r), v, NodeId.random(r), 1000, expiresAtMs, r.nextBoolean(), 900);
    }

    @Test
    void shouldStoreAndReturnTupleWithMetadata() {
        try (TupleStore store = newStore()) {
            final SplittableRandom r = new SplittableRandom(1);
            final Tuple t = tuple(r, 200, 5000);
            assertEquals(StoreStatus.OK, store.put(t));
            final Tuple got = store.get(t.key());
            assertNotNull(got);
            assertEquals(t.key(), got.key());
            assertArrayEquals(t.value(), got.value());
            assertEquals(t.publisher(), got.publisher());
            assertEquals(t.publishedAtMs(), got.publishedAtMs());
            assertEquals(t.expiresAtMs(), got.expiresAtMs());
            assertEquals(t.original(), got.original());
            assertEquals(t.lastStoreReceivedMs(), got.lastStoreReceivedMs());
            assertEquals(1, store.size());
            assertNull(store.get(NodeId.random(r)));
        }
    }

    @Test
    void shouldCopyValueIntoBufferAndReportAbsentExpiredOrTooSmall() {
        try (TupleStore store = newStore()) {
            final SplittableRandom r = new SplittableRandom(2);
            final Tuple t = tuple(r, 300, 5000);
            store.put(t);
            final UnsafeBuffer dst = new UnsafeBuffer(new byte[1000]);
            final NodeId k = t.key();
            assertEquals(300, store.getValue(k.hi(), k.mid(), k.lo(), 4999, dst, 10));
            final byte[] copy = new byte[300];
            dst.getBytes(10, copy);
            assertArrayEquals(t.value(), copy);
            assertEquals(-1, store.getValue(k.hi(), k.mid(), k.lo(), 5000, dst, 0), "expired at expiresAtMs");
            assertEquals(-1, store.getValue(k.hi(), k.mid(), k.lo() ^ 1, 0, dst, 0), "absent");
            assertEquals(-2, store.getValue(k.hi(), k.mid(), k.lo(), 0, dst, 800), "does not fit");
        }
    }

    @Test
    void shouldReadMetadataWithTheValueOrAlone() {
        try (TupleStore store = newStore()) {
            final SplittableRandom r = new SplittableRandom(21);
            final Tuple t = new Tuple(NodeId.random(r), new byte[] {4, 5, 6}, NodeId.random(r), 1000, 5000, true, 1500);
            store.put(t);
            final NodeId k = t.key();
            final TupleMeta meta = new TupleMeta();
            final UnsafeBuffer dst = new UnsafeBuffer(new byte[16]);
            assertEquals(3, store.getValue(k.hi(), k.mid(), k.lo(), 4999, dst, 2, meta));
            assertEquals(5, dst.getByte(3));
            assertEquals(t.publisher(), new NodeId(meta.publisherHi(), meta.publisherMid(), meta.publisherLo()));
            assertEquals(3, meta.valueLength());
            assertEquals(1000, meta.publishedAtMs());
            assertEquals(5000, meta.expiresAtMs());
            assertTrue(meta.original());
            assertEquals(1500, meta.lastStoreReceivedMs());
            final TupleMeta expired = new TupleMeta();
            assertEquals(-1, store.getValue(k.hi(), k.mid(), k.lo(), 5000, dst, 0, expired), "expired at expiresAtMs");
            assertTrue(store.readMeta(k.hi(), k.mid(), k.lo(), expired), "readMeta sees an expired tuple too");
            assertEquals(5000, expired.expiresAtMs());
            assertFalse(store.readMeta(k.hi(), k.mid(), k.lo() ^ 1, expired), "absent");
        }
    }

    @Test
    void shouldPutFromABufferLikeATuple() {
        try (TupleStore store = newStore()) {
            final UnsafeBuffer src = new UnsafeBuffer(new byte[64]);
            src.putBytes(10, new byte[] {7, 8, 9});
            assertEquals(StoreStatus.OK, store.put(1, 2, 3, src, 10, 3, 4, 5, 6, 100, 9000, false, 200));
            final Tuple t = store.get(new NodeId(1, 2, 3));
            assertArrayEquals(new byte[] {7, 8, 9}, t.value());
            assertEquals(new NodeId(4, 5, 6), t.publisher());
            assertEquals(9000, t.expiresAtMs());
            assertEquals(200, t.lastStoreReceivedMs());
        }
    }

    @Test
    void shouldReplaceExistingKey() {
        try (TupleStore store = newStore()) {
            final SplittableRandom r = new SplittableRandom(3);
            final Tuple t = tuple(r, 100, 5000);
            store.put(t);
            final Tuple t2 = new Tuple(t.key(), new byte[] {1, 2, 3}, t.publisher(), 2000, 9000, true, 1500);
            assertEquals(StoreStatus.OK, store.put(t2));
            assertEquals(1, store.size());
            assertArrayEquals(new byte[] {1, 2, 3}, store.get(t.key()).value());
            assertEquals(9000, store.get(t.key()).expiresAtMs());
        }
    }

    @Test
    void shouldReturnTooLargeAboveMaxValue() {
        try (TupleStore store = newStore()) {
            final SplittableRandom r = new SplittableRandom(4);
            assertEquals(MAX_VALUE, store.maxValueBytes());
            assertEquals(StoreStatus.OK, store.put(tuple(r, MAX_VALUE, 5000)));
            final Tuple big = tuple(r, MAX_VALUE + 1, 5000);
            assertEquals(StoreStatus.TOO_LARGE, store.put(big));
            assertNull(store.get(big.key()));
            assertEquals(1, store.size());
        }
    }

    @Test
    void shouldReturnFullAtEntryQuotaAndAcceptAfterExpiry() {
        try (TupleStore store = newStore()) {
            final SplittableRandom r = new SplittableRandom(5);
            final List<Tuple> held = new ArrayList<>();
            for (int i = 0; i < MAX_TUPLES; i++) {
                final Tuple t = tuple(r, 10, i < 10 ? 100 : 10_000);
                assertEquals(StoreStatus.OK, store.put(t), "tuple " + i);
                held.add(t);
            }
            final Tuple extra = tuple(r, 10, 10_000);
            assertEquals(StoreStatus.FULL, store.put(extra));
            assertNull(store.get(extra.key()));
            // Replacing a held key is not a new entry.
            assertEquals(StoreStatus.OK, store.put(held.get(20)));
            assertEquals(10, store.expire(100));
            assertEquals(MAX_TUPLES - 10, store.size());
            assertEquals(StoreStatus.OK, store.put(extra));
            assertNull(store.get(held.get(0).key()));
        }
    }

    @Test
    void shouldReturnFullAtByteQuota() {
        try (TupleStore store = newStore()) {
            final SplittableRandom r = new SplittableRandom(6);
            int ok = 0;
            StoreStatus last = StoreStatus.OK;
            for (int i = 0; i < MAX_TUPLES && last == StoreStatus.OK; i++) {
                last = store.put(tuple(r, MAX_VALUE, 10_000));
                if (last == StoreStatus.OK) {
                    ok++;
                }
            }
            assertEquals(StoreStatus.FULL, last);
            assertEquals(MAX_BYTES / TupleLayout.recordBytes(MAX_VALUE), ok);
            assertTrue(store.size() < MAX_TUPLES);
        }
    }

    @Test
    void shouldRemoveAndVisitSnapshot() {
        try (TupleStore store = newStore()) {
            final SplittableRandom r = new SplittableRandom(7);
            final Tuple a = tuple(r, 10, 10_000);
            final Tuple b = tuple(r, 20, 10_000);
            store.put(a);
            store.put(b);
            final List<Tuple> seen = new ArrayList<>();
            // Removing while visiting is allowed: forEach visits a snapshot.
            store.forEach(t -> {
                seen.add(t);
                store.remove(t.key());
            });
            assertEquals(2, seen.size());
            assertEquals(0, store.size());
            assertFalse(store.remove(a.key()));
        }
    }
}
