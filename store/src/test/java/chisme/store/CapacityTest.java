package chisme.store;

import chisme.wire.NodeId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The quotas must trip before Chronicle's fixed capacity does (Chronicle throws IllegalStateException
 * past it). Fills real maps with small, largest and mixed values, with churn, and checks that every
 * refusal is FULL from the quota and that Chronicle never refused an insert.
 */
class CapacityTest {
    @TempDir
    Path dir;

    private static final int MAX_TUPLES = 2000;
    private static final long MAX_BYTES = 4L * 1024 * 1024;

    private StoreConfig config(final String name) {
        return new StoreConfig().dataDir(dir.resolve(name)).maxTuples(MAX_TUPLES).maxTupleBytes(MAX_BYTES)
            .maxValueBytes(65536).averageValueBytes(200).maxBooks(1000).maxBookBytes(2L * 1024 * 1024)
            .maxBookDataBytes(65536).averageBookDataBytes(200);
    }

    private static int fill(final ChronicleTupleStore store, final SplittableRandom r, final int minBytes,
                            final int maxBytes, final long expiresAtMs, final List<Tuple> held) {
        int ok = 0;
        for (int i = 0; i < 100_000; i++) {
            final int size = minBytes == maxBytes ? minBytes : minBytes + r.nextInt(maxBytes - minBytes + 1);
            final Tuple t = TupleStoreContract.tuple(r, size, expiresAtMs);
            final StoreStatus s = store.put(t);
            if (s == StoreStatus.FULL) {
                return ok;
            }
            assertEquals(StoreStatus.OK, s);
            held.add(t);
            ok++;
        }
        throw new AssertionError("never became FULL");
    }

    @Test
    void shouldStopAtEntryQuotaWithSmallValues() {
        try (Stores s = Stores.open(config("small"))) {
            final List<Tuple> held = new ArrayList<>();
            assertEquals(MAX_TUPLES, fill(s.tuples(), new SplittableRandom(1), 1, 300, 100, held));
            assertEquals(0, s.tuples().chronicleRejected());
            assertEquals(MAX_TUPLES, s.tuples().size());
        }
    }

    @Test
    void shouldStopAtByteQuotaWithLargestValuesAndStayReadable() {
        try (Stores s = Stores.open(config("large"))) {
            final List<Tuple> held = new ArrayList<>();
            final int n = fill(s.tuples(), new SplittableRandom(2), 65536, 65536, 100, held);
            assertEquals(MAX_BYTES / TupleLayout.recordBytes(65536), n);
            assertEquals(0, s.tuples().chronicleRejected());
            for (final Tuple t : held) {
                assertArrayEquals(t.value(), s.tuples().get(t.key()).value());
            }
        }
    }

    @Test
    void shouldStopAtQuotaUnderChurnOfMixedSizes() {
        try (Stores s = Stores.open(config("mixed"))) {
            final ChronicleTupleStore store = s.tuples();
            final SplittableRandom r = new SplittableRandom(3);
            for (int round = 0; round < 6; round++) {
                final List<Tuple> held = new ArrayList<>();
                // Mostly small values with some up to 64 KiB: fragmentation inside segment tiers.
                final int n = round % 2 == 0
                    ? fill(store, r, 1, 65536, round + 1, held)
                    : fill(store, r, 1, 2000, round + 1, held);
                assertTrue(n > 0);
                assertEquals(0, store.chronicleRejected(), "round " + round);
                assertTrue(store.size() <= MAX_TUPLES && store.bytes() <= MAX_BYTES);
                // Expire a random half of what this round wrote plus everything older: frees space.
                for (final Tuple t : held) {
                    if (r.nextBoolean()) {
                        store.remove(t.key());
                    }
                }
                store.expire(round + 1);
                assertEquals(0, store.size());
                assertEquals(0, store.bytes());
            }
        }
    }

    @Test
    void shouldStopBooksAtQuotaWithLargeData() {
        try (Stores s = Stores.open(config("books"))) {
            final ChronicleBookStore books = s.books();
            int ok = 0;
            for (int i = 0; i < 10_000; i++) {
                final StoreStatus st = books.put(new Book("big", "k" + i, new NodeId(1, 2, 3), "host", 1, 100, false,
                    new byte[i % 3 == 0 ? 65536 : 3000]));
                if (st == StoreStatus.FULL) {
                    break;
                }
                assertEquals(StoreStatus.OK, st);
                ok++;
            }
            assertTrue(ok > 10);
            assertEquals(0, books.chronicleRejected());
            for (int i = 0; i < 5000; i++) {
                final StoreStatus st = books.put(BookStoreContract.book("small", "k" + i, 1, 100, "{}"));
                assertTrue(st == StoreStatus.OK || st == StoreStatus.FULL);
            }
            assertEquals(0, books.chronicleRejected());
            assertEquals(ok, books.count("big"));
        }
    }
}
