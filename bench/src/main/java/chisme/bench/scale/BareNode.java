package chisme.bench.scale;

import chisme.wire.HeaderFlyweight;
import chisme.wire.MessageType;
import chisme.wire.NodeId;
import org.agrona.concurrent.UnsafeBuffer;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.SplittableRandom;

/**
 * The baseline child of {@link Footprint} ({@code --profiles=bare}): the same JVM with nothing of chisme but a
 * platform thread answering PING with PONG on 127.0.0.1 until its stdin closes. What a JVM that answers one
 * datagram costs with the same flags: the floor every node figure is compared with. The harness reads its heap,
 * classes and native memory with jcmd, as for a node.
 * <pre>java $FLAGS -cp benchmarks.jar chisme.bench.scale.BareNode PORT</pre>
 */
public final class BareNode {
    private BareNode() {
    }

    public static void main(final String[] args) throws Exception {
        final DatagramChannel channel = DatagramChannel.open();
        channel.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), Integer.parseInt(args[0])));
        final Thread responder = new Thread(() -> answer(channel), "bare-responder");
        responder.setDaemon(true);
        responder.start();
        // Runs until the harness closes stdin (or ends the process).
        while (System.in.read() >= 0) {
            continue;
        }
        System.exit(0);
    }

    private static void answer(final DatagramChannel channel) {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(2048);
        final UnsafeBuffer view = new UnsafeBuffer(buffer);
        final HeaderFlyweight header = new HeaderFlyweight();
        final NodeId self = NodeId.random(new SplittableRandom(7));
        try {
            while (true) {
                buffer.clear();
                final SocketAddress from = channel.receive(buffer);
                if (buffer.position() < HeaderFlyweight.LENGTH) {
                    continue;
                }
                header.wrap(view, 0);
                if (header.type() == MessageType.PING) {
                    header.encode(MessageType.PONG, HeaderFlyweight.FLAG_READ_ONLY, header.transactionId(), self);
                    buffer.clear().limit(HeaderFlyweight.LENGTH);
                    channel.send(buffer, from);
                }
            }
        } catch (final java.io.IOException e) {
            // the channel closes as the JVM exits
        }
    }
}
