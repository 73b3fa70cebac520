package chisme.node.sharedstate;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

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

    /**
     * The largest file {@link #mergeThenWrite} reads: a node's heap is 24-64 MiB (router profile) and a map of
     * a hundred nodes' entries is tens of KiB, so a bigger file is not the library's and must not exhaust the heap.
     */
    static final int MAX_READ_BYTES = 2 << 20;

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
     * For a file the Lua library also writes (multiwriter): under the file's POSIX lock, the one the library
     * takes ({@code nixio} {@code lock("tlock")}, lockf, which is an fcntl lock on Linux as Java's
     * {@link FileChannel#lock()} is), hands what someone else wrote since our last look to {@code merge},
     * then, when {@code content} is not null, writes its bytes in place. In place, not renamed: the library
     * locks the file it opened by path, so a renamed file would escape its lock. Nothing written is lost
     * this way: a library write is merged before ours replaces it.
     */
    synchronized void mergeThenWrite(final String shelf, final Consumer<byte[]> merge, final Supplier<byte[]> content)
        throws IOException {
        Files.createDirectories(dir);
        final Path p = dir.resolve(ShelfNames.require(shelf) + ".json");
        try (FileChannel ch = FileChannel.open(p, READ, WRITE, CREATE); FileLock ignored = ch.lock()) {
            final long size = ch.size();
            final boolean oversize = size > MAX_READ_BYTES;
            if (!Objects.equals(Stamp.of(p), seen.get(shelf)) && size > 0 && !oversize) {
                final ByteBuffer buf = ByteBuffer.allocate((int) size);
                while (buf.hasRemaining() && ch.read(buf, buf.position()) > 0) {
                    // read it all
                }
                merge.accept(java.util.Arrays.copyOf(buf.array(), buf.position()));
            }
            final byte[] out = content == null ? null : content.get();
            if (out != null) {
                ch.truncate(0);
                final ByteBuffer w = ByteBuffer.wrap(out);
                while (w.hasRemaining()) {
                    ch.write(w, w.position());
                }
            }
            seen.put(shelf, Stamp.of(p));
            if (oversize) {
                throw new IOException(p + " is " + size + " bytes, over the " + MAX_READ_BYTES + "-byte limit: not merged"
                    + (out != null ? ", replaced by this node's state" : ""));
            }
        }
    }

    /** True when {@code DIR/shelf.json} exists and someone else wrote it since we last wrote or read it. */
    boolean changed(final String shelf) throws IOException {
        final Path p = dir.resolve(ShelfNames.require(shelf) + ".json");
        return Files.isRegularFile(p) && !Objects.equals(Stamp.of(p), seen.get(shelf));
    }
}
