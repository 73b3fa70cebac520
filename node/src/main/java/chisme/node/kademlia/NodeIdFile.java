package chisme.node.kademlia;

import chisme.wire.NodeId;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.random.RandomGenerator;

/**
 * The node's identity, {@code node-id} in its data directory: 40 hex digits and a newline, written to a
 * temporary file and moved into place. An id is the node's place in the keyspace and the name peers know
 * it by, so it is never replaced behind the operator's back: a damaged file (empty, garbage, wrong
 * length) or a missing one in a data directory that was used before is an error, and a new identity is
 * made only on a fresh directory or when asked for ({@code --new-identity}; the old file is kept as
 * {@code node-id.old}).
 */
public final class NodeIdFile {
    public static final String NAME = "node-id";
    /** Largest file read: an id is 41 bytes; anything much larger is not an id file. */
    static final int MAX_BYTES = 1024;

    private NodeIdFile() {
    }

    /**
     * The node's id.
     * @param usedBefore true when the directory holds state of an earlier run (stores, contacts): then a
     *        missing file is an error, not a first start
     * @param newIdentity true when the operator asked for a new identity
     * @throws IOException with a one-line reason naming the file
     */
    public static NodeId load(final Path dir, final boolean usedBefore, final boolean newIdentity,
                              final RandomGenerator random) throws IOException {
        Files.createDirectories(dir);
        final Path f = dir.resolve(NAME);
        final boolean exists = Files.exists(f);
        if (newIdentity) {
            if (exists) {
                Files.move(f, f.resolveSibling(NAME + ".old"), StandardCopyOption.REPLACE_EXISTING);
            }
            return create(f, random);
        }
        if (!exists) {
            if (usedBefore) {
                throw new IOException(f + ": missing in a data directory used before: restore it, or start with"
                    + " --new-identity to make a new one");
            }
            return create(f, random);
        }
        final long size = Files.size(f);
        final String hex = size > MAX_BYTES ? "" : Files.readString(f, StandardCharsets.ISO_8859_1).strip();
        if (!NodeId.isHex(hex)) {
            throw new IOException(f + ": damaged (" + size + " bytes, not 40 hex digits): restore it, or start with"
                + " --new-identity to make a new one");
        }
        return NodeId.fromHex(hex);
    }

    private static NodeId create(final Path f, final RandomGenerator random) throws IOException {
        final NodeId id = NodeId.random(random);
        final Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
        Files.writeString(tmp, id.toHex() + "\n", StandardCharsets.US_ASCII);
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return id;
    }
}
