package chisme.node.sharedstate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Lua library's multiwriter files: what someone else wrote is merged first; a file too big to be one is not read. */
class LuaDataFilesTest {
    @TempDir
    Path dir;

    @Test
    void shouldMergeWhatTheLibraryWroteBeforeWritingOurs() throws IOException {
        final LuaDataFiles files = new LuaDataFiles(dir);
        final Path file = dir.resolve("network_nodes.json");
        Files.writeString(file, "{\"a\":1}");
        final List<String> merged = new ArrayList<>();

        files.mergeThenWrite("network_nodes", t -> merged.add(new String(t, StandardCharsets.UTF_8)),
            () -> "{\"a\":1,\"b\":2}".getBytes(StandardCharsets.UTF_8));

        assertEquals(List.of("{\"a\":1}"), merged);
        assertEquals("{\"a\":1,\"b\":2}", Files.readString(file));
        // Unchanged since our write: nothing to merge the next time.
        files.mergeThenWrite("network_nodes", t -> merged.add("again"), () -> null);
        assertEquals(1, merged.size());
    }

    @Test
    void shouldNotReadAFileOverTheLimitButStillReplaceIt() throws IOException {
        final LuaDataFiles files = new LuaDataFiles(dir);
        final Path file = dir.resolve("network_nodes.json");
        Files.write(file, new byte[LuaDataFiles.MAX_READ_BYTES + 1]);
        final List<byte[]> merged = new ArrayList<>();

        final IOException e = assertThrows(IOException.class, () -> files.mergeThenWrite("network_nodes", merged::add,
            () -> "{}".getBytes(StandardCharsets.UTF_8)));

        assertTrue(e.getMessage().contains("not merged, replaced by this node's state"), e.getMessage());
        assertTrue(merged.isEmpty(), "an oversize file is never read into the heap");
        assertArrayEquals("{}".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(file));
    }
}
