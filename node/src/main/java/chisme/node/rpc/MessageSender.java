package chisme.node.rpc;

import chisme.node.metrics.CounterId;
import chisme.node.metrics.Counters;
import chisme.node.transport.Transport;
import chisme.wire.HeaderFlyweight;
import chisme.wire.MessageType;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.net.InetSocketAddress;
import java.nio.ByteOrder;

/**
 * Sends whole messages: one datagram when it fits in {@link RpcConfig#maxDatagramBytes()}, otherwise a
 * sequence of FRAGMENT datagrams (wire.md "Sizes and limits"). Node thread only; no allocation.
 */
public final class MessageSender {
    private final Transport transport;
    private final Counters counters;
    private final int maxDatagramBytes;
    private final int maxMessageBytes;
    private final UnsafeBuffer fragment;
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
        if (length > maxMessageBytes) {
            counters.increment(CounterId.DROP_OVERSIZED);
            return false;
        }
        final int chunk = maxDatagramBytes - FragmentCodec.PAYLOAD_OFFSET;
        final int count = (length + chunk - 1) / chunk;
        final int messageId = nextMessageId++;
        // The fragment header copies type/flags/tx id/sender from the message, then says FRAGMENT.
        fragment.putBytes(0, message, offset, HeaderFlyweight.LENGTH);
        fragment.putByte(HeaderFlyweight.TYPE_OFFSET, (byte) MessageType.FRAGMENT);
        fragment.putInt(FragmentCodec.MESSAGE_ID_OFFSET, messageId, ByteOrder.LITTLE_ENDIAN);
        fragment.putInt(FragmentCodec.TOTAL_LENGTH_OFFSET, length, ByteOrder.LITTLE_ENDIAN);
        fragment.putShort(FragmentCodec.COUNT_OFFSET, (short) count, ByteOrder.LITTLE_ENDIAN);
        boolean ok = true;
        for (int i = 0; i < count; i++) {
            final int start = i * chunk;
            final int n = Math.min(chunk, length - start);
            fragment.putShort(FragmentCodec.INDEX_OFFSET, (short) i, ByteOrder.LITTLE_ENDIAN);
            fragment.putBytes(FragmentCodec.PAYLOAD_OFFSET, message, offset + start, n);
            ok &= transport.send(fragment, 0, FragmentCodec.PAYLOAD_OFFSET + n, to);
            counters.increment(CounterId.FRAGMENTS_SENT);
        }
        return ok;
    }
}
