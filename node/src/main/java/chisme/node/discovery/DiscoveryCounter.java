package chisme.node.discovery;

/**
 * What link discovery did (shown by {@code chisme stats} as {@code link_discovery_<name>}). Every
 * announcement received ends in exactly one of CANDIDATES or a DROP_* / DUPLICATE counter.
 */
public enum DiscoveryCounter {
    /** Announcements multicast, one per interface and address family per round. */
    SENT,
    /** Sends the OS refused (interface gone, no route): the round goes on with the next link. */
    SEND_FAILED,
    /** Socket errors in the discovery loop (it carries on at the next round). */
    SOCKET_ERRORS,
    /** Group joins that failed (interface without that family, or vanished). */
    JOIN_FAILED,
    /** Datagrams read from the discovery socket. */
    RECEIVED,
    /**
     * With a network key: not sealed with an installed key (plain, another network's key), replayed, or
     * forged (issue 12 item 1). Checked before anything else is read.
     */
    DROP_NOT_SEALED,
    /** Not a valid chisme frame (length, magic, version) or not an ANNOUNCE. */
    DROP_MALFORMED,
    /** Our own node id (our own announcement looped back, or a spoof). */
    DROP_OWN_ID,
    /** From one of our own addresses with our own port: ourselves. */
    DROP_SELF,
    /** Announced port 0. */
    DROP_BAD_PORT,
    /** Source not a unicast address (multicast, wildcard, broadcast). */
    DROP_NOT_UNICAST,
    /** Source not on one of the discovery interfaces' links (e.g. unicast from afar to the discovery port). */
    DROP_OFF_LINK,
    /** READ_ONLY flag set: the sender asks not to be used. */
    DROP_READ_ONLY,
    /** Over the per-source rate. */
    DROP_SOURCE_RATE,
    /** Over the rate of all sources together. */
    DROP_TOTAL_RATE,
    /** Same endpoint offered within the dedup window (or a link-local address of a node already offered routable). */
    DUPLICATE,
    /** Endpoints handed to the candidate consumer. */
    CANDIDATES,
    /** Candidates dropped because the verification queue was full. */
    VERIFY_QUEUE_FULL,
    /** Candidates PINGed (IDENTIFY) by the verifier. */
    VERIFY_PINGS,
    /** Candidates that answered the PING: link neighbours. */
    VERIFIED,
    /** Candidates that did not answer. */
    UNANSWERED,
    /** Candidates handed to the node ({@code KademliaNode.offerCandidate}: its own PING, then a join through it when needed). */
    OFFERED_TO_NODE
}
