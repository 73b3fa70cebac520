package chisme.bench.scale;

import chisme.node.security.DatagramSealer;
import chisme.wire.HeaderFlyweight;
import chisme.wire.MessageType;
import chisme.wire.NodeId;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.DatagramChannel;
import java.util.SplittableRandom;

/**
 * Closed-loop UDP load generator on loopback: keeps {@code window} requests (PING or FIND_NODE of a
 * random id) in flight from one socket and counts replies. Same loop as kademlia's FindNodeLoad, made
 * type-generic (that one is FIND_NODE-only and package-private). Requests carry READ_ONLY (wire.md:
 * load generators must not enter routing tables).
 */
final class LoadDriver {
    private LoadDriver() {
    }

    /** Returns replies per second over {@code seconds}. */
    static double drive(final InetSocketAddress target, final int type, final double seconds, final int window) throws IOException {
        return drive(target, type, seconds, window, null);
    }

    /**
     * As {@link #drive(InetSocketAddress, int, double, int)}; with a {@code sealer} every request is sealed
     * with the network key and a reply counts only once it opened (the client pays the AEAD too).
     */
    static double drive(final InetSocketAddress target, final int type, final double seconds, final int window,
                        final DatagramSealer sealer) throws IOException {
        try (DatagramChannel chan = DatagramChannel.open()) {
            chan.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
            chan.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            chan.configureBlocking(false);
            final ByteBuffer out = BufferUtil.allocateDirectAligned(128, 64);
            final ByteBuffer in = BufferUtil.allocateDirectAligned(2048, 64);
            final UnsafeBuffer req = new UnsafeBuffer(out);
            final ByteBuffer sealed = BufferUtil.allocateDirectAligned(2048, 64);
            final ByteBuffer opened = BufferUtil.allocateDirectAligned(2048, 64);
            final SplittableRandom random = new SplittableRandom(1);
            new HeaderFlyweight().wrap(req, 0).encode(type, HeaderFlyweight.FLAG_READ_ONLY, 1, NodeId.random(random));
            final int length = type == MessageType.FIND_NODE ? HeaderFlyweight.LENGTH + NodeId.BYTES : HeaderFlyweight.LENGTH;
            long replies = 0;
            int outstanding = 0;
            final long startNs = System.nanoTime();
            final long endNs = startNs + (long) (seconds * 1e9);
            long lastProgressNs = startNs;
            long now = startNs;
            while (now < endNs) {
                while (outstanding < window) {
                    if (type == MessageType.FIND_NODE) {
                        NodeId.write(req, HeaderFlyweight.LENGTH, random.nextLong(), random.nextLong(), random.nextInt());
                    }
                    req.putLong(HeaderFlyweight.TRANSACTION_ID_OFFSET, random.nextLong(), ByteOrder.LITTLE_ENDIAN);
                    out.clear().limit(length);
                    if (sealer == null) {
                        chan.send(out, target);
                    } else {
                        sealed.clear();
                        sealer.seal(out, sealed);
                        chan.send(sealed.flip(), target);
                    }
                    outstanding++;
                }
                boolean got = false;
                in.clear();
                java.net.SocketAddress from;
                while ((from = chan.receive(in)) != null) {
                    if (sealer != null && sealer.open(in.flip(), (InetSocketAddress) from, opened.clear()) < 0) {
                        in.clear();
                        continue;
                    }
                    in.clear();
                    replies++;
                    outstanding--;
                    got = true;
                }
                now = System.nanoTime();
                if (got) {
                    lastProgressNs = now;
                } else if (now - lastProgressNs > 100_000_000L) {
                    outstanding = 0; // replies lost: refill the window
                    lastProgressNs = now;
                }
            }
            return replies / ((now - startNs) / 1e9);
        }
    }
}
