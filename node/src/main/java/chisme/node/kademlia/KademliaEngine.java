package chisme.node.kademlia;

import chisme.node.event.EventLog;
import chisme.node.event.EventType;
import chisme.node.metrics.CounterId;
import chisme.node.metrics.Counters;
import chisme.node.host.NodeHost;
import chisme.node.rpc.Dispatcher;
import chisme.node.security.LocalWriteReserve;
import chisme.node.rpc.Responder;
import chisme.node.rpc.ResponseListener;
import chisme.node.rpc.RpcTracker;
import chisme.node.routing.Contact;
import chisme.node.routing.RoutingOutcome;
import chisme.node.routing.RoutingTable;
import chisme.node.transport.Clock;
import chisme.node.transport.Scheduler;
import chisme.node.transport.Transport;
import chisme.store.StoreStatus;
import chisme.store.Tuple;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.random.RandomGenerator;

/**
 * The Kademlia logic of one node, asynchronous and owned by the node thread: the four RPCs plus IDENTIFY,
 * routing-table upkeep on every message, lookups, iterativeStore, join, write tokens and the xlattice
 * timers. Time, timers and datagrams come in as {@link Clock}, {@link Scheduler} and {@link Transport},
 * so the same code runs over UDP ({@link KademliaNode}) and in the simulator. Every public method must
 * be called on the node thread (through the scheduler); callbacks run there too.
 */
public final class KademliaEngine {
    private final KademliaConfig config;
    private final NodeId localId;
    private final Transport transport;
    private final Scheduler scheduler;
    private final Clock clock;
    private final RttEstimator lookupRtt = new RttEstimator();
    private final TupleStore store;
    private final EventLog events;
    private final Counters counters;
    private final RandomGenerator random;
    private final Dispatcher dispatcher;
    private final RoutingTable table;
    private final TokenIssuer tokens;
    private final Contact[] closestScratch;
    // Reusable flyweights: handlers run one at a time on the node thread.
    private final PongFlyweight pong = new PongFlyweight();
    private InetAddress lastSourceAddress;
    private byte[] lastSourceAddressBytes;
    private final FindNodeFlyweight findNode = new FindNodeFlyweight();
    private final FindValueFlyweight findValue = new FindValueFlyweight();
    private final NodesFlyweight nodes = new NodesFlyweight();
    private final ValueFlyweight valueOut = new ValueFlyweight();
    private final StoreFlyweight storeIn = new StoreFlyweight();
    private final StoreFlyweight storeOut = new StoreFlyweight();
    private final StoreResultFlyweight storeResult = new StoreResultFlyweight();
    // Client side (lookups on this thread): requests built and replies read in place.
    final FindNodeFlyweight findNodeOut = new FindNodeFlyweight();
    final FindValueFlyweight findValueOut = new FindValueFlyweight();
    final NodesFlyweight nodesIn = new NodesFlyweight();
    final ValueFlyweight valueIn = new ValueFlyweight();
    private final Set<InetSocketAddress> verifying = new HashSet<>();
    private final Set<NodeId> pingingHeads = new HashSet<>();
    private final List<Scheduler.Cancellable> timers = new ArrayList<>();
    private final Bootstrapper bootstrapper;
    private final MergeWatch mergeWatch;
    private final ValueHandoff handoff;
    /** Originals whose publish reached no remote node (we were alone): stored on the network once we join. */
    private final Set<NodeId> unstoredOriginals = new HashSet<>();
    private boolean running;

