package chisme.node.kademlia;

import chisme.wire.NodeId;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The node's small state files in its data directory, so a restarted node keeps its id and rejoins
 * without a bootstrap address (kademlia.md "Persist good contacts to rejoin after a restart"):
 * {@code node-id} ({@link NodeIdFile}) and {@code contacts} (one {@code <id hex> <ip> <port>} per line).
 * Written to a temporary file and moved into place so a crash never leaves half a file. Bad lines are
 * skipped.
 */
public final class ContactsFile {
    static final String CONTACTS = "contacts";

    private ContactsFile() {
    }

    /**
     * The persisted node id, or a new random one when there is none yet (then persisted). A damaged file
     * is an error ({@link NodeIdFile}); the daemon uses {@link NodeIdFile#load} directly, which also
     * refuses a missing file in a used directory.
     */
    public static NodeId loadOrCreateId(final Path dir, final java.util.random.RandomGenerator random) throws IOException {
        return NodeIdFile.load(dir, false, false, random);
    }

    /** Lines kept at most: the table's contacts first, then earlier lines. */
    static final int MAX_LINES = 512;

    /**
     * Saves {@code contacts} merged with the lines already saved: the table's contacts first, then the earlier
     * lines of other ids, up to {@link #MAX_LINES}. The file never shrinks because a join failed (issue 11: a
     * node restarted while its neighbours were down erased its 19 saved contacts): what answered before stays
     * until something better answers.
     */
    public static void save(final Path dir, final List<ContactInfo> contacts) throws IOException {
        Files.createDirectories(dir);
        final StringBuilder b = new StringBuilder();
        final java.util.Set<String> ids = new java.util.HashSet<>();
        for (final ContactInfo c : contacts) {
            if (ids.size() >= MAX_LINES || !ids.add(c.id().toHex())) {
                continue;
            }
            b.append(c.id().toHex()).append(' ').append(c.address().getAddress().getHostAddress()).append(' ').append(c.address().getPort()).append('\n');
        }
        final Path f = dir.resolve(CONTACTS);
        if (Files.exists(f)) {
            for (final String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                final String[] p = line.trim().split(" ");
                if (ids.size() >= MAX_LINES) {
                    break;
                }
                if (p.length == 3 && NodeId.isHex(p[0]) && ids.add(NodeId.fromHex(p[0]).toHex())) {
                    b.append(line.trim()).append('\n');
                }
            }
        }
        writeAtomically(f, b.toString());
    }

    /** Saved contact addresses (empty when there is no file). */
    public static List<InetSocketAddress> load(final Path dir) throws IOException {
        final Path f = dir.resolve(CONTACTS);
        final List<InetSocketAddress> out = new ArrayList<>();
        if (!Files.exists(f)) {
            return out;
        }
        for (final String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
            final String[] p = line.trim().split(" ");
            if (p.length != 3 || !NodeId.isHex(p[0])) {
                continue;
            }
            try {
                final int port = Integer.parseInt(p[2]);
                // Only literal addresses: no name resolution from a file anyone could have edited.
                if (port > 0 && port < 65536 && p[1].matches("[0-9a-fA-F:.]+")) {
                    out.add(new InetSocketAddress(InetAddress.getByName(p[1]), port));
                }
            } catch (final IOException | NumberFormatException e) {
                // skip the bad line
            }
        }
        return out;
    }

    private static void writeAtomically(final Path f, final String content) throws IOException {
        final Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
