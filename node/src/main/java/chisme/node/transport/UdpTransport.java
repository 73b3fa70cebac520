package chisme.node.transport;

import chisme.node.metrics.CounterId;
import chisme.node.metrics.Counters;
import chisme.node.security.DatagramSealer;
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
 * <p>
 * With a {@link DatagramSealer} whose keyring holds a key, every datagram leaves sealed and only
 * datagrams that open under an installed key reach the handler (issue 12: the network key); the plain
 * datagram lives in a second direct buffer, so the handler sees the same bytes either way.
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
    // Allocated with the sealer (128 KB a node only pays for with a network key): the plain side of a
    // datagram being sent, and of the one being handled (a handler sends replies while reading it).
    private ByteBuffer sendPlainByteBuffer;
    private ByteBuffer receivePlainByteBuffer;
    private UnsafeBuffer receivePlainBuffer;
    private DatagramHandler handler;
    private volatile DatagramSealer sealer;

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

    /** Seals and opens every datagram from now on (a keyring without keys leaves the transport open). */
    public UdpTransport sealer(final DatagramSealer sealer) {
        if (sealer != null && sendPlainByteBuffer == null) {
            sendPlainByteBuffer = BufferUtil.allocateDirectAligned(RECEIVE_BUFFER_BYTES, 64);
            receivePlainByteBuffer = BufferUtil.allocateDirectAligned(RECEIVE_BUFFER_BYTES, 64);
            receivePlainBuffer = new UnsafeBuffer(receivePlainByteBuffer);
        }
        this.sealer = sealer;
        return this;
    }

    /** The sealer, or null when the transport was never given one. */
    public DatagramSealer sealer() {
        return sealer;
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
        final DatagramSealer s = sealer;
        if (s != null && !s.open()) {
            final ByteBuffer plain = sendPlainByteBuffer;
            plain.clear();
            buffer.getBytes(offset, plain, 0, length);
            plain.limit(length).position(0);
            if (length + DatagramSealer.OVERHEAD_BYTES > out.capacity()) {
                counters.increment(CounterId.TX_FAILED);
                return false;
            }
            final int sealed = s.seal(plain, out);
            if (sealed >= 0) {
                out.flip();
                return sendPrepared(out, sealed, destination);
            }
            out.clear(); // the last key was removed meanwhile: send in the clear
        }
        buffer.getBytes(offset, out, 0, length);
        out.limit(length).position(0);
        return sendPrepared(out, length, destination);
    }

    private boolean sendPrepared(final ByteBuffer out, final int length, final InetSocketAddress destination) {
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
            final DatagramSealer s = sealer;
            if (s != null && !s.open()) {
                receiveByteBuffer.flip();
                receivePlainByteBuffer.clear();
                final int plainLength = s.open(receiveByteBuffer, (InetSocketAddress) source, receivePlainByteBuffer);
                if (plainLength >= 0) {
                    h.onDatagram(receivePlainBuffer, 0, plainLength, (InetSocketAddress) source);
                }
                continue;
            }
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
