package chisme.node.transport;

import org.agrona.DirectBuffer;

import java.net.InetSocketAddress;

/**
 * Receives every datagram a transport reads, on the node's thread. The bytes are valid only during
 * the call (the buffer is reused for the next datagram): decode in place, copy what must outlive it.
 */
@FunctionalInterface
public interface DatagramHandler {
    void onDatagram(DirectBuffer buffer, int offset, int length, InetSocketAddress source);
}
