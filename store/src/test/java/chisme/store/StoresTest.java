package chisme.store;

import chisme.wire.NodeId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StoresTest {
    @TempDir
    Path dir;

    private StoreConfig config() {
        return ChronicleTupleStoreTest.config(dir);
    }

    @Test
    void shouldKeepTuplesBooksAndShelfCountsAcrossReopen() {
        final SplittableRandom r = new SplittableRandom(11);
        final List<Tuple> tuples = new ArrayList<>();
        final Set<String> held;
        try (Stores s = Stores.open(config())) {
            assertFalse(s.recovered());
            for (int i = 0; i < 20; i++) {
                final Tuple t = TupleStoreContract.tuple(r, 1 + r.nextInt(3000), 10_000);
                assertEquals(StoreStatus.OK, s.tuples().put(t));
                tuples.add(t);
            }
            for (int i = 0; i < 10; i++) {
                assertEquals(StoreStatus.OK, s.books().put(BookStoreContract.book("hosts", "10.0.0." + i, i, 5000, "{\"i\":" + i + "}")));
            }
            held = BookStoreContract.held(s.books(), "hosts");
            assertTrue(Files.notExists(dir.resolve(Stores.CLEAN_SHUTDOWN_FILE)), "marker removed while open");
        }
        assertTrue(Files.exists(dir.resolve(Stores.CLEAN_SHUTDOWN_FILE)), "marker written on close");
        try (Stores s = Stores.open(config())) {
            assertFalse(s.recovered());
            assertEquals(20, s.tuples().size());
            for (final Tuple t : tuples) {
                final Tuple got = s.tuples().get(t.key());
                assertNotNull(got);
                assertArrayEquals(t.value(), got.value());
                assertEquals(t.publisher(), got.publisher());
                assertEquals(t.original(), got.original());
            }
            assertEquals(tuples.stream().mapToLong(t -> TupleLayout.recordBytes(t.value().length)).sum(), s.tuples().bytes());
            assertEquals(held, BookStoreContract.held(s.books(), "hosts"), "shelf counts rebuilt by the open pass");
            assertEquals(10, s.books().count("hosts"));
            assertEquals("{\"i\":3}", new String(s.books().get("hosts", "10.0.0.3").data(), StandardCharsets.UTF_8));
            assertEquals(0, s.tuples().corruptDropped());
        }
    }

    @Test
    void shouldRecoverWhenCleanShutdownMarkerIsMissing() throws Exception {
        final SplittableRandom r = new SplittableRandom(12);
        final Tuple t = TupleStoreContract.tuple(r, 100, 10_000);
        try (Stores s = Stores.open(config())) {
            s.tuples().put(t);
        }
        Files.delete(dir.resolve(Stores.CLEAN_SHUTDOWN_FILE));
        try (Stores s = Stores.open(config())) {
            assertTrue(s.recovered());
            assertArrayEquals(t.value(), s.tuples().get(t.key()).value());
        }
    }

    @Test
    void shouldRefuseSecondOpenOfSameDirectory() {
        try (Stores s = Stores.open(config())) {
            final StoreException e = assertThrows(StoreException.class, () -> Stores.open(config()));
            assertEquals(dir.resolve(Stores.LOCK_FILE), e.file());
            assertNotNull(s.tuples());
        }
    }

    @Test
    void shouldRejectIncompatibleFormatVersionNamingTheFile() throws Exception {
        try (Stores s = Stores.open(config())) {
            s.tuples().put(TupleStoreContract.tuple(new SplittableRandom(13), 10, 10_000));
        }
        final Path meta = dir.resolve(Stores.META_FILE);
        Files.writeString(meta, Files.readString(meta).replace("version=1", "version=99"));
        final byte[] before = Files.readAllBytes(dir.resolve(Stores.TUPLES_FILE));
        final StoreException e = assertThrows(StoreException.class, () -> Stores.open(config()));
        assertEquals(meta, e.file());
        assertTrue(e.getMessage().startsWith(meta.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("version 99"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertArrayEquals(before, Files.readAllBytes(dir.resolve(Stores.TUPLES_FILE)), "never wiped");
    }

    @Test
    void shouldRejectMapFileWithoutMetadata() throws Exception {
        Files.createDirectories(dir);
        Files.write(dir.resolve(Stores.BOOKS_FILE), new byte[] {1, 2, 3});
        final StoreException e = assertThrows(StoreException.class, () -> Stores.open(config()));
        assertEquals(dir.resolve(Stores.BOOKS_FILE), e.file());
    }

    @Test
    void shouldRejectCorruptMapFileNamingItAndNotWipeIt() throws Exception {
        try (Stores s = Stores.open(config())) {
            s.tuples().put(TupleStoreContract.tuple(new SplittableRandom(14), 10, 10_000));
        }
        final Path file = dir.resolve(Stores.TUPLES_FILE);
        final byte[] bytes = Files.readAllBytes(file);
        final byte[] garbage = bytes.clone();
        new SplittableRandom(15).nextBytes(garbage);
        System.arraycopy(garbage, 0, bytes, 0, Math.min(4096, bytes.length));
        Files.write(file, bytes);
        final long start = System.nanoTime();
        final StoreException e = assertThrows(StoreException.class, () -> Stores.open(config()));
        assertTrue(System.nanoTime() - start < 30_000_000_000L, "fails fast");
        assertEquals(file, e.file());
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertArrayEquals(bytes, Files.readAllBytes(file), "never wiped");
        // The lock was released: the directory can be opened again once repaired.
        assertThrows(StoreException.class, () -> Stores.open(config()));
    }

    @Test
    void shouldRejectTruncatedMapFile() throws Exception {
        try (Stores s = Stores.open(config())) {
            s.tuples().put(TupleStoreContract.tuple(new SplittableRandom(17), 10, 10_000));
        }
        final Path file = dir.resolve(Stores.TUPLES_FILE);
        Files.write(file, Arrays.copyOf(Files.readAllBytes(file), 100));
        final StoreException e = assertThrows(StoreException.class, () -> Stores.open(config()));
        assertEquals(file, e.file());
        assertEquals(100, Files.size(file), "never wiped");
    }

    @Test
    void shouldRefuseForeignMapInsteadOfDroppingEveryRecord() throws Exception {
        try (Stores s = Stores.open(config())) {
            for (int i = 0; i < 30; i++) {
                s.books().put(BookStoreContract.book("hosts", "h" + i, 1, 10_000, "{}"));
            }
        }
        // A books map where the tuples map should be: Chronicle opens it, every record is wrong for tuples.
        Files.copy(dir.resolve(Stores.BOOKS_FILE), dir.resolve(Stores.TUPLES_FILE), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        final StoreException e = assertThrows(StoreException.class, () -> Stores.open(config()));
        assertEquals(dir.resolve(Stores.TUPLES_FILE), e.file());
        assertTrue(e.getMessage().contains("30 of 30 records"), e.getMessage());
        // Nothing was dropped: a second attempt finds the same 30 records.
        final StoreException again = assertThrows(StoreException.class, () -> Stores.open(config()));
        assertTrue(again.getMessage().contains("30 of 30 records"), again.getMessage());
    }

    @Test
    void shouldDropRecordWhoseChecksumFails() throws Exception {
        final byte[] marker = new byte[64];
        Arrays.fill(marker, (byte) 0x5A);
        final NodeId bad = new NodeId(7, 7, 7);
        final NodeId good = new NodeId(8, 8, 8);
        try (Stores s = Stores.open(config())) {
            s.tuples().put(new Tuple(bad, marker, good, 1, 10_000, false, 1));
            s.tuples().put(new Tuple(good, new byte[] {1, 2, 3}, good, 1, 10_000, false, 1));
        }
        final Path file = dir.resolve(Stores.TUPLES_FILE);
        final byte[] bytes = Files.readAllBytes(file);
        int at = -1;
        for (int i = 0; i + marker.length <= bytes.length && at < 0; i++) {
            if (Arrays.equals(bytes, i, i + marker.length, marker, 0, marker.length)) {
                at = i;
            }
        }
        assertTrue(at > 0, "value found in file");
        bytes[at + 10] ^= 1;
        Files.write(file, bytes);
        try (Stores s = Stores.open(config())) {
            assertEquals(1, s.tuples().corruptDropped());
            assertNull(s.tuples().get(bad));
            assertNotNull(s.tuples().get(good));
            assertEquals(1, s.tuples().size());
        }
    }

    @Test
    void shouldOpenTemporaryStoresAndDeleteThemOnClose() {
        final Path tmp;
        try (Stores s = Stores.openTemporary(new StoreConfig().maxTuples(100).maxBooks(100))) {
            tmp = s.dataDir();
            assertEquals(StoreStatus.OK, s.tuples().put(TupleStoreContract.tuple(new SplittableRandom(16), 10, 10)));
        }
        assertFalse(Files.exists(tmp));
    }

    @Test
    void shouldRejectInvalidConfigOnce() {
        assertThrows(StoreException.class, () -> new StoreConfig().maxTuples(0).conclude());
        assertThrows(StoreException.class, () -> new StoreConfig().maxTupleBytes(1000).conclude());
        assertThrows(StoreException.class, () -> new StoreConfig().averageValueBytes(70_000).conclude());
        assertEquals(Path.of(System.getProperty("user.home"), ".chisme", "data"), new StoreConfig().conclude().dataDir());
    }
}