    /**
     * A Kademlia peer on {@code host}: it registers its request handlers on the host's shared dispatcher
     * (built with {@code config.rpc()} by whoever made the host) and its timers on the host's scheduler.
     */
    public KademliaEngine(final KademliaConfig config, final NodeHost host, final TupleStore store, final EventLog events) {
        this.config = config.conclude();
        this.localId = host.id();
        this.transport = host.transport();
        this.scheduler = host.scheduler();
        this.clock = host.clock();
        this.store = store;
        this.events = events;
        this.counters = host.counters();
        this.random = host.random();
        this.dispatcher = host.dispatcher();
        // Every head ping is reported back (answer or timeout), so the table's re-ask guard only needs
        // to outlast one RPC timeout.
        this.table = new RoutingTable(localId, config.k(), config.maxFailures(), config.replacementCacheSize(),
            2 * config.rpcTimeoutMs());
        this.tokens = new TokenIssuer(random, config.tokenRotationMs(), clock.nowMs());
        this.closestScratch = new Contact[config.k()];
        dispatcher.registerRequestHandler(MessageType.PING, this::onPing);
        dispatcher.registerRequestHandler(MessageType.FIND_NODE, this::onFindNode);
        dispatcher.registerRequestHandler(MessageType.FIND_VALUE, this::onFindValue);
        dispatcher.registerRequestHandler(MessageType.STORE, this::onStore);
        dispatcher.observer(this::onMessage);
        // A requester refused a long answer until it proves its address (issue 12 item 5): ping it, also when
        // it is read-only and so was not pinged as a routing-table candidate; its PONG proves it.
        dispatcher.onUnprovenRequester(this::verify);
        this.bootstrapper = new Bootstrapper(this);
        this.mergeWatch = new MergeWatch(this);
        this.handoff = new ValueHandoff(this);
    }

    /** The host's dispatcher (shared with every protocol on the node). */
    public Dispatcher dispatcher() {
        return dispatcher;
    }

    public NodeId localId() {
        return localId;
    }

    public KademliaConfig config() {
        return config;
    }

    public Counters counters() {
        return counters;
    }

    public EventLog events() {
        return events;
    }

    /** The routing table; read it on the node thread (or through {@link RoutingTable#snapshot()}). */
    public RoutingTable table() {
        return table;
    }

    public TupleStore store() {
        return store;
    }

    public InetSocketAddress localAddress() {
        return transport.localAddress();
    }

    RpcTracker tracker() {
        return dispatcher.tracker();
    }

    /** Starts receiving and arms the refresh, replication, republish and expiry timers (with jitter). */
    public void start() {
        running = true;
        dispatcher.start();
        events.record(clock.nowMs(), EventType.START, "node " + localId.shortHex() + " at " + transport.localAddress());
        every(config.refreshIntervalMs(), this::refreshStaleBuckets);
        every(config.replicateIntervalMs(), this::replicate);
        every(config.republishIntervalMs(), this::republish);
        every(config.expiryCheckIntervalMs(), this::expire);
    }

    /** Cancels timers; the transport is closed by its owner. */
    public void stop() {
        running = false;
        bootstrapper.stop();
        mergeWatch.stop();
        handoff.stop();
        for (final Scheduler.Cancellable t : timers) {
            t.cancel();
        }
        timers.clear();
        events.record(clock.nowMs(), EventType.STOP, "node " + localId.shortHex() + " stopped");
    }

    private void every(final long intervalMs, final Runnable task) {
        final Runnable[] self = new Runnable[1];
        self[0] = () -> {
            if (!running) {
                return;
            }
            task.run();
            timers.add(scheduler.schedule(jittered(intervalMs), self[0]));
        };
        timers.add(scheduler.schedule(jittered(intervalMs), self[0]));
    }

    private long jittered(final long intervalMs) {
        final long spread = (long) (intervalMs * config.timerJitter());
        return intervalMs + (spread > 0 ? random.nextLong(spread + 1) : 0);
    }

    // ---------------------------------------------------------------- routing upkeep

    private void onMessage(final HeaderFlyweight header, final InetSocketAddress source, final boolean verified) {
        if (header.readOnly() || source.getPort() == 0) {
            return; // BEP 43: read-only peers never enter routing tables
        }
        final int outcome = table.onMessage(header.senderHi(), header.senderMid(), header.senderLo(), source, verified,
            clock.nowMs());
        switch (outcome) {
            // An unknown sender is pinged; its PONG (a reply, so verified) is what lets it into the table.
            case RoutingOutcome.NEEDS_VERIFY -> verify(source);
            // Paper 2.2: the newcomer waits in the replacement cache while the least-recently-seen head is pinged.
            case RoutingOutcome.BUCKET_FULL_PING_HEAD -> {
                final Contact head = table.headToPing();
                if (verified) {
                    mergeWatch.onCached(header.sender());
                }
                pingHead(head);
            }
            // An id/address mismatch is believed only from a verified reply (xlattice "Hardening"): ping the
            // address; its PONG settles which id lives there now.
            case RoutingOutcome.ADDRESS_CONFLICT -> {
                counters.increment(CounterId.ADDRESS_CONFLICTS);
                verify(source);
            }
            case RoutingOutcome.ADDED -> onContactAdded(header.sender());
            default -> {
            }
        }
    }

