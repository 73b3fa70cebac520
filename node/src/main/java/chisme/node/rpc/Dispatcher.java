package chisme.node.rpc;

import chisme.node.metrics.CounterId;
import chisme.node.metrics.Counters;
import chisme.node.metrics.DistinctErrorLog;
import chisme.node.transport.Clock;
import chisme.node.transport.DatagramHandler;
import chisme.node.transport.Scheduler;
import chisme.node.transport.Transport;
import chisme.wire.DecodeReason;
import chisme.wire.HeaderFlyweight;
import chisme.wire.MessageDecoder;
import chisme.wire.MessageType;
import chisme.wire.NodeId;
import org.agrona.DirectBuffer;

import java.net.InetSocketAddress;
import java.util.random.RandomGenerator;

/**
 * Receives every datagram of a node, generic over message type: validates the whole frame in place
 * ({@link MessageDecoder#validate}), drops
 * and counts junk (style.md habit 2: nothing throws out of the loop), reassembles FRAGMENTs, rate-limits
 * requests per source, then hands requests to the {@link RequestHandler} registered for their type
 * (Kademlia 0x01-0x07, shared-state 0x20-0x23) and completes calls of {@link #tracker()} with responses
 * of any type. Node thread only.
 * <pre>
 *   var d = new Dispatcher(id, transport, scheduler, clock, counters, random, RpcConfig.DEFAULT);
 *   d.registerRequestHandler(MessageType.SHELF_DIGEST, (h, buf, off, len, from, responder) -> { ... });
 *   d.tracker().call(to, MessageType.SHELF_DIGEST, body, 0, n, 2_000, listener);
 * </pre>
 */
public final class Dispatcher implements DatagramHandler {
    private static final CounterId[] DROP_BY_REASON = new CounterId[DecodeReason.COUNT];

    static {
        DROP_BY_REASON[DecodeReason.OK] = CounterId.DROP_BAD_BODY;
        DROP_BY_REASON[DecodeReason.TOO_SHORT] = CounterId.DROP_TOO_SHORT;
        DROP_BY_REASON[DecodeReason.BAD_MAGIC] = CounterId.DROP_BAD_MAGIC;
        DROP_BY_REASON[DecodeReason.BAD_VERSION] = CounterId.DROP_BAD_VERSION;
        DROP_BY_REASON[DecodeReason.UNKNOWN_TYPE] = CounterId.DROP_UNKNOWN_TYPE;
        DROP_BY_REASON[DecodeReason.BAD_LENGTH] = CounterId.DROP_BAD_LENGTH;
        DROP_BY_REASON[DecodeReason.TOO_MANY_CONTACTS] = CounterId.DROP_TOO_MANY_CONTACTS;
        DROP_BY_REASON[DecodeReason.BAD_FAMILY] = CounterId.DROP_BAD_FAMILY;
        DROP_BY_REASON[DecodeReason.BAD_NAME] = CounterId.DROP_BAD_NAME;
        DROP_BY_REASON[DecodeReason.TOO_LARGE] = CounterId.DROP_OVERSIZED;
        DROP_BY_REASON[DecodeReason.BAD_FRAGMENT] = CounterId.DROP_BAD_FRAGMENT;
        DROP_BY_REASON[DecodeReason.BAD_FLAGS] = CounterId.DROP_BAD_FLAGS;
    }

    /** Never a no-op: a handler bug must leave a trace (issue 15). The node host installs its own. */
    private java.util.function.Consumer<Throwable> errorHandler = new DistinctErrorLog(System::currentTimeMillis, DistinctErrorLog.STDERR);
    private final NodeId localId;
    private final Transport transport;
    private final Clock clock;
    private final Counters counters;
    private final RequestHandler[] handlers = new RequestHandler[256];
    private final HeaderFlyweight header = new HeaderFlyweight();
    private final MessageSender sender;
    private final RpcTracker tracker;
    private final Responder responder;
    private final ProvenAddresses proven;
    private final Reassembler reassembler;
    private final RequestBudget budget;
    private final Reassembler.Sink reassembled = this::dispatchWhole;
    private MessageObserver observer = (h, s, v) -> {
    };

    public Dispatcher(final NodeId localId, final Transport transport, final Scheduler scheduler, final Clock clock,
                      final Counters counters, final RandomGenerator random, final RpcConfig config) {
        this.localId = localId;
        this.transport = transport;
        this.clock = clock;
        this.counters = counters;
        this.sender = new MessageSender(transport, counters, config, random.nextInt());
        this.tracker = new RpcTracker(sender, scheduler, clock, counters, localId, random, config);
        this.proven = new ProvenAddresses(config.provenAddresses(), config.provenTtlMs());
        this.responder = new Responder(sender, counters, localId, config.maxMessageBytes(), clock, proven,
            config.amplificationFactor());
        this.reassembler = new Reassembler(config, counters);
        this.budget = new RequestBudget(config, counters);
    }

