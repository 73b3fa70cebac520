package chisme.node.kademlia;

import chisme.node.event.EventLog;
import chisme.node.event.EventType;
import chisme.node.metrics.CounterId;
import chisme.node.metrics.Counters;
import chisme.node.routing.Contact;
import chisme.node.routing.RoutingTable;
import chisme.node.rpc.ResponseListener;
import chisme.node.rpc.RpcTracker;
import chisme.store.StoreStatus;
import chisme.store.Tuple;
import chisme.store.TupleStore;
import chisme.wire.HeaderFlyweight;
import chisme.wire.MessageType;
import chisme.wire.NodeId;
import chisme.wire.StoreFlyweight;
import chisme.wire.StoreResultFlyweight;
import chisme.wire.StoreResultStatus;
import org.agrona.DirectBuffer;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.random.RandomGenerator;

/**
 * The client side of Kademlia, asynchronous on the node thread: lookups (iterativeFindNode / FindValue),
 * iterativeStore, publish and get, IDENTIFY and the join of xlattice "Join". Every callback runs on the
 * node thread.
 */
final class KademliaClient {
    /** What the engine does at the steps of a join (merge watch and bootstrap follow them). */
    interface JoinListener {
        /** A self-lookup starts (the merge watch need not start one of its own for a while). */
        void selfLookupRan();

        /** An explicit join ended with a non-empty table. */
        void joinedExplicitly();
    }

    private final LookupContext ctx;
    private final KademliaConfig config;
    private final NodeId localId;
    private final RoutingTable table;
    private final TupleStore store;
    private final EventLog events;
    private final Counters counters;
    private final RandomGenerator random;
    private final StoreFlyweight storeOut = new StoreFlyweight();
    private final StoreResultFlyweight storeResult = new StoreResultFlyweight();
    /** Originals whose publish reached no remote node (we were alone): stored on the network once we join. */
    private final Set<NodeId> unstoredOriginals = new HashSet<>();
    private JoinListener joinListener;

    KademliaClient(final LookupContext ctx, final RoutingTable table, final TupleStore store, final EventLog events,
                   final RandomGenerator random) {
        this.ctx = ctx;
        this.config = ctx.config;
        this.localId = ctx.localId;
        this.table = table;
        this.store = store;
        this.events = events;
        this.counters = ctx.counters;
        this.random = random;
    }

    void joinListener(final JoinListener l) {
        this.joinListener = l;
    }

    private long nowMs() {
        return ctx.clock.nowMs();
    }

    /** iterativeFindNode (or iterativeFindValue when {@code findValue}); {@code done} gets the result. */
    void lookup(final NodeId target, final boolean findValue, final Consumer<LookupResult> done) {
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
        table.touch(target, nowMs());
        new Lookup(ctx, target, false, l -> done.accept(l.result())).start(seeds.toArray(new Contact[0]), seeds.size());
    }

    private void startLookup(final NodeId target, final boolean findValue, final boolean forStore, final Consumer<Lookup> done) {
        counters.increment(CounterId.LOOKUPS_STARTED);
        final long startMs = nowMs();
        table.touch(target, startMs); // a lookup into a bucket's range counts as activity (xlattice "Bucket refresh")
        final Lookup lookup = new Lookup(ctx, target, findValue, l -> {
            final LookupResult r = l.result();
            events.record(nowMs(), EventType.LOOKUP, (findValue ? "find_value " : "find_node ") + target.shortHex()
                + (findValue ? (r.found() ? " found" : " not found") : " closest " + r.closest().size())
                + " rounds " + r.rounds() + " queried " + r.queried() + " failed " + r.failed()
                + " in " + (nowMs() - startMs) + " ms");
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
        final RpcTracker tracker = ctx.tracker;
        final int length = storeOut.wrap(tracker.requestBuffer(), 0).encode(key, token, publisher,
            Math.min(0xFFFF_FFFFL, Math.max(0, ttlSeconds)), value);
        final long id = tracker.call(to, MessageType.STORE, KademliaResponder.bodyLength(length), config.rpcTimeoutMs(), new ResponseListener() {
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
    void iterativeStore(final NodeId key, final byte[] value, final NodeId publisher, final long ttlSeconds,
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
    NodeId publish(final byte[] value, final KademliaEngine.PublishDone done) {
        final NodeId key = NodeId.sha1(value);
        final long nowMs = nowMs();
        if (value.length > config.maxValueBytes()) {
            throw new IllegalArgumentException("value of " + value.length + " B is over the " + config.maxValueBytes() + " B limit");
        }
        final StoreStatus local = store.put(new Tuple(key, value, localId, nowMs, nowMs + config.expireAfterMs(), true, nowMs));
        if (local == StoreStatus.DISK_FULL) {
            counters.increment(CounterId.STORE_DISK_FULL);
        }
        iterativeStore(key, value, localId, config.expireAfterMs() / 1000, copies -> {
            events.record(nowMs(), EventType.PUBLISH, "published " + key.toHex() + " (" + value.length + " B) local "
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

    /** Gets a value: the local store first, then iterativeFindValue. {@code done} gets the value or null. */
    void get(final NodeId key, final Consumer<byte[]> done) {
        final Tuple t = store.get(key);
        if (t != null && t.expiresAtMs() > nowMs()) {
            done.accept(t.value());
            return;
        }
        lookup(key, true, r -> {
            events.record(nowMs(), EventType.GET, "get " + key.toHex() + (r.found() ? " found" : " not found"));
            done.accept(r.value());
        });
    }

    /** IDENTIFY: learns the id of a node known only by address (a PING; the PONG header carries the id). Null on timeout. */
    void identify(final InetSocketAddress address, final Consumer<NodeId> done) {
        identify(address, config.rpcTimeoutMs(), done);
    }

    /** As {@link #identify(InetSocketAddress, Consumer)} waiting {@code timeoutMs} (bootstrap: the first contact waits longer). */
    void identify(final InetSocketAddress address, final long timeoutMs, final Consumer<NodeId> done) {
        final long id = ctx.tracker.call(address, MessageType.PING, 0, timeoutMs, new ResponseListener() {
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
    void join(final List<InetSocketAddress> bootstraps, final IntConsumer done) {
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
                        events.record(nowMs(), EventType.JOIN, "join failed: no bootstrap contact answered " + bootstraps);
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
        joinListener.selfLookupRan();
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
        events.record(nowMs(), EventType.JOIN, "joined: " + table.size() + " contacts");
        if (table.size() > 0) {
            joinListener.joinedExplicitly();
        }
        done.accept(table.size());
    }

    /** First join: originals published while alone go to the network now (not after tRepublish). */
    void onJoined() {
        if (unstoredOriginals.isEmpty()) {
            return;
        }
        final long nowMs = nowMs();
        final List<NodeId> keys = new ArrayList<>(unstoredOriginals);
        unstoredOriginals.clear();
        for (final NodeId key : keys) {
            final Tuple t = store.get(key);
            if (t == null || !t.original() || t.expiresAtMs() <= nowMs) {
                continue;
            }
            counters.increment(CounterId.UNSTORED_ORIGINALS_RESTORED);
            iterativeStore(key, t.value(), localId, (t.expiresAtMs() - nowMs) / 1000, copies -> {
                events.record(nowMs(), EventType.PUBLISH, "published " + key.toHex() + " after joining: remote copies " + copies);
                if (copies == 0) {
                    unstoredOriginals.add(key);
                }
            });
        }
    }

}
