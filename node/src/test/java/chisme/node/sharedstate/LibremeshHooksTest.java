package chisme.node.sharedstate;

import chisme.store.Book;
import chisme.wire.NodeId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A LibreMesh node's two hook trees at once (Lua format and data format), a shelf's own hook format,
 * hooks run once at start for every shelf that has hooks, and the reqsync bridge's Lua merge rule.
 */
class LibremeshHooksTest {
    private static SharedStateConfig config() {
        return new SharedStateConfig().callTimeoutMs(200).expiryCheckMs(50).startHooksDelayMs(60_000);
    }

    private static void script(final Path dir, final String name, final String body) throws IOException {
        Files.createDirectories(dir);
        final Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
    }

    private static String stdinOf(final List<ProgramRun> runs, final String hookName) {
        return runs.stream().filter(r -> r.executable().getFileName().toString().equals(hookName))
            .map(r -> new String(r.stdin(), StandardCharsets.UTF_8)).reduce((a, b) -> b).orElse(null);
    }

    @Test
    void shouldFeedEachHookDirectoryItsOwnFormat(@TempDir final Path dir) throws IOException {
        script(dir.resolve("lua").resolve("s"), "lua-hook", "cat > /dev/null");
        script(dir.resolve("async").resolve("s"), "async-hook", "cat > /dev/null");
        script(dir.resolve("lua").resolve("bat"), "lua-bat", "cat > /dev/null");
        final List<ProgramRun> runs = new CopyOnWriteArrayList<>();
        final SharedStateConfig c = config().hookDir(new HookDir(dir.resolve("lua"), HookFormat.LIBREMESH))
            .hookDir(new HookDir(dir.resolve("async"), HookFormat.DATA)).shelfHookFormat("bat", HookFormat.DATA);
        try (TestNode node = new TestNode("n1", 41).start(c, null, System::currentTimeMillis, s -> s.hookListener(runs::add))) {
            node.ss.insert("s", "{\"k\": 1}");
            node.ss.insert("bat", "{\"m\": \"x\"}");
            Await.until("three hooks ran", 5_000, () -> runs.size() >= 3);
            assertEquals("{\"k\":{\"bleachTTL\":30,\"author\":\"n1\",\"data\":1}}", stdinOf(runs, "lua-hook"));
            assertEquals("{\"k\":1}", stdinOf(runs, "async-hook"));
            assertEquals("{\"m\":\"x\"}", stdinOf(runs, "lua-bat"), "the shelf's own format beats its directory's");
        }
    }

