package chisme.node.admin;

import java.nio.file.Path;

/** Nothing answers on the admin socket: no node runs with that data directory. */
public final class NodeNotRunningException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient Path socket;

    public NodeNotRunningException(final Path socket) {
        super("no chisme node is running at " + socket, null, false, false);
        this.socket = socket;
    }

    public Path socket() {
        return socket;
    }
}
