package chisme.node.kademlia;

/**
 * Where a node's bootstrap stands (issue 11), for {@code chisme status} and the daemon's log.
 *
 * @param phase           JOINED, RETRYING or ALONE
 * @param attempts        join attempts made since start
 * @param nextAttemptAtMs wall/virtual time of the next attempt, 0 when none is scheduled
 * @param lastFailure     why the last failed attempt failed, empty when none failed
 * @param contacts        routing-table size now
 * @param joinedAtMs      time of the last successful attempt, 0 if none succeeded
 */
public record JoinState(Phase phase, int attempts, long nextAttemptAtMs, String lastFailure, int contacts, long joinedAtMs) {
    public enum Phase {
        /** An attempt reached the network (a source answered, or contacts we had answered our self-lookup). */
        JOINED,
        /** Not joined yet (or the table emptied): attempts go on with exponential backoff. */
        RETRYING,
        /** No source to try: no join address, no saved contact, no discovered neighbour. Waits for one. */
        ALONE
    }

    public boolean joined() {
        return phase == Phase.JOINED;
    }
}
