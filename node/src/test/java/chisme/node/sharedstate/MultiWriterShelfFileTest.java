package chisme.node.sharedstate;

import chisme.node.event.EventType;
import chisme.store.BookStore;
import chisme.store.InMemoryBookStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DATA/multiwriter-shelves: a shelf a command made multiwriter keeps its mode across a restart (the store kept),
 * and a bad file or a name that no longer fits is a counted, logged refusal that changes no mode.
 */
class MultiWriterShelfFileTest {
    @TempDir
    Path data;

    private SharedStateConfig config() {
        return new SharedStateConfig().dataDir(data).callTimeoutMs(200).expiryCheckMs(50);
    }

    private static BookStore store() {
        return new InMemoryBookStore(10_000, 64L * 1024 * 1024, 65_536);
    }

    /** Stops a node's shared-state and transport but keeps its store, as a daemon's store on disk outlives it. */
    private static void stopKeepingStore(final TestNode node) {
        node.ss.close();
        node.agent.close();
    }

    private static MergePolicy policy(final TestNode node, final String shelf) {
        node.ss.shelves(); // runs after the start work queued on the node thread
        return node.ss.config().shelf(shelf).policy();
    }

    private static boolean logged(final TestNode node, final String part) {
        return node.eventLog.recent(100).stream().anyMatch(e -> e.type() == EventType.ERROR && e.message().contains(part));
    }

    @Test
    void shouldKeepARuntimeMultiWriterShelfAcrossARestart() throws IOException {
        final BookStore store = store();
        final TestNode first = new TestNode("mw", 61).start(config(), store, System::currentTimeMillis, null);
        first.ss.multiWriter("runtime_mw");
        first.ss.insert("runtime_mw", "{\"k\": 1}");
        assertTrue(Files.readString(data.resolve(MultiWriterShelfFile.NAME)).lines().anyMatch("runtime_mw"::equals));
        stopKeepingStore(first);
        try (TestNode again = new TestNode("mw", 62).start(config(), store, System::currentTimeMillis, null)) {
            assertEquals(MergePolicy.MULTIWRITER, policy(again, "runtime_mw"), "the mode a command gave is kept");
            again.ss.insert("runtime_mw", "{\"k\": 2}");
            assertTrue(again.ss.get("runtime_mw").contains("\"changes\":1"), "the next edit counts on: " + again.ss.get("runtime_mw"));
            assertEquals(0, again.ss.counters().get(SharedStateCounter.SHELF_MODES_REFUSED));
        }
    }

    @Test
    void shouldRefuseABadFileWholeCountItLogItAndSetItAsideOnTheNextWrite() throws IOException {
        Files.writeString(data.resolve(MultiWriterShelfFile.NAME), "good_one\nnot a shelf name!\n");
        try (TestNode node = new TestNode("bad", 63).start(config(), store(), System::currentTimeMillis, null)) {
            assertEquals(MergePolicy.LWW, policy(node, "good_one"), "no mode changes on a refused file's word");
            assertEquals(1, node.ss.counters().get(SharedStateCounter.SHELF_MODES_REFUSED));
            assertTrue(logged(node, "line 2 is not a shelf name"), node.eventLog.recent(10).toString());
            node.ss.multiWriter("later_mw");
            assertEquals("not a shelf name!", Files.readString(data.resolve(MultiWriterShelfFile.NAME + ".refused")).lines().skip(1).findFirst().orElse(""));
            assertTrue(Files.readString(data.resolve(MultiWriterShelfFile.NAME)).lines().anyMatch("later_mw"::equals));
        }
        Files.write(data.resolve(MultiWriterShelfFile.NAME), new byte[MultiWriterShelfFile.MAX_BYTES + 1]);
        try (TestNode node = new TestNode("big", 64).start(config(), store(), System::currentTimeMillis, null)) {
            assertEquals(MergePolicy.LWW, policy(node, "later_mw"));
            assertEquals(1, node.ss.counters().get(SharedStateCounter.SHELF_MODES_REFUSED));
            assertTrue(logged(node, "over " + MultiWriterShelfFile.MAX_BYTES + " bytes"));
        }
        Files.write(data.resolve(MultiWriterShelfFile.NAME), new byte[] {'a', (byte) 0xff, '\n'});
        try (TestNode node = new TestNode("junk", 65).start(config(), store(), System::currentTimeMillis, null)) {
            assertEquals(1, node.ss.counters().get(SharedStateCounter.SHELF_MODES_REFUSED));
            assertTrue(logged(node, "not UTF-8"));
        }
    }

    @Test
    void shouldNotRestoreAShelfThatNowHoldsOrdinaryBooks() throws IOException {
        final BookStore store = store();
        final TestNode first = new TestNode("lww", 66).start(config(), store, System::currentTimeMillis, null);
        first.ss.insert("was_lww", "{\"k\": \"plain\"}");
        stopKeepingStore(first);
        Files.writeString(data.resolve(MultiWriterShelfFile.NAME), "was_lww\n");
        try (TestNode node = new TestNode("lww", 67).start(config(), store, System::currentTimeMillis, null)) {
            assertEquals(MergePolicy.LWW, policy(node, "was_lww"));
            assertEquals(1, node.ss.counters().get(SharedStateCounter.SHELF_MODES_REFUSED));
            assertTrue(logged(node, "holds books under merge policy lww"));
            assertEquals("{\"k\":\"plain\"}", node.ss.get("was_lww"));
        }
    }

    @Test
    void shouldWriteAShelfAgainAfterAFailedWriteRatherThanCallItListed() throws IOException {
        // The data dir is a file: the write fails, and the shelf must not count as listed for the retry.
        final Path notADir = data.resolve("plain-file");
        Files.writeString(notADir, "x");
        final MultiWriterShelfFile broken = new MultiWriterShelfFile(notADir);
        assertThrows(IOException.class, () -> broken.add("net_nodes"));
        assertThrows(IOException.class, () -> broken.add("net_nodes"));

        final MultiWriterShelfFile file = new MultiWriterShelfFile(data);
        assertTrue(file.add("net_nodes"));
        assertEquals(List.of("net_nodes"), new MultiWriterShelfFile(data).read());
    }

    @Test
    void shouldListAtMostAsManyShelvesAsADigestCarries() throws IOException {
        final MultiWriterShelfFile file = new MultiWriterShelfFile(data);
        for (int i = 0; i < MultiWriterShelfFile.MAX_SHELVES; i++) {
            assertTrue(file.add("type_" + i));
        }
        final SharedStateException e = assertThrows(SharedStateException.class, () -> file.add("one_more"));
        assertTrue(e.getMessage().contains("lists " + MultiWriterShelfFile.MAX_SHELVES + " shelves already"), e.getMessage());
        assertTrue(Files.size(data.resolve(MultiWriterShelfFile.NAME)) < MultiWriterShelfFile.MAX_BYTES);
        assertEquals(MultiWriterShelfFile.MAX_SHELVES, new MultiWriterShelfFile(data).read().size());
    }
}
