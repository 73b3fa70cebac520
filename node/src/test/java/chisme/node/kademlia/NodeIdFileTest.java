package chisme.node.kademlia;

import chisme.wire.NodeId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An identity is never replaced behind the operator's back. */
class NodeIdFileTest {
    @TempDir
    Path dir;
    private final SplittableRandom random = new SplittableRandom(3);

    @Test
    void shouldCreateOnAFreshDirectoryAndKeepIt() throws IOException {
        final NodeId id = NodeIdFile.load(dir, false, false, random);
        assertEquals(id, NodeIdFile.load(dir, true, false, random));
        assertEquals(id.toHex() + "\n", Files.readString(dir.resolve(NodeIdFile.NAME)));
    }

    @Test
    void shouldRefuseADamagedFile() throws IOException {
        final NodeId id = NodeIdFile.load(dir, false, false, random);
        for (final String damaged : new String[] {"", "garbage\n", id.toHex().substring(1) + "\n", id.toHex() + "00\n"}) {
            Files.writeString(dir.resolve(NodeIdFile.NAME), damaged);
            final IOException e = assertThrows(IOException.class, () -> NodeIdFile.load(dir, true, false, random), damaged);
            assertTrue(e.getMessage().contains("node-id: damaged (" + damaged.length() + " bytes") && e.getMessage().contains("--new-identity"),
                e.getMessage());
            assertEquals(damaged, Files.readString(dir.resolve(NodeIdFile.NAME)), "left untouched");
        }
    }

    @Test
    void shouldRefuseAMissingFileInAUsedDirectoryAndMakeANewOneWhenAsked() throws IOException {
        final NodeId old = NodeIdFile.load(dir, false, false, random);
        Files.move(dir.resolve(NodeIdFile.NAME), dir.resolve("elsewhere"));
        final IOException e = assertThrows(IOException.class, () -> NodeIdFile.load(dir, true, false, random));
        assertTrue(e.getMessage().contains("missing in a data directory used before"), e.getMessage());
        Files.move(dir.resolve("elsewhere"), dir.resolve(NodeIdFile.NAME));
        final NodeId fresh = NodeIdFile.load(dir, true, true, random);
        assertNotEquals(old, fresh);
        assertEquals(old.toHex(), Files.readString(dir.resolve(NodeIdFile.NAME + ".old")).strip(), "old identity kept");
    }
}
