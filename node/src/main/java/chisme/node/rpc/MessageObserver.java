package chisme.node.rpc;

import chisme.wire.HeaderFlyweight;

import java.net.InetSocketAddress;

/**
 * Sees every valid message before it is handled (Kademlia: "routing-table updates on every message").
 * Node thread.
 */
@FunctionalInterface
public interface MessageObserver {
    /**
     * @param verified true when the message is a reply to a call we made to {@code source} (the sender
     *                 proved it owns that address), false for requests
     */
    void onMessage(HeaderFlyweight header, InetSocketAddress source, boolean verified);
}
