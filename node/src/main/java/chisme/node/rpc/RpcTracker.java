package chisme.node.rpc;

import chisme.node.metrics.CounterId;
import chisme.node.metrics.Counters;
import chisme.node.transport.Clock;
import chisme.node.transport.Scheduler;
import chisme.wire.ErrorCode;
import chisme.wire.ErrorFlyweight;
import chisme.wire.HeaderFlyweight;
import chisme.wire.MessageType;
import chisme.wire.NodeId;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.ExpandableArrayBuffer;

import java.net.InetSocketAddress;
import java.util.random.RandomGenerator;

/**
 * Outgoing calls tracked by random 64-bit transaction id with a timeout (wire.md "Header"). A reply
 * completes a call only if its id matches a call in flight and it came from the address the request
 * went to; anything else is dropped and counted (unsolicited, late, or from the wrong source). The
 * number of calls in flight is bounded. Node thread only.
 * <p>
 * A call answered by ERROR {@link ErrorCode#UNVERIFIED} (the answerer will not send a long reply to an
 * address that has not proved itself, {@link Responder}) is sent again, up to
 * {@link RpcConfig#unverifiedRetries()} times within its timeout, one round trip later: by then the
 * answerer's verification PING has had our PONG. For that a copy of each single-datagram request except
 * PING is kept while it is in flight.
 */
public final class RpcTracker {
    /** Where a request's body starts in {@link #requestBuffer()}. */
    public static final int BODY_OFFSET = HeaderFlyweight.LENGTH;

    private final Long2ObjectHashMap<Pending> pending = new Long2ObjectHashMap<>();
    private final MessageSender sender;
    private final Scheduler scheduler;
    private final Counters counters;
    private final Clock clock;
    private final NodeId localId;
    private final int maxDatagramBytes;
    private final int unverifiedRetries;
    private final ErrorFlyweight error = new ErrorFlyweight();
    private final RandomGenerator random;
    private final int maxInFlight;
    private final ExpandableArrayBuffer request;
    private final HeaderFlyweight header = new HeaderFlyweight();
    private int flags;

    /** Shortest wait before sending a request again after ERROR UNVERIFIED. */
    private static final long MIN_RETRY_MS = 1;

    RpcTracker(final MessageSender sender, final Scheduler scheduler, final Clock clock, final Counters counters,
               final NodeId localId, final RandomGenerator random, final RpcConfig config) {
        this.sender = sender;
        this.scheduler = scheduler;
        this.clock = clock;
        this.counters = counters;
        this.maxDatagramBytes = config.maxDatagramBytes();
        this.unverifiedRetries = config.unverifiedRetries();
        this.localId = localId;
        this.random = random;
        this.maxInFlight = config.maxCallsInFlight();
        // Starts at one datagram and grows (once, on the first large STORE/gossip request) up to
        // maxMessageBytes: most nodes never send a fragmented request, and an eager 70 KB buffer per node
        // was most of a simulated node's heap. FIND_NODE requests fit the initial size: no allocation.
        this.request = new ExpandableArrayBuffer(Math.min(config.maxDatagramBytes(), config.maxMessageBytes()));
        header.wrap(request, 0);
    }

    /** Header flags put on every request (e.g. READ_ONLY for a probe or load generator). */
    public RpcTracker flags(final int flags) {
        this.flags = flags;
        return this;
    }

    /** The request buffer: write the body from {@link #BODY_OFFSET}, then {@link #call(InetSocketAddress, int, int, long, ResponseListener)}. */
    public MutableDirectBuffer requestBuffer() {
        return request;
    }

    /** Calls in flight now. */
    public int inFlight() {
        return pending.size();
    }

    /**
     * Sends a request whose body is already in {@link #requestBuffer()}.
     *
     * @return the transaction id, or 0 when refused (too many calls in flight, or the send failed);
     *         the listener is then never called
     */
    public long call(final InetSocketAddress to, final int type, final int bodyLength, final long timeoutMs,
                     final ResponseListener listener) {
        return call(to, type, 0, bodyLength, timeoutMs, listener);
    }

