package chisme.tools;

/** Exit statuses of every chisme command (docs/cli.md). */
public final class ExitCode {
    /** Success. */
    public static final int OK = 0;
    /** The key or shelf holds nothing ({@code get}, {@code shelf get} of an unknown shelf). */
    public static final int NOT_FOUND = 1;
    /** Bad usage or input: unknown command or option, invalid key, malformed HOST:PORT, invalid JSON, bad shelf name. */
    public static final int USAGE = 2;
    /** No node is running at the chosen data directory / admin socket. */
    public static final int NO_NODE = 3;
    /** The node understood the request but it failed (nobody answered a join, store full, network error). */
    public static final int FAILED = 4;
    /** {@code chisme node} could not start: bad config file or flag, port in use, data directory locked. */
    public static final int CONFIG = 5;
    /** The node does not offer that service. */
    public static final int UNAVAILABLE = 6;
    /**
     * {@code chisme node} died of a fault it cannot recover from (node thread dead or stuck, or a stop that
     * did not finish in time); the cause is on stderr. A service manager restarts it.
     */
    public static final int FATAL = 7;

    private ExitCode() {
    }
}