    /** A verified newcomer: maybe another island came into reach (merge), maybe it should hold some of our values. */
    private void onContactAdded(final NodeId id) {
        mergeWatch.onAdded(id);
        bootstrapper.onContactAdded();
        final Contact c = table.find(id);
        if (c != null) {
            handoff.onAdded(c);
        }
    }

    /** Pings an address so that its answer (verified) is reported to the table; bounded in number. */
    private void verify(final InetSocketAddress source) {
        if (verifying.size() >= config.maxPendingVerifications() || !verifying.add(source)) {
            return;
        }
        counters.increment(CounterId.CONTACTS_VERIFY_PINGS);
        final long id = ping(source, new ResponseListener() {
            @Override
            public void onResponse(final HeaderFlyweight h, final DirectBuffer b, final int o, final int l, final InetSocketAddress s) {
                verifying.remove(source);
            }

            @Override
            public void onTimeout() {
                verifying.remove(source);
            }
        });
        if (id == 0) {
            verifying.remove(source);
        }
    }

    /**
     * Pings the head of a full bucket. Its PONG reaches the table through the dispatcher's observer as a
     * verified message (the head moves to the tail); a timeout is reported with onFailure, which evicts
     * it for the cached newcomer once it is stale.
     */
    private void pingHead(final Contact head) {
        if (head == null || !pingingHeads.add(head.id())) {
            return;
        }
        counters.increment(CounterId.HEAD_PINGS);
        final NodeId headId = head.id();
        final long id = ping(head.address(), new ResponseListener() {
            @Override
            public void onResponse(final HeaderFlyweight h, final DirectBuffer b, final int o, final int l, final InetSocketAddress s) {
                pingingHeads.remove(headId);
            }

            @Override
            public void onTimeout() {
                pingingHeads.remove(headId);
                onContactFailed(headId);
            }
        });
        if (id == 0) {
            // Not sent (our own call limit): no verdict on the head; the table asks again after its guard time.
            pingingHeads.remove(headId);
        }
    }

    void onContactFailed(final NodeId id) {
        counters.increment(CounterId.CONTACTS_FAILED);
        if (table.onFailure(id, clock.nowMs()) == RoutingOutcome.EVICTED) {
            counters.increment(CounterId.CONTACTS_EVICTED);
            events.record(clock.nowMs(), EventType.CONTACT, "evicted unresponsive contact " + id.shortHex());
        }
    }

    private long ping(final InetSocketAddress to, final ResponseListener listener) {
        return tracker().call(to, MessageType.PING, 0, config.rpcTimeoutMs(), listener);
    }

    // ---------------------------------------------------------------- request handlers

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

