package chisme.node.rpc;

import chisme.node.metrics.CounterId;
import chisme.node.metrics.Counters;
import chisme.wire.FragmentFlyweight;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.net.InetSocketAddress;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Reassembles FRAGMENT datagrams into whole messages with bounded memory: a cap on partial messages
 * overall and per source prefix, on the bytes they hold, and a timeout after the first fragment.
 * <p>
 * Fair share (issue 12 item 6): slots and bytes are counted per source prefix (IPv4 /24, IPv6 /64,
 * {@link SourcePrefix}), and when they are full a newcomer from a prefix holding fewer partials than
 * the largest holder takes the oldest partial of that holder (max-min fairness). One host sending
 * first halves that never complete from many ports used to hold all 64 slots so that honest fragmented
 * STOREs got through 1 time in 14; now it keeps at most what nobody else asks for. Each fragment on its
 * own was validated by {@link chisme.wire.MessageDecoder#validate} (index below count, at least 2 fragments,
 * a payload, total within the wire limit, a non-last fragment's length consistent with total and count);
 * what is checked here is what one fragment cannot show: a total above this node's
 * {@link RpcConfig#maxMessageBytes()}, and agreement with its siblings (same total and count, one
 * fragment length). Inconsistent fragments are dropped and counted; nothing throws. Node thread only. Allocates per partial message (slow
 * path: only values and books longer than a datagram are fragmented).
 */
public final class Reassembler {
    private final RpcConfig config;
    private final Counters counters;
    private final List<Partial> partials = new ArrayList<>();
    private final SourcePrefix prefixes = new SourcePrefix();
    private final FragmentFlyweight flyweight;
    private final UnsafeBuffer complete;
    private long heldBytes;

    public Reassembler(final RpcConfig config, final Counters counters) {
        this.config = config;
        this.counters = counters;
        this.flyweight = new FragmentFlyweight();
        // Wraps the finished partial's own array on completion (no copy) rather than holding a
        // maxMessageBytes (70 KB) buffer per node that only fragmented messages ever used.
        this.complete = new UnsafeBuffer(new byte[0]);
    }

    /** Callback for a reassembled message; the bytes are valid only during the call. */
    @FunctionalInterface
    public interface Sink {
        void onMessage(DirectBuffer buffer, int offset, int length, InetSocketAddress source);
    }

    /** Takes one FRAGMENT datagram that MessageDecoder accepted; calls {@code sink} when a message completes. */
    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final InetSocketAddress source,
                           final long nowMs, final Sink sink) {
        counters.increment(CounterId.FRAGMENTS_RECEIVED);
        expire(nowMs);
        final FragmentFlyweight f = flyweight.wrap(buffer, offset, length);
        final int messageId = f.messageId();
        final int total = f.totalLength();
        final int index = f.index();
        final int count = f.count();
        final int payload = f.payloadLength();
        if (total > config.maxMessageBytes()) {
            counters.increment(CounterId.DROP_BAD_FRAGMENT);
            return;
        }
        Partial p = find(source, messageId);
        if (p == null) {
            final long prefix = prefixes.of(source.getAddress());
            if (!admit(prefix, total)) {
                counters.increment(CounterId.DROP_REASSEMBLY_FULL);
                return;
            }
            p = new Partial(source, prefix, messageId, total, count, nowMs);
            partials.add(p);
            heldBytes += total;
        }
        if (p.total != total || p.count != count) {
            counters.increment(CounterId.DROP_BAD_FRAGMENT);
            return;
        }
        final boolean last = index == count - 1;
        final int chunk;
        if (last) {
            if ((total - payload) % (count - 1) != 0) {
                counters.increment(CounterId.DROP_BAD_FRAGMENT);
                return;
            }
            chunk = (total - payload) / (count - 1);
        } else {
            chunk = payload;
        }
        // A last fragment fixes the others' length: (count - 1) * chunk < total <= count * chunk must hold for
        // it too (the decoder checks this for non-last fragments only).
        if ((p.chunk != 0 && p.chunk != chunk) || (long) chunk * count < total) {
            counters.increment(CounterId.DROP_BAD_FRAGMENT);
            return;
        }
        p.chunk = chunk;
        if (p.received.get(index)) {
            return; // duplicate
        }
        p.received.set(index);
        buffer.getBytes(f.payloadOffset(), p.data, index * chunk, payload);
        if (p.received.cardinality() == count) {
            remove(p);
            counters.increment(CounterId.MESSAGES_REASSEMBLED);
            complete.wrap(p.data, 0, total);
            sink.onMessage(complete, 0, total, source);
        }
    }

    /** Number of partial messages held. */
    public int partialCount() {
        return partials.size();
    }

    /** Bytes reserved by partial messages. */
    public long heldBytes() {
        return heldBytes;
    }

    /** Drops partial messages older than the timeout. */
    public void expire(final long nowMs) {
        for (int i = partials.size() - 1; i >= 0; i--) {
            final Partial p = partials.get(i);
            if (nowMs - p.startedMs > config.reassemblyTimeoutMs()) {
                remove(p);
                counters.increment(CounterId.REASSEMBLY_TIMEOUTS);
            }
        }
    }

    /** Makes room for a new partial of {@code prefix}, taking slots from the largest holder when full. */
    private boolean admit(final long prefix, final int total) {
        final int own = countOf(prefix);
        if (own >= config.maxPartialsPerSource()) {
            return false;
        }
        while (partials.size() >= config.maxPartialMessages() || heldBytes + total > config.maxReassemblyBytes()) {
            final Partial victim = oldestOfLargestHolder();
            if (victim == null || countOf(victim.prefix) <= own) {
                return false; // every holder has no more than we would: a fair share is already taken
            }
            remove(victim);
            counters.increment(CounterId.REASSEMBLY_EVICTED_FAIR_SHARE);
        }
        return true;
    }

    private int countOf(final long prefix) {
        int n = 0;
        for (final Partial p : partials) {
            if (p.prefix == prefix) {
                n++;
            }
        }
        return n;
    }

    /** The oldest partial of the prefix holding the most partials (ties: the oldest partial). O(n^2), n <= 64. */
    private Partial oldestOfLargestHolder() {
        Partial best = null;
        int bestCount = 0;
        for (final Partial p : partials) {
            final int c = countOf(p.prefix);
            if (c > bestCount || (c == bestCount && p.startedMs < best.startedMs)) {
                best = p;
                bestCount = c;
            }
        }
        return best;
    }

    private Partial find(final InetSocketAddress source, final int messageId) {
        for (final Partial p : partials) {
            if (p.messageId == messageId && p.source.equals(source)) {
                return p;
            }
        }
        return null;
    }

    private void remove(final Partial p) {
        partials.remove(p);
        heldBytes -= p.total;
    }

    private static final class Partial {
        final InetSocketAddress source;
        final long prefix;
        final int messageId;
        final int total;
        final int count;
        final long startedMs;
        final byte[] data;
        final BitSet received;
        int chunk;

        Partial(final InetSocketAddress source, final long prefix, final int messageId, final int total, final int count,
                final long startedMs) {
            this.source = source;
            this.prefix = prefix;
            this.messageId = messageId;
            this.total = total;
            this.count = count;
            this.startedMs = startedMs;
            this.data = new byte[total];
            this.received = new BitSet(count);
        }
    }
}
