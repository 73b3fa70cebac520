package chisme.node.kademlia;

import chisme.node.event.EventLog;
import chisme.node.event.EventType;
import chisme.node.metrics.CounterId;
import chisme.node.metrics.Counters;
import chisme.node.rpc.Dispatcher;
import chisme.node.rpc.Responder;
import chisme.node.rpc.ResponseListener;
import chisme.node.rpc.RpcTracker;
import chisme.node.transport.Clock;
import chisme.node.transport.Scheduler;
import chisme.node.transport.Transport;
import chisme.store.StoreStatus;
import chisme.store.Tuple;
import chisme.store.TupleStore;
import chisme.wire.HeaderFlyweight;
import chisme.wire.MessageType;
import chisme.wire.NodeId;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

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
    private final TupleStore store;
    private final EventLog events;
    private final Counters counters;
    private final RandomGenerator random;
    private final Dispatcher dispatcher;
    private final BucketTable table;
    private final TokenIssuer tokens;
    private final KadContact[] closestScratch;
    private final Set<InetSocketAddress> verifying = new HashSet<>();
    private final Set<NodeId> pingingHeads = new HashSet<>();
    private final List<Scheduler.Cancellable> timers = new ArrayList<>();
    private HeaderFlyweight observed;
    private final BucketTable.IdSupplier observedSender = () -> observed.sender();
    private boolean running;

    public KademliaEngine(final KademliaConfig config, final NodeId localId, final Transport transport, final Scheduler scheduler,
                          final Clock clock, final TupleStore store, final EventLog events, final Counters counters,
                          final RandomGenerator random) {
        this.config = config.conclude();
        this.localId = localId;
        this.transport = transport;
        this.scheduler = scheduler;
        this.clock = clock;
        this.store = store;
        this.events = events;
        this.counters = counters;
        this.random = random;
        this.dispatcher = new Dispatcher(localId, transport, scheduler, clock, counters, random, config.rpc());
        this.table = new BucketTable(localId, config.k(), config.maxFailures(), config.replacementCacheSize());
        this.tokens = new TokenIssuer(random, config.tokenRotationMs(), clock.nowMs());
        this.closestScratch = new KadContact[config.k()];
        dispatcher.registerRequestHandler(MessageType.PING, this::onPing);
        dispatcher.registerRequestHandler(MessageType.FIND_NODE, this::onFindNode);
        dispatcher.registerRequestHandler(MessageType.FIND_VALUE, this::onFindValue);
        dispatcher.registerRequestHandler(MessageType.STORE, this::onStore);
        dispatcher.observer(this::onMessage);
    }

    /** The dispatcher: shared-state registers its handlers here and calls through {@code dispatcher().tracker()}. */
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

    public BucketTable table() {
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
        observed = header;
        final int outcome = table.onMessage(header.senderHi(), header.senderMid(), header.senderLo(), observedSender,
            source, verified, clock.nowMs());
        if (outcome == BucketTable.NEEDS_VERIFY) {
            verify(source);
        } else if (outcome == BucketTable.BUCKET_FULL_PING_HEAD) {
            pingHead(table.headToPing());
        }
    }

    /** An unknown sender is pinged; its PONG (a verified reply) is what lets it into the table. */
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

    private void pingHead(final KadContact head) {
        if (!pingingHeads.add(head.id)) {
            return;
        }
        counters.increment(CounterId.HEAD_PINGS);
        final NodeId headId = head.id;
        final long id = ping(head.address, new ResponseListener() {
            @Override
            public void onResponse(final HeaderFlyweight h, final DirectBuffer b, final int o, final int l, final InetSocketAddress s) {
                pingingHeads.remove(headId);
            }

            @Override
            public void onTimeout() {
                pingingHeads.remove(headId);
                counters.increment(CounterId.CONTACTS_FAILED);
                if (table.onFailure(headId, true)) {
                    events.record(clock.nowMs(), EventType.CONTACT, "evicted unresponsive head " + headId.shortHex());
                }
            }
        });
        if (id == 0) {
            pingingHeads.remove(headId);
        }
    }

    void onContactFailed(final NodeId id) {
        counters.increment(CounterId.CONTACTS_FAILED);
        table.onFailure(id, false);
    }

    private long ping(final InetSocketAddress to, final ResponseListener listener) {
        return tracker().call(to, MessageType.PING, 0, config.rpcTimeoutMs(), listener);
    }

    // ---------------------------------------------------------------- request handlers

    private void onPing(final HeaderFlyweight h, final DirectBuffer buffer, final int offset, final int length,
                        final InetSocketAddress source, final Responder r) {
        counters.increment(CounterId.PING_RECEIVED);
        if (length != KadCodec.BODY) {
            dispatcher.dropBadBody();
            return;
        }
        // PONG tells the requester its address as we see it (NAT discovery) and, in the header, our id (IDENTIFY).
        final byte[] ip = source.getAddress().getAddress();
        r.reply(MessageType.PONG, KadCodec.encodePong(r.buffer(), Responder.BODY_OFFSET, ip, source.getPort()));
    }

    /** The hot path: validate, closest(k) into a reusable array, encode in place, send. No allocation. */
    private void onFindNode(final HeaderFlyweight h, final DirectBuffer buffer, final int offset, final int length,
                            final InetSocketAddress source, final Responder r) {
        counters.increment(CounterId.FIND_NODE_RECEIVED);
        if (length != KadCodec.BODY + NodeId.BYTES) {
            dispatcher.dropBadBody();
            return;
        }
        replyNodes(buffer, offset + KadCodec.BODY, source, r);
    }

    private void replyNodes(final DirectBuffer buffer, final int keyOffset, final InetSocketAddress source, final Responder r) {
        final int n = table.closest(NodeId.readHi(buffer, keyOffset), NodeId.readMid(buffer, keyOffset),
            NodeId.readLo(buffer, keyOffset), config.k(), closestScratch);
        final long token = tokens.token(source, clock.nowMs());
        final int bodyLength = KadCodec.encodeNodes(r.buffer(), Responder.BODY_OFFSET, token, closestScratch, n);
        r.reply(MessageType.NODES, bodyLength);
    }

    private void onFindValue(final HeaderFlyweight h, final DirectBuffer buffer, final int offset, final int length,
                             final InetSocketAddress source, final Responder r) {
        counters.increment(CounterId.FIND_VALUE_RECEIVED);
        if (length != KadCodec.BODY + NodeId.BYTES) {
            dispatcher.dropBadBody();
            return;
        }
        final long nowMs = clock.nowMs();
        final NodeId key = NodeId.read(buffer, offset + KadCodec.BODY);
        final Tuple t = store.get(key);
        if (t != null && t.expiresAtMs() > nowMs) {
            final MutableDirectBuffer out = r.buffer();
            final long ttlSeconds = (t.expiresAtMs() - nowMs) / 1000;
            final int fixed = KadCodec.encodeValueHeader(out, Responder.BODY_OFFSET, tokens.token(source, nowMs),
                t.publisher(), ttlSeconds, t.value().length);
            out.putBytes(Responder.BODY_OFFSET + fixed, t.value());
            r.reply(MessageType.VALUE, fixed + t.value().length);
            return;
        }
        replyNodes(buffer, offset + KadCodec.BODY, source, r);
    }

    private void onStore(final HeaderFlyweight h, final DirectBuffer buffer, final int offset, final int length,
                         final InetSocketAddress source, final Responder r) {
        counters.increment(CounterId.STORE_RECEIVED);
        final int body = offset + KadCodec.BODY;
        final int bodyLength = length - KadCodec.BODY;
        final long nowMs = clock.nowMs();
        if (!KadCodec.validStore(buffer, body, bodyLength)) {
            storeResult(r, KadCodec.STATUS_BAD_REQUEST, CounterId.STORE_BAD_REQUEST);
            return;
        }
        if (!tokens.valid(buffer.getLong(body + 20, KadCodec.LE), source, nowMs)) {
            // BEP 5: only a peer that asked us from this address within the last two rotations may store.
            storeResult(r, KadCodec.STATUS_BAD_TOKEN, CounterId.STORE_BAD_TOKEN);
            return;
        }
        final int valueLength = bodyLength - KadCodec.STORE_FIXED;
        if (valueLength > config.maxValueBytes() || valueLength > store.maxValueBytes()) {
            storeResult(r, KadCodec.STATUS_TOO_LARGE, CounterId.STORE_TOO_LARGE);
            return;
        }
        final byte[] value = new byte[valueLength];
        buffer.getBytes(body + KadCodec.STORE_FIXED, value);
        final NodeId key = NodeId.read(buffer, body);
        if (!NodeId.sha1(value).equals(key)) {
            // Keys are content hashes (xlattice): a mismatch is a forgery or corruption, never stored.
            storeResult(r, KadCodec.STATUS_KEY_MISMATCH, CounterId.STORE_KEY_MISMATCH);
            return;
        }
        final NodeId publisher = NodeId.read(buffer, body + 28);
        final long ttlMs = Math.min(config.expireAfterMs(), (buffer.getInt(body + 48, KadCodec.LE) & 0xFFFF_FFFFL) * 1000);
        final Tuple existing = store.get(key);
        final boolean original = existing != null && existing.original();
        final long publishedAtMs = original ? existing.publishedAtMs() : nowMs - (config.expireAfterMs() - ttlMs);
        final long expiresAtMs = original ? existing.expiresAtMs() : nowMs + ttlMs;
        final StoreStatus status = store.put(new Tuple(key, value, publisher, publishedAtMs, expiresAtMs, original, nowMs));
        switch (status) {
            case OK, STALE -> {
                storeResult(r, KadCodec.STATUS_OK, CounterId.STORE_OK);
                if (existing == null) {
                    events.record(nowMs, EventType.STORE, "stored " + key.shortHex() + " (" + valueLength + " B) from " + source);
                }
            }
            case FULL -> storeResult(r, KadCodec.STATUS_STORE_FULL, CounterId.STORE_FULL);
            case TOO_LARGE -> storeResult(r, KadCodec.STATUS_TOO_LARGE, CounterId.STORE_TOO_LARGE);
        }
    }

    private void storeResult(final Responder r, final int status, final CounterId counter) {
        counters.increment(counter);
        r.buffer().putByte(Responder.BODY_OFFSET, (byte) status);
        r.reply(MessageType.STORE_RESULT, 1);
    }

    // ---------------------------------------------------------------- operations (node thread)

    /** iterativeFindNode (or iterativeFindValue when {@code findValue}); {@code done} gets the result. */
    public void lookup(final NodeId target, final boolean findValue, final Consumer<LookupResult> done) {
        startLookup(target, findValue, l -> done.accept(l.result()));
    }

    private void startLookup(final NodeId target, final boolean findValue, final Consumer<Lookup> done) {
        counters.increment(CounterId.LOOKUPS_STARTED);
        final long startMs = clock.nowMs();
        table.touch(localId.bucketIndex(target), startMs);
        final Lookup lookup = new Lookup(this, target, findValue, l -> {
            final LookupResult r = l.result();
            events.record(clock.nowMs(), EventType.LOOKUP, (findValue ? "find_value " : "find_node ") + target.shortHex()
                + (findValue ? (r.found() ? " found" : " not found") : " closest " + r.closest().size())
                + " rounds " + r.rounds() + " queried " + r.queried() + " failed " + r.failed()
                + " in " + (clock.nowMs() - startMs) + " ms");
            done.accept(l);
        });
        final KadContact[] initial = new KadContact[config.k()];
        final int n = table.closest(target.hi(), target.mid(), target.lo(), config.k(), initial);
        lookup.start(initial, n);
    }

    /** Sends one STORE with a token we got from that node; {@code done} gets the status or -1 on timeout. */
    void storeAt(final InetSocketAddress to, final long token, final NodeId key, final byte[] value, final NodeId publisher,
                 final long ttlSeconds, final IntConsumer done) {
        final RpcTracker tracker = tracker();
        final MutableDirectBuffer b = tracker.requestBuffer();
        final int fixed = KadCodec.encodeStoreHeader(b, RpcTracker.BODY_OFFSET, key, token, publisher, ttlSeconds, value.length);
        b.putBytes(RpcTracker.BODY_OFFSET + fixed, value);
        final long id = tracker.call(to, MessageType.STORE, fixed + value.length, config.rpcTimeoutMs(), new ResponseListener() {
            @Override
            public void onResponse(final HeaderFlyweight h, final DirectBuffer buf, final int off, final int len, final InetSocketAddress s) {
                final int status = h.type() == MessageType.STORE_RESULT && len == KadCodec.BODY + 1
                    ? buf.getByte(off + KadCodec.BODY) & 0xFF : KadCodec.STATUS_BAD_REQUEST;
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
        startLookup(key, false, l -> {
            final List<Lookup.Candidate> targets = l.answered();
            if (targets.isEmpty()) {
                done.accept(0);
                return;
            }
            final int[] pending = {targets.size()};
            final int[] ok = {0};
            for (final Lookup.Candidate c : targets) {
                storeAt(c.address, c.token, key, value, publisher, ttlSeconds, status -> {
                    if (status == KadCodec.STATUS_OK) {
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
     * tRepublish) and stored at the k closest nodes. {@code done} gets the number of remote copies.
     */
    public NodeId publish(final byte[] value, final IntConsumer done) {
        final NodeId key = NodeId.sha1(value);
        final long nowMs = clock.nowMs();
        if (value.length > config.maxValueBytes()) {
            throw new IllegalArgumentException("value of " + value.length + " B is over the " + config.maxValueBytes() + " B limit");
        }
        final StoreStatus local = store.put(new Tuple(key, value, localId, nowMs, nowMs + config.expireAfterMs(), true, nowMs));
        iterativeStore(key, value, localId, config.expireAfterMs() / 1000, copies -> {
            events.record(clock.nowMs(), EventType.PUBLISH, "published " + key.toHex() + " (" + value.length + " B) local "
                + local + ", remote copies " + copies);
            done.accept(copies);
        });
        return key;
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
        final long id = ping(address, new ResponseListener() {
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
        for (final InetSocketAddress b : bootstraps) {
            identify(b, id -> {
                if (id != null) {
                    reached[0]++;
                }
                if (--pending[0] == 0) {
                    if (reached[0] == 0) {
                        events.record(clock.nowMs(), EventType.JOIN, "join failed: no bootstrap contact answered " + bootstraps);
                        done.accept(table.size());
                        return;
                    }
                    selfLookupAndRefresh(done);
                }
            });
        }
    }

    private void selfLookupAndRefresh(final IntConsumer done) {
        lookup(localId, false, self -> {
            final int nearest = table.nearestBucket();
            final List<Integer> farther = new ArrayList<>();
            for (int i = Math.max(0, nearest + 1); nearest >= 0 && i < NodeId.BITS; i++) {
                farther.add(i);
            }
            if (farther.isEmpty()) {
                joined(done);
                return;
            }
            final int[] pending = {farther.size()};
            for (final int bucket : farther) {
                lookup(localId.randomInBucket(bucket, random), false, r -> {
                    if (--pending[0] == 0) {
                        joined(done);
                    }
                });
            }
        });
    }

    private void joined(final IntConsumer done) {
        events.record(clock.nowMs(), EventType.JOIN, "joined: " + table.size() + " contacts");
        done.accept(table.size());
    }

    // ---------------------------------------------------------------- timers

    /** Bucket refresh (xlattice): a bucket with no activity for tRefresh gets a lookup of a random id in its range. */
    void refreshStaleBuckets() {
        final long nowMs = clock.nowMs();
        final int nearest = table.nearestBucket();
        if (nearest < 0) {
            return;
        }
        for (int i = nearest; i < NodeId.BITS; i++) {
            if (nowMs - table.touchedMs(i) >= config.refreshIntervalMs()) {
                counters.increment(CounterId.BUCKET_REFRESHES);
                lookup(localId.randomInBucket(i, random), false, r -> {
                });
            }
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
}