    /** NODES with the k closest verified contacts, IPv4 first (wire.md), encoded in place: no allocation. */
    private void replyNodes(final long tHi, final long tMid, final int tLo, final InetSocketAddress source, final Responder r) {
        final Contact[] cs = closestScratch;
        final int n = table.closest(tHi, tMid, tLo, config.k(), cs);
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

    private static int bodyLength(final int messageLength) {
        return messageLength - MessageFlyweight.BODY_OFFSET;
    }

    private void onFindValue(final HeaderFlyweight h, final DirectBuffer buffer, final int offset, final int length,
                             final InetSocketAddress source, final Responder r) {
        counters.increment(CounterId.FIND_VALUE_RECEIVED);
        final long nowMs = clock.nowMs();
        final FindValueFlyweight req = findValue.wrap(buffer, offset);
        final NodeId key = req.keyAsNodeId();
        final Tuple t = store.get(key);
        if (t != null && t.expiresAtMs() > nowMs) {
            final long ttlSeconds = Math.min(0xFFFF_FFFFL, Math.max(0, (t.expiresAtMs() - nowMs) / 1000));
            final NodeId p = t.publisher();
            final int replyLength = valueOut.wrap(r.buffer(), 0).encode(tokens.token(source, nowMs), p.hi(), p.mid(), p.lo(),
                ttlSeconds, t.value());
            r.reply(MessageType.VALUE, bodyLength(replyLength));
            return;
        }
        replyNodes(key.hi(), key.mid(), key.lo(), source, r);
    }

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
        final byte[] value = req.copyValue();
        final NodeId key = req.keyAsNodeId();
        if (!NodeId.sha1(value).equals(key)) {
            // Keys are content hashes (xlattice): a mismatch is a forgery or corruption, never stored.
            storeResult(r, StoreResultStatus.KEY_MISMATCH, CounterId.STORE_KEY_MISMATCH);
            return;
        }
        final NodeId publisher = req.publisherAsNodeId();
        final long ttlMs = Math.min(config.expireAfterMs(), req.ttlSeconds() * 1000);
        final Tuple existing = store.get(key);
        if (existing == null && !LocalWriteReserve.remoteMayAdd(store, valueLength)) {
            storeResult(r, StoreResultStatus.STORE_FULL, CounterId.STORE_RESERVED_FOR_LOCAL); // issue 12: room kept for our own publishes
            return;
        }
        final boolean original = existing != null && existing.original();
        final long publishedAtMs = original ? existing.publishedAtMs() : nowMs - (config.expireAfterMs() - ttlMs);
        final long expiresAtMs = original ? existing.expiresAtMs() : nowMs + ttlMs;
        final StoreStatus status = store.put(new Tuple(key, value, publisher, publishedAtMs, expiresAtMs, original, nowMs));
        switch (status) {
            case OK, STALE -> {
                storeResult(r, StoreResultStatus.OK, CounterId.STORE_OK);
                if (existing == null) {
                    events.record(nowMs, EventType.STORE, "stored " + key.shortHex() + " (" + valueLength + " B) from " + source);
                    handoff.onNewValue(key); // a copy that landed off target goes on to the k closest (issue 11)
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

    // ---------------------------------------------------------------- operations (node thread)

    /** iterativeFindNode (or iterativeFindValue when {@code findValue}); {@code done} gets the result. */
    public void lookup(final NodeId target, final boolean findValue, final Consumer<LookupResult> done) {
        startLookup(target, findValue, false, l -> done.accept(l.result()));
    }

    /**
     * iterativeFindNode of {@code target} that starts from {@code seeds} only, not from the table: a contact
     * from another network would rarely be among our k closest to the target, so a lookup started from the
     * table would never ask it (issue 11: the merge and the join of an already populated table need this).
     */
    void lookupFrom(final NodeId target, final List<Contact> seeds, final Consumer<LookupResult> done) {
        if (seeds.isEmpty()) {
            lookup(target, false, done);
            return;
        }
        counters.increment(CounterId.LOOKUPS_STARTED);
        table.touch(target, clock.nowMs());
        new Lookup(this, target, false, l -> done.accept(l.result())).start(seeds.toArray(new Contact[0]), seeds.size());
    }

    private void startLookup(final NodeId target, final boolean findValue, final boolean forStore, final Consumer<Lookup> done) {
        counters.increment(CounterId.LOOKUPS_STARTED);
        final long startMs = clock.nowMs();
        table.touch(target, startMs); // a lookup into a bucket's range counts as activity (xlattice "Bucket refresh")
        final Lookup lookup = new Lookup(this, target, findValue, l -> {
            final LookupResult r = l.result();
            events.record(clock.nowMs(), EventType.LOOKUP, (findValue ? "find_value " : "find_node ") + target.shortHex()
                + (findValue ? (r.found() ? " found" : " not found") : " closest " + r.closest().size())
                + " rounds " + r.rounds() + " queried " + r.queried() + " failed " + r.failed()
                + " in " + (clock.nowMs() - startMs) + " ms");
            done.accept(l);
        });
        if (forStore) {
            lookup.waitForStalled();
        }
        final Contact[] initial = new Contact[config.k()];
        final int n = table.closest(target, config.k(), initial);
        lookup.start(initial, n);
    }

    /** Sends one STORE with a token we got from that node; {@code done} gets the status or -1 on timeout. */
    void storeAt(final InetSocketAddress to, final long token, final NodeId key, final byte[] value, final NodeId publisher,
                 final long ttlSeconds, final IntConsumer done) {
        final RpcTracker tracker = tracker();
        final int length = storeOut.wrap(tracker.requestBuffer(), 0).encode(key, token, publisher,
            Math.min(0xFFFF_FFFFL, Math.max(0, ttlSeconds)), value);
        final long id = tracker.call(to, MessageType.STORE, bodyLength(length), config.rpcTimeoutMs(), new ResponseListener() {
            @Override
            public void onResponse(final HeaderFlyweight h, final DirectBuffer buf, final int off, final int len, final InetSocketAddress s) {
                // Responses were validated by the dispatcher; a STORE_RESULT is exactly 33 bytes.
                final int status = h.type() == MessageType.STORE_RESULT
                    ? storeResult.wrap(buf, off).status() : StoreResultStatus.BAD_REQUEST;
                if (done != null) {
                    done.accept(status);
                }
            }

            @Override
            public void onTimeout() {
                if (done != null) {
                    done.accept(-1);
                }
            }
        });
        if (id == 0 && done != null) {
            done.accept(-1);
        }
    }

    /**
     * iterativeStore: finds the k closest nodes to {@code key} and STOREs at each with its token.
     * {@code done} gets how many accepted (status OK).
     */
    public void iterativeStore(final NodeId key, final byte[] value, final NodeId publisher, final long ttlSeconds,
                               final IntConsumer done) {
        startLookup(key, false, true, l -> {
            final List<Lookup.Candidate> targets = l.answered();
            if (targets.isEmpty()) {
                done.accept(0);
                return;
            }
            final int[] pending = {targets.size()};
            final int[] ok = {0};
            for (final Lookup.Candidate c : targets) {
                storeAt(c.address, c.token, key, value, publisher, ttlSeconds, status -> {
                    if (status == StoreResultStatus.OK) {
                        ok[0]++;
                    }
                    if (--pending[0] == 0) {
                        done.accept(ok[0]);
                    }
                });
            }
        });
    }

    /**
     * Publishes a value: key = SHA-1(value); kept locally as the original (we republish it every
     * tRepublish) and stored at the k closest nodes. {@code done} gets the local store's answer and the
     * number of remote copies, so the caller can say truthfully where the value is.
     */
    public NodeId publish(final byte[] value, final PublishDone done) {
        final NodeId key = NodeId.sha1(value);
        final long nowMs = clock.nowMs();
        if (value.length > config.maxValueBytes()) {
            throw new IllegalArgumentException("value of " + value.length + " B is over the " + config.maxValueBytes() + " B limit");
        }
        final StoreStatus local = store.put(new Tuple(key, value, localId, nowMs, nowMs + config.expireAfterMs(), true, nowMs));
        if (local == StoreStatus.DISK_FULL) {
            counters.increment(CounterId.STORE_DISK_FULL);
        }
        iterativeStore(key, value, localId, config.expireAfterMs() / 1000, copies -> {
            events.record(clock.nowMs(), EventType.PUBLISH, "published " + key.toHex() + " (" + value.length + " B) local "
                + local + ", remote copies " + copies + (copies == 0 ? " (not joined: stored on the network once joined)" : ""));
            if (copies == 0 && (local == StoreStatus.OK || local == StoreStatus.STALE)) {
                unstoredOriginals.add(key);
            } else {
                unstoredOriginals.remove(key);
            }
            done.accept(local, copies);
        });
        return key;
    }

    /** Where a publish put the value: the local store's answer and how many remote nodes accepted a copy. */
    @FunctionalInterface
    public interface PublishDone {
        void accept(StoreStatus local, int remoteCopies);
    }

    /** Gets a value: the local store first, then iterativeFindValue. {@code done} gets the value or null. */
    public void get(final NodeId key, final Consumer<byte[]> done) {
        final Tuple t = store.get(key);
        if (t != null && t.expiresAtMs() > clock.nowMs()) {
            done.accept(t.value());
            return;
        }
        lookup(key, true, r -> {
            events.record(clock.nowMs(), EventType.GET, "get " + key.toHex() + (r.found() ? " found" : " not found"));
            done.accept(r.value());
        });
    }

    /** IDENTIFY: learns the id of a node known only by address (a PING; the PONG header carries the id). Null on timeout. */
    public void identify(final InetSocketAddress address, final Consumer<NodeId> done) {
        identify(address, config.rpcTimeoutMs(), done);
    }

    /** As {@link #identify(InetSocketAddress, Consumer)} waiting {@code timeoutMs} (bootstrap: the first contact waits longer). */
    void identify(final InetSocketAddress address, final long timeoutMs, final Consumer<NodeId> done) {
        final long id = tracker().call(address, MessageType.PING, 0, timeoutMs, new ResponseListener() {
            @Override
            public void onResponse(final HeaderFlyweight h, final DirectBuffer b, final int o, final int l, final InetSocketAddress s) {
                done.accept(h.type() == MessageType.PONG ? h.sender() : null);
            }

            @Override
            public void onTimeout() {
                done.accept(null);
            }
        });
        if (id == 0) {
            done.accept(null);
        }
    }

    /**
     * Join (xlattice "Join"): identify the bootstrap contacts (their PONGs put them in the table), look up
     * our own id, then refresh every bucket farther than our closest neighbour. {@code done} gets the table size.
     */
    public void join(final List<InetSocketAddress> bootstraps, final IntConsumer done) {
        counters.increment(CounterId.JOINS);
        if (bootstraps.isEmpty()) {
            done.accept(table.size());
            return;
        }
        final int[] pending = {bootstraps.size()};
        final int[] reached = {0};
        final List<Contact> seeds = new ArrayList<>();
        for (final InetSocketAddress b : bootstraps) {
            identify(b, id -> {
                if (id != null) {
                    reached[0]++;
                    seeds.add(new Contact(id, b));
                }
                if (--pending[0] == 0) {
                    if (reached[0] == 0) {
                        events.record(clock.nowMs(), EventType.JOIN, "join failed: no bootstrap contact answered " + bootstraps);
                        done.accept(table.size());
                        return;
                    }
                    selfLookupAndRefresh(seeds, done);
                }
            });
        }
    }

    /** Looks ourselves up starting from {@code seeds} (the table when empty), then refreshes the farther buckets. */
    void selfLookupAndRefresh(final List<Contact> seeds, final IntConsumer done) {
        mergeWatch.selfLookupRan();
        lookupFrom(localId, seeds, self -> {
            // Buckets are numbered nearest first; those after our closest neighbour's bucket are refreshed.
            // Targets are drawn before any lookup runs: lookups add contacts, and splits renumber buckets.
            final int nearest = table.closestNeighbourBucket();
            final List<NodeId> farther = new ArrayList<>();
            for (int i = nearest + 1; nearest >= 0 && i < table.bucketCount(); i++) {
                farther.add(table.randomIdInBucket(i, random));
            }
            if (farther.isEmpty()) {
                joined(done);
                return;
            }
            final int[] pending = {farther.size()};
            for (final NodeId target : farther) {
                lookup(target, false, r -> {
                    if (--pending[0] == 0) {
                        joined(done);
                    }
                });
            }
        });
    }

    private void joined(final IntConsumer done) {
        events.record(clock.nowMs(), EventType.JOIN, "joined: " + table.size() + " contacts");
        if (table.size() > 0) {
            bootstrapper.joinedExplicitly();
        }
        done.accept(table.size());
    }

    // ---------------------------------------------------------------- bootstrap that never gives up (issue 11)

    /**
     * Starts the bootstrap that never gives up ({@link Bootstrapper}): tries the join addresses (resolved
     * again each attempt by {@code joins}), the saved contacts and discovered neighbours until it joins,
     * with exponential backoff. Calling it again replaces the sources and attempts at once.
     */
    public void bootstrap(final JoinResolver joins, final List<InetSocketAddress> savedContacts) {
        bootstrapper.start(joins, savedContacts);
    }

    /** A possible peer learnt from discovery: verified by a PING before it is used (bounded, counted). */
    public void offerCandidate(final InetSocketAddress address) {
        bootstrapper.offerCandidate(address);
    }

    public JoinState joinState() {
        return bootstrapper.state();
    }

    /** {@code listener} hears every change of join phase (node thread). */
    public void onJoinChange(final Consumer<JoinState> listener) {
        bootstrapper.onChange(listener);
    }

    /** First join: originals published while alone go to the network now (not after tRepublish). */
    void onJoined() {
        if (unstoredOriginals.isEmpty()) {
            return;
        }
        final long nowMs = clock.nowMs();
        final List<NodeId> keys = new ArrayList<>(unstoredOriginals);
        unstoredOriginals.clear();
        for (final NodeId key : keys) {
            final Tuple t = store.get(key);
            if (t == null || !t.original() || t.expiresAtMs() <= nowMs) {
                continue;
            }
            counters.increment(CounterId.UNSTORED_ORIGINALS_RESTORED);
            iterativeStore(key, t.value(), localId, (t.expiresAtMs() - nowMs) / 1000, copies -> {
                events.record(clock.nowMs(), EventType.PUBLISH, "published " + key.toHex() + " after joining: remote copies " + copies);
                if (copies == 0) {
                    unstoredOriginals.add(key);
                }
            });
        }
    }

    boolean running() {
        return running;
    }

    RandomGenerator random() {
        return random;
    }

    // ---------------------------------------------------------------- timers

    /** Bucket refresh (xlattice): a bucket with no activity for tRefresh gets a lookup of a random id in its range. */
    void refreshStaleBuckets() {
        final long nowMs = clock.nowMs();
        if (table.size() == 0) {
            return; // nobody to ask: a lone node has nothing to refresh
        }
        // Draw every due target first: refresh lookups add contacts, and a split renumbers buckets.
        final List<NodeId> due = new ArrayList<>();
        for (int i = 0, n = table.bucketCount(); i < n; i++) {
            if (nowMs - table.bucketLastTouchedMs(i) >= config.refreshIntervalMs()) {
                due.add(table.randomIdInBucket(i, random));
            }
        }
        for (final NodeId target : due) {
            counters.increment(CounterId.BUCKET_REFRESHES);
            lookup(target, false, r -> {
            });
        }
    }

    /**
     * Replication (xlattice "Replication rules"): every tReplicate, re-store each value we hold but did not
     * publish, skipping keys someone stored at us within the last interval (they are being replicated already).
     */
    void replicate() {
        final long nowMs = clock.nowMs();
        counters.increment(CounterId.REPLICATION_RUNS);
        final List<Tuple> due = new ArrayList<>();
        store.forEach(t -> {
            if (!t.original() && t.expiresAtMs() > nowMs && nowMs - t.lastStoreReceivedMs() >= config.replicateIntervalMs()) {
                due.add(t);
            }
        });
        for (final Tuple t : due) {
            counters.increment(CounterId.VALUES_REPLICATED);
            iterativeStore(t.key(), t.value(), t.publisher(), (t.expiresAtMs() - nowMs) / 1000, n -> {
            });
        }
        if (!due.isEmpty()) {
            events.record(nowMs, EventType.REPLICATE, "replicating " + due.size() + " values");
        }
    }

    /** The original publisher re-stores its values every tRepublish with a fresh expiry. */
    void republish() {
        final long nowMs = clock.nowMs();
        final List<Tuple> originals = new ArrayList<>();
        store.forEach(t -> {
            if (t.original()) {
                originals.add(t);
            }
        });
        for (final Tuple t : originals) {
            counters.increment(CounterId.REPUBLISHES);
            store.put(new Tuple(t.key(), t.value(), localId, nowMs, nowMs + config.expireAfterMs(), true, t.lastStoreReceivedMs()));
            iterativeStore(t.key(), t.value(), localId, config.expireAfterMs() / 1000, n -> {
            });
        }
        if (!originals.isEmpty()) {
            events.record(nowMs, EventType.REPUBLISH, "republishing " + originals.size() + " values");
        }
    }

    void expire() {
        final int n = store.expire(clock.nowMs());
        if (n > 0) {
            counters.add(CounterId.VALUES_EXPIRED, n);
            events.record(clock.nowMs(), EventType.EXPIRE, "expired " + n + " values");
        }
    }

    /** The node thread's timers (lookups schedule their stall timers here). */
    Scheduler scheduler() {
        return scheduler;
    }

    /** The node's clock (lookups time their requests with it). */
    Clock clock() {
        return clock;
    }

    /** Round trips of lookup replies, from which lookups take their stall (RFC 6298). */
    RttEstimator lookupRtt() {
        return lookupRtt;
    }
}
