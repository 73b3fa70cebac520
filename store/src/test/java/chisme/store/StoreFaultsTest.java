package chisme.store;

import chisme.wire.NodeId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Faults that are not crashes: no disk space, a lost map file, random damage. None may pass silently. */
class StoreFaultsTest {
    @TempDir
    Path dir;

    private StoreConfig config() {
        return ChronicleTupleStoreTest.config(dir);
    }

    @Test
    void shouldRefuseWritesButServeReadsWhenTheReserveIsNotFree() {
        final SplittableRandom r = new SplittableRandom(1);
        final Tuple kept = TupleStoreContract.tuple(r, 500, 10_000);
        try (Stores s = Stores.open(config())) {
            assertEquals(StoreStatus.OK, s.tuples().put(kept));
        }
        // A reserve larger than the whole file system: every write must be refused before touching the map.
        final long huge = Long.MAX_VALUE / 4;
        try (Stores s = Stores.open(config().minFreeDiskBytes(huge))) {
            assertTrue(s.disk().full());
            assertEquals(StoreStatus.DISK_FULL, s.tuples().put(TupleStoreContract.tuple(r, 500, 10_000)));
            assertEquals(StoreStatus.DISK_FULL, s.books().put(BookStoreContract.book("hosts", "h", 1, 10_000, "{}")));
            assertEquals(2, s.disk().refused());
            assertArrayEquals(kept.value(), s.tuples().get(kept.key()).value(), "reads still served");
            assertEquals(1, s.tuples().size());
            assertTrue(s.disk().describe().startsWith("disk full: "), s.disk().describe());
        }
        try (Stores s = Stores.open(config())) {
            assertFalse(s.disk().full());
            assertEquals(StoreStatus.OK, s.tuples().put(TupleStoreContract.tuple(r, 500, 10_000)), "writes accepted again");
        }
    }

    @Test
    void shouldRefuseToCreateAStoreWithoutTheReserve() {
        final StoreException e = assertThrows(StoreException.class, () -> Stores.open(config().minFreeDiskBytes(Long.MAX_VALUE / 4)));
        assertTrue(e.getMessage().contains("not enough free disk to create the store"), e.getMessage());
        assertFalse(Files.exists(dir.resolve(Stores.TUPLES_FILE)));
    }

    @Test
    void shouldMeasureTheFileSystemRarelyOnTheHotPath() {
        final long[] now = {0};
        final DiskSpace d = new DiskSpace(dir, 1 << 20, () -> now[0]);
        final long before = d.measurements();
        for (int i = 0; i < 1000; i++) {
            now[0] += 1_000; // 1 us per write: 1 ms in all
            assertTrue(d.allowWrite(100));
        }
        assertTrue(d.measurements() - before <= 1, "measured " + (d.measurements() - before) + " times");
        now[0] += DiskSpace.RECHECK_NS;
        d.allowWrite(100);
        assertEquals(before + 1, d.measurements(), "re-measured after a second");
    }

    @Test
    void shouldRefuseAMissingMapFileUnlessReset() throws Exception {
        final SplittableRandom r = new SplittableRandom(2);
        try (Stores s = Stores.open(config())) {
            s.tuples().put(TupleStoreContract.tuple(r, 100, 10_000));
        }
        for (final String name : new String[] {Stores.TUPLES_FILE, Stores.BOOKS_FILE}) {
            final Path moved = dir.resolve(name + ".away");
            Files.move(dir.resolve(name), moved);
            final StoreException e = assertThrows(StoreException.class, () -> Stores.open(config()));
            assertEquals(dir.resolve(name), e.file());
            assertTrue(e.getMessage().contains("--reset-store"), e.getMessage());
            Files.move(moved, dir.resolve(name));
        }
        Files.delete(dir.resolve(Stores.TUPLES_FILE));
        try (Stores s = Stores.open(config().resetStore(true))) {
            assertEquals(0, s.tuples().size());
        }
    }

    @Test
    void shouldAccountForEveryRecordLostToRandomBitFlips() throws Exception {
        final SplittableRandom r = new SplittableRandom(20);
        final List<NodeId> keys = new ArrayList<>();
        final StoreConfig config = config().maxTuples(1000).maxTupleBytes(8L << 20).maxValueBytes(8192);
        try (Stores s = Stores.open(config)) {
            for (int i = 0; i < 300; i++) {
                final byte[] v = new byte[4096];
                r.nextBytes(v);
                final NodeId key = NodeId.sha1(v);
                assertEquals(StoreStatus.OK, s.tuples().put(new Tuple(key, v, key, 1, Long.MAX_VALUE, true, 1)));
                keys.add(key);
            }
        }
        // 20 single-bit flips at random bytes of the written part of the file (the pages that hold data).
        final Path file = dir.resolve(Stores.TUPLES_FILE);
        final byte[] bytes = Files.readAllBytes(file);
        final List<Integer> written = new ArrayList<>();
        for (int page = 1; page * 4096 < bytes.length; page++) {
            final int from = page * 4096;
            final int to = Math.min(bytes.length, from + 4096);
            if (!Arrays.equals(bytes, from, to, new byte[to - from], 0, to - from)) {
                written.add(page);
            }
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            for (int i = 0; i < 20; i++) {
                final long at = written.get(r.nextInt(written.size())) * 4096L + r.nextInt(4096);
                final ByteBuffer b = ByteBuffer.allocate(1);
                ch.read(b, at);
                b.put(0, (byte) (b.get(0) ^ (1 << r.nextInt(8))));
                ch.write(b.rewind(), at);
            }
        }
        try (Stores s = Stores.open(config)) {
            int intact = 0;
            for (final NodeId k : keys) {
                final Tuple t = s.tuples().get(k);
                if (t != null && NodeId.sha1(t.value()).equals(k)) {
                    intact++;
                }
            }
            final long accounted = s.tuples().droppedOnOpen() + s.tuples().unreachableOnOpen();
            System.out.println("bit flips: " + intact + " of 300 intact, dropped " + s.tuples().droppedOnOpen()
                + ", unreachable " + s.tuples().unreachableOnOpen() + ", damage report " + s.damage());
            assertTrue(intact < 300, "the flips hit no record: the test proves nothing");
            assertTrue(300 - intact <= accounted, (300 - intact) + " lost but only " + accounted + " reported");
            assertFalse(s.damage().isEmpty());
            assertNotNull(s.damage().get(0));
        } catch (final StoreException e) {
            // Refusing the file with a one-line error naming it is the other honest outcome.
            assertEquals(file, e.file(), e.getMessage());
        }
    }
}
