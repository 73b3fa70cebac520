package chisme.node.kademlia;

import chisme.node.event.EventLog;
import chisme.node.event.EventType;
import chisme.node.metrics.CounterId;
import chisme.node.metrics.Counters;
import chisme.node.routing.Contact;
import chisme.node.routing.RoutingTable;
import chisme.node.rpc.Dispatcher;
import chisme.node.rpc.Responder;
import chisme.node.rpc.SourcePrefix;
import chisme.node.security.LocalWriteReserve;
import chisme.node.security.RemoteStoreShares;
import chisme.node.transport.Clock;
import chisme.store.StoreStatus;
import chisme.store.TupleMeta;
import chisme.store.TupleStore;
import chisme.wire.FindNodeFlyweight;
import chisme.wire.FindValueFlyweight;
import chisme.wire.HeaderFlyweight;
import chisme.wire.MessageFlyweight;
import chisme.wire.MessageType;
import chisme.wire.NodeId;
import chisme.wire.NodesFlyweight;
import chisme.wire.PongFlyweight;
import chisme.wire.StoreFlyweight;
import chisme.wire.StoreResultFlyweight;
import chisme.wire.StoreResultStatus;
import chisme.wire.ValueFlyweight;
import org.agrona.DirectBuffer;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The server side of Kademlia's four RPCs (PING, FIND_NODE, FIND_VALUE, STORE; paper 2.3, xlattice "RPCs"):
 * each handler reads a request the dispatcher has fully validated (MessageDecoder) and answers in place in
 * the responder's buffer. Node thread only; the flyweights are reused from one request to the next.
 */
final class KademliaResponder {
    private final KademliaConfig config;
    private final RoutingTable table;
    private final TokenIssuer tokens;
    private final TupleStore store;
    private final Clock clock;
    private final Counters counters;
    private final EventLog events;
    private final Contact[] closestScratch;
    /** Space per source prefix for values remote peers add (issue 12 item 6). */
    private final RemoteStoreShares shares;
    private final SourcePrefix sourcePrefix = new SourcePrefix();
    /** A wider pool of closest contacts, read when one prefix crowds the k closest ({@link LookupDiversity}). */
    private final Contact[] poolScratch;
    /** The lookup's diversity rule, sized for the pool (no allocation per reply). */
    private final LookupDiversity diversity;
    private final PongFlyweight pong = new PongFlyweight();
    private final FindNodeFlyweight findNode = new FindNodeFlyweight();
    private final FindValueFlyweight findValue = new FindValueFlyweight();
    private final NodesFlyweight nodes = new NodesFlyweight();
    private final ValueFlyweight valueOut = new ValueFlyweight();
    private final StoreFlyweight storeIn = new StoreFlyweight();
    private final StoreResultFlyweight storeResult = new StoreResultFlyweight();
    private final TupleMeta meta = new TupleMeta();
    private final ContentHash contentHash = new ContentHash();
    private InetAddress lastSourceAddress;
    private byte[] lastSourceAddressBytes;

    /** Told of each key a remote STORE gave us that we did not hold (ValueHandoff: an off-target copy goes on). */
    private final java.util.function.Consumer<NodeId> newValues;

    KademliaResponder(final KademliaConfig config, final RoutingTable table, final TokenIssuer tokens, final TupleStore store,
                      final Clock clock, final Counters counters, final EventLog events,
                      final java.util.function.Consumer<NodeId> newValues) {
        this.config = config;
        this.newValues = newValues;
        this.table = table;
        this.tokens = tokens;
        this.store = store;
        this.clock = clock;
        this.counters = counters;
        this.events = events;
        this.closestScratch = new Contact[config.k()];
        this.shares = new RemoteStoreShares(config.remoteStoreSharePerPrefix());
        this.poolScratch = new Contact[POOL_FACTOR * config.k()];
        this.diversity = new LookupDiversity(POOL_FACTOR * config.k());
    }


    /** Registers the four request handlers. */
    void registerOn(final Dispatcher dispatcher) {
        dispatcher.registerRequestHandler(MessageType.PING, this::onPing);
        dispatcher.registerRequestHandler(MessageType.FIND_NODE, this::onFindNode);
        dispatcher.registerRequestHandler(MessageType.FIND_VALUE, this::onFindValue);
        dispatcher.registerRequestHandler(MessageType.STORE, this::onStore);
    }

    private void onPing(final HeaderFlyweight h, final DirectBuffer buffer, final int offset, final int length,
                        final InetSocketAddress source, final Responder r) {
        counters.increment(CounterId.PING_RECEIVED);
        // The dispatcher validated the frame (MessageDecoder: a PING is exactly a header).
        // PONG tells the requester its address as we see it (NAT discovery) and, in the header, our id (IDENTIFY).
        r.reply(MessageType.PONG, bodyLength(pong.wrap(r.buffer(), 0).encode(addressBytes(source), source.getPort())));
    }