    /** As {@link #call(InetSocketAddress, int, int, long, ResponseListener)} with {@code extraFlags} or'ed into this request's header flags. */
    public long call(final InetSocketAddress to, final int type, final int extraFlags, final int bodyLength, final long timeoutMs,
                     final ResponseListener listener) {
        if (pending.size() >= maxInFlight) {
            counters.increment(CounterId.CALLS_REJECTED_IN_FLIGHT);
            return 0;
        }
        long id;
        do {
            id = random.nextLong();
        } while (id == 0 || pending.containsKey(id));
        header.encode(type, flags | extraFlags, id, localId);
        if (!sender.send(request, 0, BODY_OFFSET + bodyLength, to)) {
            return 0;
        }
        final Pending p = new Pending(id, to, listener);
        final int length = BODY_OFFSET + bodyLength;
        if (unverifiedRetries > 0 && type != MessageType.PING && length <= maxDatagramBytes) {
            p.copy = new byte[length];
            request.getBytes(0, p.copy);
            p.retriesLeft = unverifiedRetries;
            p.sentAtMs = clock.nowMs();
        }
        pending.put(id, p);
        counters.increment(CounterId.CALLS_STARTED);
        p.timer = scheduler.schedule(timeoutMs, p);
        return id;
    }

    /** Copies {@code body} into the request buffer and calls. */
    public long call(final InetSocketAddress to, final int type, final DirectBuffer body, final int bodyOffset,
                     final int bodyLength, final long timeoutMs, final ResponseListener listener) {
        request.putBytes(BODY_OFFSET, body, bodyOffset, bodyLength);
        return call(to, type, bodyLength, timeoutMs, listener);
    }

    /**
     * Matches a response to its call.
     *
     * @return true when it completed a call
     */
    boolean onResponse(final HeaderFlyweight h, final DirectBuffer buffer, final int offset, final int length,
                       final InetSocketAddress source) {
        final long id = h.transactionId();
        final Pending p = pending.get(id);
        if (p == null) {
            counters.increment(CounterId.DROP_UNSOLICITED);
            return false;
        }
        if (!p.to.equals(source)) {
            // Only the address we asked may answer (an off-path attacker guessing ids must also spoof it).
            counters.increment(CounterId.DROP_WRONG_SOURCE);
            return false;
        }
        if (p.retriesLeft > 0 && h.type() == MessageType.ERROR
            && error.wrap(buffer, offset).code() == ErrorCode.UNVERIFIED) {
            // The answerer sent its verification PING before this ERROR, and we answered it on arrival: our PONG
            // is already on its way, ahead of the request sent again now. Should the PING have been lost or
            // not sent (its verifications are bounded), the next try waits one round trip.
            final long delayMs = p.retriesLeft == unverifiedRetries ? MIN_RETRY_MS : Math.max(MIN_RETRY_MS, clock.nowMs() - p.sentAtMs);
            p.retriesLeft--;
            counters.increment(CounterId.CALLS_RETRIED_UNVERIFIED);
            scheduler.schedule(delayMs, p::resend);
            return true;
        }
        pending.remove(id);
        p.timer.cancel();
        counters.increment(CounterId.CALLS_COMPLETED);
        p.listener.onResponse(h, buffer, offset, length, source);
        return true;
    }

    /** True if a call with this id is in flight to {@code source}. */
    boolean expects(final long id, final InetSocketAddress source) {
        final Pending p = pending.get(id);
        return p != null && p.to.equals(source);
    }

    private final class Pending implements Runnable {
        final long id;
        final InetSocketAddress to;
        final ResponseListener listener;
        Scheduler.Cancellable timer;
        byte[] copy;
        int retriesLeft;
        long sentAtMs;

        Pending(final long id, final InetSocketAddress to, final ResponseListener listener) {
            this.id = id;
            this.to = to;
            this.listener = listener;
        }

        @Override
        public void run() {
            if (pending.remove(id) == this) {
                counters.increment(CounterId.CALLS_TIMED_OUT);
                listener.onTimeout();
            }
        }

        void resend() {
            if (pending.get(id) == this) {
                sentAtMs = clock.nowMs();
                sender.send(new UnsafeBuffer(copy), 0, copy.length, to);
            }
        }
    }
}
