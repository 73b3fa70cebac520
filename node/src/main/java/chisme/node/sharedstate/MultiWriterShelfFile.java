package chisme.node.sharedstate;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * {@code DATA/multiwriter-shelves}: the shelves a command made multiwriter at run time
 * ({@code shared-state-multiwriter TYPE}, which needs no registration, as in LibreMesh), one name a line, so a
 * restart keeps their mode. LibreMesh keeps such a type's data on flash ({@code /etc/shared-state/persistent-data}),
 * so a user expects the type to stay multiwriter after a reboot; a shelf that fell back to lww would refuse the
 * next {@code shared-state-multiwriter} call (its books are entries) or, worse, take an lww insert over an entry.
 * <p>
 * Read once at start and validated: a file that is too large, not UTF-8 or has a line that is not a shelf
 * name is refused whole (the caller counts and logs it); no shelf changes mode on its word. Written whole to a
 * temporary file and renamed, so a crash leaves the old or the new list. Delete the file (or a line) to let a
 * shelf fall back to its configured mode at the next start. A refused file is set aside as
 * {@code multiwriter-shelves.refused} when the list is next written.
 */
final class MultiWriterShelfFile {
    static final String NAME = "multiwriter-shelves";
    /** Far above any real list (a handful of names of at most 128 bytes): a larger file is not ours. */
    static final int MAX_BYTES = 64 * 1024;
    private static final String HEADER = "# shelves made multiwriter by a command (shared-state-multiwriter); chisme keeps their mode across restarts\n";

    private final Path file;
    private final TreeSet<String> shelves = new TreeSet<>();
    /** The file was refused at start: the next write first sets it aside as {@code NAME.refused}, for the operator. */
    private boolean refusedAtStart;

    /** @param dataDir the node's data directory, or null (nothing is kept: an in-memory node has no restart) */
    MultiWriterShelfFile(final Path dataDir) {
        this.file = dataDir == null ? null : dataDir.resolve(NAME);
    }

    Path path() {
        return file;
    }

    /**
     * The names in the file (none when there is no file or no data dir); remembered, so {@link #add} keeps them.
     *
     * @throws SharedStateException BAD_CONFIG with a one-line reason when the file is refused
     * @throws IOException          when it cannot be read
     */
    synchronized List<String> read() throws IOException {
        if (file == null) {
            return List.of();
        }
        final byte[] bytes;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw refused("over " + MAX_BYTES + " bytes");
            }
            bytes = Files.readAllBytes(file);
        } catch (final NoSuchFileException e) {
            return List.of();
        }
        final String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (final CharacterCodingException e) {
            throw refused("not UTF-8 text");
        }
        final List<String> names = new ArrayList<>();
        int line = 0;
        for (final String raw : text.split("\n", -1)) {
            line++;
            final String s = raw.strip();
            if (s.isEmpty() || s.startsWith("#")) {
                continue;
            }
            if (!ShelfNames.valid(s)) {
                throw refused("line " + line + " is not a shelf name: '" + ShelfNames.abbreviate(s) + "'");
            }
            names.add(s);
        }
        shelves.addAll(names);
        return List.copyOf(names);
    }

    /**
     * At most as many names as one shelf digest can carry ({@link GossipCodec#MAX_DIGEST_SHELVES}): more shelves
     * could not gossip anyway, and a Lua post (the CGI bridge, no credentials) names a new type at will; capped, the
     * list stays far under {@link #MAX_BYTES}, so posts cannot grow it until the whole file is refused at start.
     */
    static final int MAX_SHELVES = GossipCodec.MAX_DIGEST_SHELVES;

    /** Adds {@code shelf} and writes the list; false when it was listed already (nothing written). */
    synchronized boolean add(final String shelf) throws IOException {
        if (file == null || shelves.contains(ShelfNames.require(shelf))) {
            return false;
        }
        if (shelves.size() >= MAX_SHELVES) {
            throw new SharedStateException(SharedStateException.Code.BAD_CONFIG, "shelf " + shelf + " not made multiwriter: "
                + file + " lists " + MAX_SHELVES + " shelves already, as many as one shelf digest carries");
        }
        shelves.add(shelf);
        try {
            write();
        } catch (final IOException | RuntimeException e) {
            // Not on disk, so not listed: a retry must write it again rather than find it "listed already".
            shelves.remove(shelf);
            throw e;
        }
        return true;
    }

    private void write() throws IOException {
        if (refusedAtStart && Files.exists(file)) {
            Files.move(file, file.resolveSibling(NAME + ".refused"), StandardCopyOption.REPLACE_EXISTING);
        }
        refusedAtStart = false;
        final StringBuilder out = new StringBuilder(HEADER);
        shelves.forEach(s -> out.append(s).append('\n'));
        Files.createDirectories(file.getParent());
        final Path tmp = file.resolveSibling("." + NAME + ".chisme-tmp");
        Files.writeString(tmp, out, StandardCharsets.UTF_8);
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (final AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private SharedStateException refused(final String why) {
        refusedAtStart = true;
        return new SharedStateException(SharedStateException.Code.BAD_CONFIG, file + " refused (" + why + "); no shelf restored from it");
    }
}
