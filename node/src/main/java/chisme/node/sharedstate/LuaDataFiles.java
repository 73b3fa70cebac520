package chisme.node.sharedstate;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

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
    /** What each file looked like after we last wrote or read it (multiwriter files are read back on change). */
    private final Map<String, Stamp> seen = new ConcurrentHashMap<>();

    /** File identity, size and modification time: a write by anyone else changes at least one. */
    record Stamp(Object fileKey, long size, long modifiedNs) {
        static Stamp of(final Path p) throws IOException {
            final BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            return new Stamp(a.fileKey(), a.size(), a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS));
        }
    }

    LuaDataFiles(final Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    /** Replaces {@code DIR/shelf.json} with {@code luaJson}. */
    synchronized void write(final String shelf, final byte[] luaJson) throws IOException {
        Files.createDirectories(dir);
        final Path target = dir.resolve(ShelfNames.require(shelf) + ".json");
        final Path tmp = dir.resolve("." + shelf + ".json.chisme-tmp");
        Files.write(tmp, luaJson);
        try {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (final AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        seen.put(shelf, Stamp.of(target));
    }

    /**
     * The content of {@code DIR/shelf.json} when someone else wrote it since we last wrote or read it, else
     * null (also when it does not exist).
     */
    synchronized byte[] readIfChanged(final String shelf) throws IOException {
        final Path p = dir.resolve(ShelfNames.require(shelf) + ".json");
        if (!Files.isRegularFile(p)) {
            return null;
        }
        final Stamp now = Stamp.of(p);
        if (Objects.equals(now, seen.get(shelf))) {
            return null;
        }
        final byte[] text = Files.readAllBytes(p);
        seen.put(shelf, now);
        return text;
    }
}
