package chisme.bench.report;

import org.agrona.BufferUtil;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * A bare Java UDP echo loop on one platform thread (blocking DatagramChannel, one direct buffer): the
 * baseline every request/response throughput figure is compared with, measured in the same run.
 */
public final class UdpEcho implements AutoCloseable {
    private final DatagramChannel channel;
    private final Thread thread;

    public UdpEcho(final InetAddress bind) throws IOException {
        channel = DatagramChannel.open();
        channel.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
        channel.bind(new InetSocketAddress(bind, 0));
        thread = new Thread(this::run, "udp-echo");
        thread.setDaemon(true);
        thread.start();
    }

    public InetSocketAddress address() throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    private void run() {
        final ByteBuffer b = BufferUtil.allocateDirectAligned(2048, 64);
        try {
            while (channel.isOpen()) {
                b.clear();
                final SocketAddress from = channel.receive(b);
                b.flip();
                channel.send(b, from);
            }
        } catch (final IOException e) {
            // closed: the loop ends
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
        try {
            thread.join(1_000);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