    /**
     * Raw bytes of the source address without allocating on the common paths: a known contact's cached
     * bytes, else the bytes of the previous requester when it is the same InetAddress object (the
     * channel reuses the address object of a repeating sender). InetAddress.getAddress() clones an
     * array on every call (24 B per PING before this).
     */
    private byte[] addressBytes(final InetSocketAddress source) {
        final Contact known = table.find(source);
        if (known != null) {
            return known.addressBytes();
        }
        final InetAddress address = source.getAddress();
        if (address != lastSourceAddress) {
            lastSourceAddress = address;
            lastSourceAddressBytes = address.getAddress();
        }
        return lastSourceAddressBytes;
    }

    /** The hot path: validate, closest(k) into a reusable array, encode in place, send. No allocation. */
    private void onFindNode(final HeaderFlyweight h, final DirectBuffer buffer, final int offset, final int length,
                            final InetSocketAddress source, final Responder r) {
        counters.increment(CounterId.FIND_NODE_RECEIVED);
        findNode.wrap(buffer, offset); // length checked by the dispatcher (MessageDecoder.validate)
        replyNodes(findNode.targetHi(), findNode.targetMid(), findNode.targetLo(), source, r);
    }

    /**
     * NODES with the k closest verified contacts, IPv4 first (wire.md), encoded in place: no allocation. When
     * one /24 or /64 holds more than {@link KademliaConfig#lookupMaxPerPrefix()} of them, the k are chosen from
     * the 3k closest by the lookup's diversity rule ({@link LookupDiversity}): else 25 ids of one subnet next to a
     * key fill every honest node's answer, and a lookup never hears of the honest nodes beyond them (issue 12).
     */
    private void replyNodes(final long tHi, final long tMid, final int tLo, final InetSocketAddress source, final Responder r) {
        final Contact[] cs = closestScratch;
        int n = table.closest(tHi, tMid, tLo, config.k(), cs);
        final int perPrefix = config.lookupMaxPerPrefix();
        if (diversity.crowded(cs, n, perPrefix)) {
            final int m = table.closest(tHi, tMid, tLo, poolScratch.length, poolScratch);
            n = diversity.chooseInto(poolScratch, m, perPrefix, config.k(), cs);
            counters.increment(CounterId.NODES_REPLIES_DIVERSIFIED);
        }
        int count4 = 0;
        for (int i = 0; i < n; i++) {
            if (!cs[i].isIpv6()) {
                count4++;
            }
        }
        final NodesFlyweight out = nodes.wrap(r.buffer(), 0);
        final int length = out.encode(tokens.token(source, clock.nowMs()), count4, n - count4);
        int i4 = 0;
        int i6 = count4;
        for (int i = 0; i < n; i++) {
            final Contact c = cs[i];
            out.putContact(c.isIpv6() ? i6++ : i4++, c.hi(), c.mid(), c.lo(), c.addressBytes(), c.port());
        }
        r.reply(MessageType.NODES, bodyLength(length));
    }

    /** The pool a crowded NODES reply is chosen from, in multiples of k. */
    private static final int POOL_FACTOR = 3;

    static int bodyLength(final int messageLength) {
        return messageLength - MessageFlyweight.BODY_OFFSET;
    }
    /**
     * VALUE when we hold the key, else NODES. The value is copied by the store straight into the reply at
     * its offset, with its publisher and expiry read into a reused {@link TupleMeta}: no allocation.
     */
    private void onFindValue(final HeaderFlyweight h, final DirectBuffer buffer, final int offset, final int length,
                             final InetSocketAddress source, final Responder r) {
        counters.increment(CounterId.FIND_VALUE_RECEIVED);
        final long nowMs = clock.nowMs();
        final FindValueFlyweight req = findValue.wrap(buffer, offset);
        final long kHi = req.keyHi();
        final long kMid = req.keyMid();
        final int kLo = req.keyLo();
        int valueLength = store.getValue(kHi, kMid, kLo, nowMs, r.buffer(), ValueFlyweight.VALUE_OFFSET, meta);
        if (valueLength == -2 && store.readMeta(kHi, kMid, kLo, meta)) {
            // The reply buffer grows on demand (Responder): make room for this value once, then read it again.
            r.buffer().checkLimit(ValueFlyweight.VALUE_OFFSET + meta.valueLength());
            valueLength = store.getValue(kHi, kMid, kLo, nowMs, r.buffer(), ValueFlyweight.VALUE_OFFSET, meta);
        }
        if (valueLength >= 0) {
            final long ttlSeconds = Math.min(0xFFFF_FFFFL, Math.max(0, (meta.expiresAtMs() - nowMs) / 1000));
            final int replyLength = valueOut.wrap(r.buffer(), 0).encode(tokens.token(source, nowMs), meta.publisherHi(),
                meta.publisherMid(), meta.publisherLo(), ttlSeconds, valueLength);
            r.reply(MessageType.VALUE, bodyLength(replyLength));
            return;
        }
        // -1: absent or expired (-2 after growing cannot happen: the buffer's capacity is the largest message).
        replyNodes(kHi, kMid, kLo, source, r);
    }

