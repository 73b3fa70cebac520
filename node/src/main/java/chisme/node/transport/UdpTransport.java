package chisme.node.transport;

import chisme.node.metrics.CounterId;
import chisme.node.metrics.Counters;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * A {@link Transport} over one non-blocking NIO {@link DatagramChannel}. Binding to the wildcard
 * address {@code ::} gives one dual-stack socket for IPv4 and IPv6 where the OS allows it.
 * <p>
 * Receive follows the Aeron pattern (java-platform.md): one direct buffer wrapped by an Agrona
 * {@link UnsafeBuffer}, filled by {@link #poll(int)} on the node thread and handed to the handler in
 * place. Sends copy into one direct send buffer. Node thread only, except {@link #close()}.
 */
public final class UdpTransport implements Transport {
    /** Large socket receive buffer so bursts (lookups of 64 nodes on one host) are not lost in the kernel. */
    public static final int SOCKET_RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;
    /** Room for any datagram (the OS never hands us more than 65,507 bytes of UDP payload). */
    public static final int RECEIVE_BUFFER_BYTES = 65_536;

    private final DatagramChannel channel;
    private final InetSocketAddress localAddress;
    private final ByteBuffer receiveByteBuffer = BufferUtil.allocateDirectAligned(RECEIVE_BUFFER_BYTES, 64);
    private final UnsafeBuffer receiveBuffer = new UnsafeBuffer(receiveByteBuffer);
    private final ByteBuffer sendByteBuffer = BufferUtil.allocateDirectAligned(RECEIVE_BUFFER_BYTES, 64);
    private final Counters counters;
    private DatagramHandler handler;

    private UdpTransport(final DatagramChannel channel, final Counters counters) throws IOException {
        this.channel = channel;
        this.counters = counters;
        final InetSocketAddress bound = (InetSocketAddress) channel.getLocalAddress();
        this.localAddress = bound;
    }

    /**
     * Opens and binds a non-blocking channel.
     *
     * @param bindAddress address to bind (e.g. 127.0.0.1, or {@code ::} for dual stack)
     * @param port        port, 0 for any free one
     */
    public static UdpTransport open(final InetAddress bindAddress, final int port, final Counters counters) {
        try {
            final DatagramChannel channel = DatagramChannel.open();
            try {
                channel.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_RECEIVE_BUFFER_BYTES);
                channel.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_RECEIVE_BUFFER_BYTES);
                channel.bind(new InetSocketAddress(bindAddress, port));
                channel.configureBlocking(false);
                return new UdpTransport(channel, counters);
            } catch (final IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot bind UDP " + bindAddress + ":" + port, e);
        }
    }

    /** The channel, for registering with the node agent's selector. */
    public DatagramChannel channel() {
        return channel;
    }

    @Override
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public boolean send(final DirectBuffer buffer, final int offset, final int length, final InetSocketAddress destination) {
        final ByteBuffer out = sendByteBuffer;
        out.clear();
        buffer.getBytes(offset, out, 0, length);
        out.limit(length).position(0);
        try {
            final int sent = channel.send(out, destination);
            if (sent == 0) {
                counters.increment(CounterId.TX_FAILED);
                return false;
            }
            counters.increment(CounterId.TX_DATAGRAMS);
            counters.add(CounterId.TX_BYTES, length);
            return true;
        } catch (final IOException | RuntimeException e) {
            // Unreachable hosts, closed channel, unresolved address: a send failure is a lost datagram.
            counters.increment(CounterId.TX_FAILED);
            return false;
        }
    }

    @Override
    public void start(final DatagramHandler handler) {
        this.handler = handler;
    }

    /**
     * Reads up to {@code limit} datagrams and hands each to the handler. Node thread only.
     *
     * @return how many datagrams were read
     */
    public int poll(final int limit) {
        final DatagramHandler h = handler;
        if (h == null) {
            return 0;
        }
        int count = 0;
        while (count < limit) {
            final SocketAddress source;
            receiveByteBuffer.clear();
            try {
                source = channel.receive(receiveByteBuffer);
            } catch (final IOException e) {
                // ICMP port unreachable surfaces here on some systems: not fatal, keep reading.
                counters.increment(CounterId.TX_FAILED);
                count++;
                continue;
            }
            if (source == null) {
                break;
            }
            count++;
            final int length = receiveByteBuffer.position();
            counters.increment(CounterId.RX_DATAGRAMS);
            counters.add(CounterId.RX_BYTES, length);
            h.onDatagram(receiveBuffer, 0, length, (InetSocketAddress) source);
        }
        return count;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (final IOException ignored) {
            // closing a datagram channel has nothing to flush
        }
    }
}
