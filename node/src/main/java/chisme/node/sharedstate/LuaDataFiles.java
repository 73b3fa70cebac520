package chisme.node.sharedstate;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Keeps the Lua shared-state's data files ({@code DIR/TYPE.json}, the Lua library's {@code DATA_DIR},
 * {@code /var/shared-state/data/}) equal to the shelves, in its storage format
 * {@code {key: {bleachTTL, author, data}}}. LibreMesh code that reads through the Lua library instead of the
 * {@code shared-state} command sees chisme's state: the rpcd object {@code shared-state getFromSharedState}
 * and {@code network-nodes.lua} ({@code SharedState.new(TYPE):get()} opens and reads that file).
 * Written to a temporary file and renamed, so a reader (the library flocks the file it opened) sees the old
 * or the new content, never half. What the library writes to these files is not read back.
 */
final class LuaDataFiles {
    private final Path dir;

    LuaDataFiles(final Path dir) {
        this.dir = dir;
    }

    /** Replaces {@code DIR/shelf.json} with {@code luaJson}. */
    void write(final String shelf, final byte[] luaJson) throws IOException {
        Files.createDirectories(dir);
        final Path target = dir.resolve(ShelfNames.require(shelf) + ".json");
        final Path tmp = dir.resolve("." + shelf + ".json.chisme-tmp");
        Files.write(tmp, luaJson);
        try {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (final AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
