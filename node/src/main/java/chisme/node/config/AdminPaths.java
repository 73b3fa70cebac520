package chisme.node.config;

import java.nio.file.Path;

/** Where a node's admin socket lives, shared by the daemon and the CLI. */
public final class AdminPaths {
    /** File name of the admin Unix domain socket inside the data directory. */
    public static final String SOCKET_NAME = "admin.sock";

    private AdminPaths() {
    }

    /** The admin socket of the node whose data directory is {@code dataDir}. */
    public static Path socket(final Path dataDir) {
        return dataDir.toAbsolutePath().normalize().resolve(SOCKET_NAME);
    }
}