    /** Routes requests of {@code messageType} to {@code handler} (replaces any earlier one). Call before {@link #start()}. */
    public Dispatcher registerRequestHandler(final int messageType, final RequestHandler handler) {
        if (!MessageType.isRequest(messageType) && messageType != MessageType.BOOKS) {
            throw new IllegalArgumentException("not a request type: " + MessageType.name(messageType));
        }
        handlers[messageType] = handler;
        return this;
    }

    /** Sees every valid message first (routing-table updates). */
    public Dispatcher observer(final MessageObserver observer) {
        this.observer = observer;
        return this;
    }

    /**
     * Told of each requester refused a long reply because its address is unproven (issue 12 item 5): the
     * node pings it, and its PONG proves it. Call before {@link #start()}.
     */
    public Dispatcher onUnprovenRequester(final java.util.function.Consumer<InetSocketAddress> callback) {
        responder.onUnproven(callback);
        return this;
    }

    /** Starts receiving from the transport. */
    public void start() {
        transport.start(this);
    }

    /** Outgoing calls. */
    public RpcTracker tracker() {
        return tracker;
    }

    /** Sends whole messages (fragmenting when needed), e.g. one-way pushes. */
    public MessageSender sender() {
        return sender;
    }

    public NodeId localId() {
        return localId;
    }

    public Counters counters() {
        return counters;
    }

    public Reassembler reassembler() {
        return reassembler;
    }

    /** Told of every exception a request handler threw (after it was counted): logged, never swallowed. */
    public void errorHandler(final java.util.function.Consumer<Throwable> handler) {
        this.errorHandler = handler;
    }

    /** For handlers: count a request whose body failed validation (then return without replying). */
    public void dropBadBody() {
        counters.increment(CounterId.DROP_BAD_BODY);
    }

    @Override
    public void onDatagram(final DirectBuffer buffer, final int offset, final int length, final InetSocketAddress source) {
        try {
            if (!validHeader(buffer, offset, length, source)) {
                return;
            }
            if (header.type() == MessageType.FRAGMENT) {
                reassembler.onFragment(buffer, offset, length, source, clock.nowMs(), reassembled);
            } else {
                dispatchValidated(buffer, offset, length, source);
            }
        } catch (final Exception e) {
            // A handler bug (or a checked exception thrown sneakily) must not kill the receive loop: count it, report it, go on with the next datagram.
            counters.increment(CounterId.DROP_HANDLER_ERROR);
            errorHandler.accept(e);
        }
    }

    private void dispatchWhole(final DirectBuffer buffer, final int offset, final int length, final InetSocketAddress source) {
        if (!validHeader(buffer, offset, length, source)) {
            return;
        }
        if (header.type() == MessageType.FRAGMENT) {
            counters.increment(CounterId.DROP_BAD_FRAGMENT); // a fragment inside a fragment
            return;
        }
        dispatchValidated(buffer, offset, length, source);
    }

    private boolean validHeader(final DirectBuffer buffer, final int offset, final int length, final InetSocketAddress source) {
        // wire.md: the whole frame is validated for its type before any field is read.
        final int reason = MessageDecoder.validate(buffer, offset, length);
        if (reason != DecodeReason.OK) {
            counters.increment(DROP_BY_REASON[reason]);
            return false;
        }
        header.wrap(buffer, offset);
        if (localId.equals(header.senderHi(), header.senderMid(), header.senderLo())) {
            // Our own id from another address is a spoof or an id collision: never talk to it.
            counters.increment(CounterId.DROP_OWN_ID);
            return false;
        }
        return true;
    }

    private void dispatchValidated(final DirectBuffer buffer, final int offset, final int length, final InetSocketAddress source) {
        final int type = header.type();
        final RequestHandler handler = handlers[type];
        // SHELF_DIGEST and BUCKET_DIGEST are both request and response (wire.md): a message answering one of
        // our calls goes to the tracker even when its type also has a request handler.
        if (handler != null && !tracker.expects(header.transactionId(), source)) {
            if (!budget.tryAcquire(source, clock.nowMs())) {
                return; // counted by which budget ran out
            }
            observer.onMessage(header, source, false);
            responder.prepare(header.transactionId(), source, 0, length);
            handler.onRequest(header, buffer, offset, length, source, responder);
            return;
        }
        if (handler == null && MessageType.isRequest(type)) {
            counters.increment(CounterId.DROP_NO_HANDLER);
            return;
        }
        if (tracker.expects(header.transactionId(), source)) {
            observer.onMessage(header, source, true);
        }
        if (tracker.onResponse(header, buffer, offset, length, source)) {
            // It echoed our random transaction id: it receives what we send to this address.
            proven.prove(source, clock.nowMs());
        }
    }
}