    @Test
    void shouldRunEveryShelfsHooksOnceAtStart(@TempDir final Path dir) throws IOException {
        script(dir.resolve("hooks").resolve("kept"), "h", "cat > /dev/null");
        script(dir.resolve("hooks").resolve("empty"), "h", "cat > /dev/null");
        script(dir.resolve("hooks").resolve("not-a-shelf!"), "h", "cat > /dev/null");
        final List<ProgramRun> runs = new CopyOnWriteArrayList<>();
        final SharedStateConfig c = config().hooksDir(dir.resolve("hooks")).startHooksDelayMs(300);
        try (TestNode node = new TestNode("n2", 42).start(c, null, System::currentTimeMillis, s -> s.hookListener(runs::add))) {
            Await.until("start hooks ran", 5_000, () -> runs.size() >= 2);
            assertEquals(List.of("empty", "kept"), runs.stream().map(ProgramRun::shelf).sorted().toList());
            assertEquals("{}", new String(runs.get(0).stdin(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void shouldKeepTheLuaLibrarysDataFilesEqualToTheShelves(@TempDir final Path dir) throws Exception {
        // No hook directories at all: the data files are written anyway (rpcd and network-nodes.lua read them).
        final Path data = dir.resolve("var/shared-state/data");
        final SharedStateConfig c = config().luaDataDir(data).startHooksDelayMs(300).shelf("configured", ShelfConfig.DEFAULT);
        try (TestNode node = new TestNode("n4", 44).start(c, null, System::currentTimeMillis, null)) {
            Await.until("the start writes every shelf's file", 30_000, () -> Files.exists(data.resolve("configured.json")));
            assertEquals("{}", Files.readString(data.resolve("configured.json")));
            node.ss.insert("s", "{\"k\": {\"b\": 1, \"a\": [\"/\"]}}");
            final String first = "{\"k\":{\"bleachTTL\":30,\"author\":\"n4\",\"data\":{\"b\":1,\"a\":[\"/\"]}}}";
            Await.until("s.json written", 30_000, () -> first.equals(read(data.resolve("s.json"))));
            node.ss.insert("s", "{\"k2\": 2}");
            Await.until("s.json rewritten after a change", 30_000, () -> read(data.resolve("s.json")).contains("\"k2\":{"));
            assertEquals(node.ss.dumpLibremesh("s"), read(data.resolve("s.json")), "the Lua format, as shared-state get prints it");
            assertTrue(node.ss.counters().get(SharedStateCounter.LUA_DATA_FILE_WRITES) >= 3);
            try (var left = Files.list(data)) {
                assertEquals(List.of("configured.json", "s.json"), left.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary files left");
            }
        }
    }

    private static String read(final Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (final IOException e) {
            return "";
        }
    }

    @Test
    void shouldBridgeLuaEntriesByTheLuaRule() {
        // writers open (the OpenWrt package's setting): a Lua post, unsigned, may write (docs/libremesh.md).
        final SharedStateConfig open = config().defaultShelf(ShelfConfig.DEFAULT.writers(WritePolicy.OPEN));
        try (TestNode node = new TestNode("bridge", 43).start(open, null, System::currentTimeMillis, null)) {
            node.ss.insert("leases", "{\"10.0.0.1\": {\"mac\": \"aa\"}, \"10.0.0.2\": \"mine\"}");
            final String merged = node.ss.reqsync("leases", "{"
                + "\"10.0.0.9\": {\"bleachTTL\": 10, \"author\": \"lua-node\", \"data\": {\"mac\": \"bb\"}},"
                + "\"10.0.0.1\": {\"bleachTTL\": 31, \"author\": \"lua-node\", \"data\": {\"mac\": \"cc\"}},"
                + "\"10.0.0.2\": {\"bleachTTL\": 29, \"author\": \"lua-node\", \"data\": \"theirs\"},"
                + "\"10.0.0.3\": {\"bleachTTL\": 0, \"author\": \"lua-node\", \"data\": \"dead\"}}");
            assertTrue(merged.contains("\"10.0.0.9\":{\"bleachTTL\":10,\"author\":\"lua-node\",\"data\":{\"mac\":\"bb\"}}"),
                "a new key keeps its remote author and TTL: " + merged);
            assertTrue(merged.contains("\"10.0.0.1\":{\"bleachTTL\":31,\"author\":\"lua-node\",\"data\":{\"mac\":\"cc\"}}"),
                "a Lua-side edit with a fresher TTL is an edit: " + merged);
            assertTrue(merged.contains("\"10.0.0.2\":{\"bleachTTL\":30,\"author\":\"bridge\",\"data\":\"mine\"}"),
                "a staler Lua copy loses (Lua: local wins unless local.bleachTTL < remote.bleachTTL): " + merged);
            assertFalse(merged.contains("10.0.0.3"), "bleachTTL 0 is dropped as Lua drops it: " + merged);
            assertEquals(1, node.ss.counters().get(SharedStateCounter.REQSYNC_DROPPED));
            assertEquals("[]".length(), node.ss.reqsync("other", "[]").length(), "an empty Lua table is an empty map");
        }
    }

    @Test
    void shouldRefuseALuaPostWhereTheShelfTakesSignedBooksOnly() {
        // Default writers with signing on: 'author' for lww shelves, so every peer would drop an unsigned book.
        try (TestNode node = new TestNode("signed", 44).start(config(), null, System::currentTimeMillis, null)) {
            node.ss.insert("leases", "{\"10.0.0.1\": \"mine\"}");
            final String before = node.ss.dumpLibremesh("leases");
            final String merged = node.ss.reqsync("leases", "{"
                + "\"10.0.0.1\": {\"bleachTTL\": 31, \"author\": \"lua-node\", \"data\": \"theirs\"},"
                + "\"10.0.0.2\": {\"bleachTTL\": 10, \"author\": \"signed\", \"data\": \"posing as the node\"},"
                + "\"10.0.0.1x\": {\"bleachTTL\": 0, \"author\": \"lua-node\", \"data\": \"dead\"}}");
            assertEquals(before, merged, "the answer is our shelf, unchanged");
            assertEquals(2, node.ss.counters().get(SharedStateCounter.LUA_REFUSED_UNSIGNED), "an edit and a new key, each counted");
            assertEquals(1, node.ss.counters().get(SharedStateCounter.REQSYNC_DROPPED), "bleachTTL 0 is dropped before any policy");
            assertEquals(0, node.ss.counters().get(SharedStateCounter.REQSYNC_MERGED));
        }
    }

    @Test
    void shouldDecideLikeTheLuaMerge() {
        final long now = 1_000_000;
        final byte[] a = "\"a\"".getBytes(StandardCharsets.UTF_8);
        final Book held = new Book("s", "k", NodeId.sha1(new byte[] {1}), "me", 5, now + 10 * SharedState.BLEACH_PERIOD_MS, false, a);
        assertEquals(LuaBridge.Action.DROP, LuaBridge.decide(new LuaBridge.Entry("k", a, "x", 0), held, now));
        assertEquals(LuaBridge.Action.DROP, LuaBridge.decide(new LuaBridge.Entry("k", a, "x", -3), null, now));
        assertEquals(LuaBridge.Action.EDIT, LuaBridge.decide(new LuaBridge.Entry("k", a, "x", 1), null, now));
        assertEquals(LuaBridge.Action.KEEP, LuaBridge.decide(new LuaBridge.Entry("k", "\"b\"".getBytes(StandardCharsets.UTF_8), "x", 10), held, now),
            "equal bleachTTL: local wins");
        assertEquals(LuaBridge.Action.EDIT, LuaBridge.decide(new LuaBridge.Entry("k", "\"b\"".getBytes(StandardCharsets.UTF_8), "x", 11), held, now));
        assertEquals(LuaBridge.Action.REFRESH, LuaBridge.decide(new LuaBridge.Entry("k", a, "x", 11), held, now));
        assertEquals(LuaBridge.Action.KEEP, LuaBridge.decide(new LuaBridge.Entry("k", a, "x", 9), held, now));
        assertEquals(LuaBridge.Action.REMOVE, LuaBridge.decide(new LuaBridge.Entry("k", null, "x", 12), held, now));
        assertEquals(LuaBridge.Action.DROP, LuaBridge.decide(new LuaBridge.Entry("k", null, "x", 12), null, now));
    }
}