    /**
     * STORE: token, size, content hash and room checked, then stored from the datagram itself (the store's
     * buffer form of put); the existing entry is read as metadata only. No allocation for a key we already
     * hold (a new key allocates its event line).
     */
    private void onStore(final HeaderFlyweight h, final DirectBuffer buffer, final int offset, final int length,
                         final InetSocketAddress source, final Responder r) {
        counters.increment(CounterId.STORE_RECEIVED);
        final long nowMs = clock.nowMs();
        // The dispatcher validated the frame: the value length field matches the datagram (MessageDecoder).
        final StoreFlyweight req = storeIn.wrap(buffer, offset);
        if (!tokens.valid(req.token(), source, nowMs)) {
            // BEP 5: only a peer that asked us from this address within the last two rotations may store.
            storeResult(r, StoreResultStatus.BAD_TOKEN, CounterId.STORE_BAD_TOKEN);
            return;
        }
        final int valueLength = req.valueLength();
        if (valueLength > config.maxValueBytes() || valueLength > store.maxValueBytes()) {
            storeResult(r, StoreResultStatus.TOO_LARGE, CounterId.STORE_TOO_LARGE);
            return;
        }
        final long kHi = req.keyHi();
        final long kMid = req.keyMid();
        final int kLo = req.keyLo();
        if (!contentHash.matches(buffer, req.valueOffset(), valueLength, kHi, kMid, kLo)) {
            // Keys are content hashes (xlattice): a mismatch is a forgery or corruption, never stored.
            storeResult(r, StoreResultStatus.KEY_MISMATCH, CounterId.STORE_KEY_MISMATCH);
            return;
        }
        final long ttlMs = Math.min(config.expireAfterMs(), req.ttlSeconds() * 1000);
        final boolean exists = store.readMeta(kHi, kMid, kLo, meta);
        if (!exists && !LocalWriteReserve.remoteMayAdd(store, valueLength)) {
            storeResult(r, StoreResultStatus.STORE_FULL, CounterId.STORE_RESERVED_FOR_LOCAL); // issue 12: room kept for our own publishes
            return;
        }
        final long prefix = exists ? 0 : sourcePrefix.of(source.getAddress());
        if (!exists && !shares.mayAdd(store, prefix, valueLength, nowMs)) {
            storeResult(r, StoreResultStatus.STORE_FULL, CounterId.STORE_REFUSED_PREFIX_SHARE); // issue 12: fair share per /24, /64
            return;
        }
        final boolean original = exists && meta.original();
        final long publishedAtMs = original ? meta.publishedAtMs() : nowMs - (config.expireAfterMs() - ttlMs);
        final long expiresAtMs = original ? meta.expiresAtMs() : nowMs + ttlMs;
        final StoreStatus status = store.put(kHi, kMid, kLo, buffer, req.valueOffset(), valueLength, req.publisherHi(),
            req.publisherMid(), req.publisherLo(), publishedAtMs, expiresAtMs, original, nowMs);
        switch (status) {
            case OK, STALE -> {
                storeResult(r, StoreResultStatus.OK, CounterId.STORE_OK);
                if (!exists) {
                    final NodeId key = new NodeId(kHi, kMid, kLo);
                    shares.onAdded(key, prefix, valueLength);
                    events.record(nowMs, EventType.STORE, "stored " + key.shortHex() + " (" + valueLength + " B) from " + source);
                    newValues.accept(key); // a copy that landed off target goes on to the k closest (issue 11)
                }
            }
            case FULL -> storeResult(r, StoreResultStatus.STORE_FULL, CounterId.STORE_FULL);
            // The wire has no disk-full status: to the storing peer it is the same refusal (try the next node).
            case DISK_FULL -> storeResult(r, StoreResultStatus.STORE_FULL, CounterId.STORE_DISK_FULL);
            case TOO_LARGE -> storeResult(r, StoreResultStatus.TOO_LARGE, CounterId.STORE_TOO_LARGE);
        }
    }

    private void storeResult(final Responder r, final int status, final CounterId counter) {
        counters.increment(counter);
        r.reply(MessageType.STORE_RESULT, bodyLength(storeResult.wrap(r.buffer(), 0).encode(status)));
    }

}
