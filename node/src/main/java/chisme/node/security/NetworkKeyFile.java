package chisme.node.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;

/**
 * The keyring on disk: {@code DATA/network.keys}, mode 0600, one key per line as base64, the line of the
 * key that seals prefixed with {@code use }:
 * <pre>
 *   # chisme network keys (docs/security.md)
 *   use 3q2+7w...=
 *   key AAECAw...=
 * </pre>
 * {@code chisme keys generate} prints a {@code use} line, so a file made with it before the first start
 * keeps the node from ever running open. Written whole to a temporary file and moved into place.
 */
public final class NetworkKeyFile {
    public static final String NAME = "network.keys";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private NetworkKeyFile() {
    }

    /** Loads {@code dir/network.keys} into a new keyring (empty when the file does not exist). */
    public static Keyring load(final Path dir) throws IOException {
        final Keyring ring = new Keyring();
        final Path file = dir.resolve(NAME);
        if (!Files.exists(file)) {
            return ring;
        }
        requireOwnerOnly(file);
        final List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        Integer use = null;
        for (int i = 0; i < lines.size(); i++) {
            final String line = lines.get(i).trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            final String[] parts = line.split("\\s+");
            if (parts.length != 2 || !(parts[0].equals("use") || parts[0].equals("key"))) {
                throw new IOException(file + " line " + (i + 1) + ": expected 'use KEY' or 'key KEY'");
            }
            final NetworkKey k;
            try {
                k = NetworkKey.parse(parts[1]);
                ring.install(k);
            } catch (final IllegalArgumentException e) {
                throw new IOException(file + " line " + (i + 1) + ": " + e.getMessage());
            }
            if (parts[0].equals("use")) {
                if (use != null) {
                    throw new IOException(file + ": more than one 'use' line");
                }
                use = k.id();
            }
        }
        if (use != null) {
            ring.use(use);
        }
        return ring;
    }

    /** Writes the keyring to {@code dir/network.keys} (0600); an empty keyring deletes the file. */
    public static void save(final Path dir, final Keyring ring) throws IOException {
        final Path file = dir.resolve(NAME);
        final Keyring.Snapshot s = ring.snapshot();
        if (s.open()) {
            Files.deleteIfExists(file);
            return;
        }
        final StringBuilder sb = new StringBuilder("# chisme network keys (docs/security.md): 'use' seals, every key opens\n");
        for (final NetworkKey k : ring.keys()) {
            sb.append(k.id() == s.primaryId() ? "use " : "key ").append(k.base64()).append('\n');
        }
        final Path tmp = dir.resolve(NAME + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        Files.writeString(tmp, sb, StandardCharsets.US_ASCII);
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (final AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void requireOwnerOnly(final Path file) throws IOException {
        try {
            final Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
            if (p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ)
                || p.contains(PosixFilePermission.GROUP_WRITE) || p.contains(PosixFilePermission.OTHERS_WRITE)) {
                throw new IOException(file + " is readable or writable by others: chmod 600 it (it holds the network key)");
            }
        } catch (final UnsupportedOperationException e) {
            // not a POSIX file system: nothing to check
        }
    }
}
