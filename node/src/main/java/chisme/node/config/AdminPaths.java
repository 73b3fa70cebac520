package chisme.node.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Where a node's admin socket lives, shared by the daemon and the CLI (and mirrored by the native
 * client, tools/src/main/c/chisme-client.c). A client with no --admin or --data looks, in order, at
 * $CHISME_ADMIN, $CHISME_DATA, the system config file ({@code admin-socket}, else {@code data}) and
 * the home default, so cron, rpcd, uhttpd and hooks reach the system daemon with no environment.
 */
public final class AdminPaths {
    /** File name of the admin Unix domain socket inside the data directory. */
    public static final String SOCKET_NAME = "admin.sock";
    /** The system config file used when {@code chisme node} gets no --config and clients get no target. */
    public static final Path SYSTEM_CONFIG = Path.of("/etc/chisme/chisme.conf");
    /** Overrides {@link #SYSTEM_CONFIG} (tests, unusual installs): system property, then environment. */
    public static final String CONFIG_PROPERTY = "chisme.config";
    public static final String CONFIG_ENV = "CHISME_CONFIG";
    /** Names the admin socket directly. */
    public static final String ADMIN_ENV = "CHISME_ADMIN";

    private AdminPaths() {
    }

    /** The admin socket of the node whose data directory is {@code dataDir}. */
    public static Path socket(final Path dataDir) {
        return dataDir.toAbsolutePath().normalize().resolve(SOCKET_NAME);
    }

    /** The system config file path ({@link #CONFIG_PROPERTY}, {@link #CONFIG_ENV}, else /etc/chisme/chisme.conf). */
    public static Path systemConfig() {
        return systemConfig(System.getenv());
    }

    static Path systemConfig(final Map<String, String> env) {
        final String prop = System.getProperty(CONFIG_PROPERTY);
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop);
        }
        final String e = env.get(CONFIG_ENV);
        return e != null && !e.isBlank() ? Path.of(e) : SYSTEM_CONFIG;
    }

    /** The socket a client uses when the command line names none. */
    public static Path clientSocket() {
        return clientSocket(System.getenv());
    }

    static Path clientSocket(final Map<String, String> env) {
        final String admin = env.get(ADMIN_ENV);
        if (admin != null && !admin.isBlank()) {
            return Path.of(admin).toAbsolutePath().normalize();
        }
        final String data = env.get(NodeConfig.DATA_ENV);
        if (data != null && !data.isBlank()) {
            return socket(Path.of(data));
        }
        final Path fromSystem = fromConfigFile(systemConfig(env));
        return fromSystem != null ? fromSystem : socket(NodeConfig.defaultDataDir());
    }

    /** The admin socket a config file implies ({@code admin-socket}, else {@code data}/admin.sock), or null. */
    static Path fromConfigFile(final Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        final List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (final IOException | RuntimeException e) {
            return null;
        }
        String admin = null;
        String data = null;
        for (final String raw : lines) {
            final String line = raw.strip();
            final int eq = line.indexOf('=');
            if (line.startsWith("#") || eq < 0) {
                continue;
            }
            final String key = line.substring(0, eq).strip();
            final String value = line.substring(eq + 1).strip();
            if (key.equals(ConfigKey.ADMIN_SOCKET.key()) && !value.isEmpty()) {
                admin = value;
            } else if (key.equals(ConfigKey.DATA.key()) && !value.isEmpty()) {
                data = value;
            }
        }
        if (admin != null) {
            return Path.of(admin).toAbsolutePath().normalize();
        }
        return data != null ? socket(Path.of(data)) : null;
    }
}
