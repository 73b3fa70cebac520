package chisme.node.rpc;

import chisme.wire.HeaderFlyweight;
import org.agrona.DirectBuffer;

import java.net.InetSocketAddress;

/**
 * Completion of one call made with {@link RpcTracker#call}. Exactly one of the two methods is called,
 * once, on the node thread. Response bytes (whole message, header included) are valid only during the call.
 */
public interface ResponseListener {
    /** A reply (any type, including ERROR) with the call's transaction id, from the address called. */
    void onResponse(HeaderFlyweight header, DirectBuffer buffer, int offset, int length, InetSocketAddress source);

    /** No valid reply within the call's timeout. */
    void onTimeout();
}
