package chisme.node.transport;

import org.agrona.DirectBuffer;

import java.net.InetSocketAddress;

/**
 * Sends and receives datagrams for one node: a real NIO DatagramChannel, or the simulator's
 * in-memory network. Node logic sees only this, so the same code runs on both.
 */
public interface Transport extends AutoCloseable {
    /** The address peers reach this node at. */
    InetSocketAddress localAddress();

    /** Sends one datagram (at most the maximum datagram size). Returns false when it was dropped locally. */
    boolean send(DirectBuffer buffer, int offset, int length, InetSocketAddress destination);

    /** Starts delivering received datagrams to {@code handler} on the node's thread. */
    void start(DatagramHandler handler);

    @Override
    void close();
}
