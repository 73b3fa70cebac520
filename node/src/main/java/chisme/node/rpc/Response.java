package chisme.node.rpc;

import chisme.wire.HeaderFlyweight;
import chisme.wire.NodeId;
import org.agrona.concurrent.UnsafeBuffer;

import java.net.InetSocketAddress;

/**
 * A reply copied out of the receive buffer for a blocking caller (slow path).
 *
 * @param type    message type of the reply (may be ERROR)
 * @param sender  the replier's node id (from the header)
 * @param source  the address it came from (always the address called)
 * @param message the whole message, header included
 */
public record Response(int type, NodeId sender, InetSocketAddress source, byte[] message) {
    /** The message wrapped for flyweights; the body starts at {@link HeaderFlyweight#LENGTH}. */
    public UnsafeBuffer buffer() {
        return new UnsafeBuffer(message);
    }

    public int bodyLength() {
        return message.length - HeaderFlyweight.LENGTH;
    }
}
