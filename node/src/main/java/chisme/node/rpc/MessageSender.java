package chisme.node.rpc;

import chisme.node.metrics.CounterId;
import chisme.node.metrics.Counters;
import chisme.node.transport.Transport;
import chisme.wire.Fragmenter;
import chisme.wire.WireLimits;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.net.InetSocketAddress;

/**
 * Sends whole messages: one datagram when it fits in {@link RpcConfig#maxDatagramBytes()}, otherwise a
 * sequence of FRAGMENT datagrams cut by {@link Fragmenter} (wire.md "Sizes and limits"). Node thread
 * only; no allocation.
 */
public final class MessageSender {
    private final Transport transport;
    private final Counters counters;
    private final int maxDatagramBytes;
    private final int maxMessageBytes;
    private final UnsafeBuffer fragment;
    private final Fragmenter.Sink sink = this::sendFragment;
    private InetSocketAddress fragmentDestination;
    private boolean fragmentsSent;
    private int nextMessageId;

    public MessageSender(final Transport transport, final Counters counters, final RpcConfig config, final int firstMessageId) {
        this.transport = transport;
        this.counters = counters;
        this.maxDatagramBytes = config.maxDatagramBytes();
        this.maxMessageBytes = config.maxMessageBytes();
        this.fragment = new UnsafeBuffer(new byte[maxDatagramBytes]);
        this.nextMessageId = firstMessageId;
    }

    /** Sends {@code length} bytes of a complete message (header at {@code offset}). */
    public boolean send(final DirectBuffer message, final int offset, final int length, final InetSocketAddress to) {
        if (length <= maxDatagramBytes) {
            return transport.send(message, offset, length, to);
        }
        if (length > maxMessageBytes || length > WireLimits.MAX_MESSAGE) {
            counters.increment(CounterId.DROP_OVERSIZED);
            return false;
        }
        fragmentDestination = to;
        fragmentsSent = true;
        Fragmenter.fragment(message, offset, length, nextMessageId++, maxDatagramBytes, fragment, sink);
        fragmentDestination = null;
        return fragmentsSent;
    }

    private void sendFragment(final DirectBuffer buffer, final int offset, final int length) {
        fragmentsSent &= transport.send(buffer, offset, length, fragmentDestination);
        counters.increment(CounterId.FRAGMENTS_SENT);
    }
}
