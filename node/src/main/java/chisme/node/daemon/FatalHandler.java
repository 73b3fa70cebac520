package chisme.node.daemon;

/**
 * What the daemon does when it cannot go on (the node thread died or is stuck). The daemon has already
 * logged the cause. {@code chisme node} halts the process with a non-zero status at once, so procd or
 * systemd restart it; the stores are left as after kill -9 and recovered at the next start (never marked
 * cleanly shut down over a thread that may have died mid-write).
 */
@FunctionalInterface
public interface FatalHandler {
    void die(String reason, Throwable cause);
}
