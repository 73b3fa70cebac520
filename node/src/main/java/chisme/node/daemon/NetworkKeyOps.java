package chisme.node.daemon;

import chisme.node.admin.AdminError;
import chisme.node.admin.AdminException;
import chisme.node.admin.AdminRequest;
import chisme.node.admin.Json;
import chisme.node.security.Keyring;
import chisme.node.security.NetworkKey;
import chisme.node.security.NetworkKeyFile;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Admin operations on the network keyring (issue 12: {@code chisme keys list|install|use|remove}, no
 * restart): each change goes to the live keyring (the node thread reads it per datagram) and to
 * {@code DATA/network.keys} (0600). Key bytes never appear in replies: {@code list} shows ids only.
 */
final class NetworkKeyOps {
    private final Keyring keyring;
    private final Path dataDir;

    NetworkKeyOps(final Keyring keyring, final Path dataDir) {
        this.keyring = keyring;
        this.dataDir = dataDir;
    }

    /** One line for the start-up log and {@code status}: open, or which key seals. */
    static String describe(final Keyring keyring) {
        if (keyring == null || keyring.open()) {
            return "network key: none, the node runs OPEN (anyone in range can read and inject datagrams; "
                + "chisme keys install, docs/security.md)";
        }
        return "network key: " + keyring.snapshot().primary().idHex() + " seals, " + keyring.keys().size()
            + " installed (AES-256-GCM)";
    }

    String handle(final AdminRequest r) throws AdminException {
        if (keyring == null) {
            throw new AdminException(AdminError.UNAVAILABLE, "this node was started without a keyring");
        }
        synchronized (keyring) {
            try {
                switch (r.op()) {
                    case "keys.list" -> {
                        return list();
                    }
                    case "keys.install" -> keyring.install(NetworkKey.parse(r.string("key")));
                    case "keys.use" -> keyring.use(id(r));
                    case "keys.remove" -> keyring.remove(id(r));
                    default -> throw new AdminException(AdminError.UNKNOWN_OP, "unknown operation '" + r.op() + "'");
                }
            } catch (final IllegalArgumentException e) {
                throw new AdminException(AdminError.INVALID_ARGUMENT, r.op() + ": " + e.getMessage());
            }
            try {
                NetworkKeyFile.save(dataDir, keyring);
            } catch (final IOException e) {
                throw new AdminException(AdminError.FAILED, r.op() + " applied to the running node but not saved to "
                    + dataDir.resolve(NetworkKeyFile.NAME) + ": " + e.getMessage());
            }
            return list();
        }
    }

    static void writeStatus(final JsonGenerator g, final Keyring keyring) throws IOException {
        final boolean open = keyring == null || keyring.open();
        g.writeStringField("networkKey", open ? "open" : keyring.snapshot().primary().idHex());
        g.writeNumberField("networkKeys", keyring == null ? 0 : keyring.keys().size());
    }

    private String list() throws AdminException {
        final Keyring.Snapshot s = keyring.snapshot();
        return Json.write(g -> {
            g.writeStartObject();
            g.writeBooleanField("open", s.open());
            g.writeArrayFieldStart("keys");
            for (final NetworkKey k : keyring.keys()) {
                g.writeStartObject();
                g.writeStringField("id", k.idHex());
                g.writeBooleanField("use", k.id() == s.primaryId());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private static int id(final AdminRequest r) throws AdminException {
        final String text = r.string("id");
        try {
            final int id = Integer.parseInt(text, 16);
            if (id < 0 || id > 255 || text.length() > 2) {
                throw new NumberFormatException();
            }
            return id;
        } catch (final NumberFormatException e) {
            throw new AdminException(AdminError.INVALID_ARGUMENT, "a key id is two hex digits as 'keys list' shows, got '" + text + "'");
        }
    }
}
