package chisme.tools;

import chisme.node.config.AdminPaths;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * Which node a command talks to: {@code --admin SOCKET}, else {@code --data DIR}, else $CHISME_ADMIN,
 * $CHISME_DATA, the system config file (/etc/chisme/chisme.conf) and ~/.chisme/data ({@link AdminPaths#clientSocket()}).
 */
public final class NodeTarget {
    @Option(names = "--data", paramLabel = "DIR", description = "data directory of the node to talk to (default: $CHISME_ADMIN, $CHISME_DATA, /etc/chisme/chisme.conf, ~/.chisme/data)")
    Path dataDir;

    @Option(names = "--admin", paramLabel = "SOCKET", description = "the node's admin socket (overrides --data)")
    Path adminSocket;

    /** The admin socket to connect to; {@code fallback} (may be null) wins over the environment and default. */
    public Path socket(final Path fallback) {
        if (adminSocket != null) {
            return adminSocket.toAbsolutePath().normalize();
        }
        if (dataDir != null) {
            return AdminPaths.socket(dataDir);
        }
        return fallback != null ? fallback : AdminPaths.clientSocket();
    }
}
