package chisme.node.kademlia;

import chisme.node.event.EventLog;
import chisme.node.event.EventType;
import chisme.node.host.NodeHost;
import chisme.node.metrics.Counters;
import chisme.node.routing.Contact;
import chisme.node.routing.RoutingTable;
import chisme.node.rpc.Dispatcher;
import chisme.node.rpc.RpcTracker;
import chisme.node.transport.Clock;
import chisme.node.transport.Scheduler;
import chisme.node.transport.Transport;
import chisme.store.StoreStatus;
import chisme.store.TupleStore;
import chisme.wire.NodeId;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.random.RandomGenerator;

/**
 * The Kademlia logic of one node, asynchronous and owned by the node thread. It wires four parts and is
 * their public face:
 * <ul>
 * <li>{@link KademliaResponder}: the server side of PING, FIND_NODE, FIND_VALUE and STORE;</li>
 * <li>{@link RoutingUpkeep}: the routing table's update rule on every message, verify and head pings;</li>
 * <li>{@link KademliaClient}: lookups, iterativeStore, publish, get, IDENTIFY and join;</li>
 * <li>{@link MaintenanceTimers}: the xlattice refresh, replication, republish and expiry timers;</li>
 * </ul>
 * plus the bootstrap that never gives up ({@link Bootstrapper}), the merge watch and the value hand-off.
 * Time, timers and datagrams come in as {@link Clock}, {@link Scheduler} and {@link Transport}, so the same
 * code runs over UDP ({@link KademliaNode}) and in the simulator. Every public method must be called on the
 * node thread (through the scheduler); callbacks run there too.
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
    private final RoutingTable table;
    private final LookupContext lookupContext;
    private final RoutingUpkeep upkeep;
    private final KademliaClient client;
    private final MaintenanceTimers timers;
    private final Bootstrapper bootstrapper;
    private final MergeWatch mergeWatch;
    private final ValueHandoff handoff;
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
        table.limits(this.config.contactLimits(), localHost(transport));
        final TokenIssuer tokens = new TokenIssuer(random, config.tokenRotationMs(), clock.nowMs());
        this.upkeep = new RoutingUpkeep(this.config, table, dispatcher.tracker(), clock, counters, events);
        final KademliaClient[] clientRef = new KademliaClient[1];
        this.lookupContext = new LookupContext(localId, this.config, dispatcher.tracker(), clock, scheduler, counters,
            (to, token, key, value, publisher, ttl, done) -> clientRef[0].storeAt(to, token, key, value, publisher, ttl, done),
            upkeep::onContactFailed, localHost(transport));
        this.client = clientRef[0] = new KademliaClient(lookupContext, table, store, events, random);
        this.timers = new MaintenanceTimers(this.config, localId, table, store, client, scheduler, clock, random, counters, events);
        this.handoff = new ValueHandoff(this); // reads only config() now; before the responder that feeds it new keys
        new KademliaResponder(this.config, table, tokens, store, clock, counters, events, handoff::onNewValue)
            .registerOn(dispatcher);
        dispatcher.observer(upkeep::onMessage);
        // A requester refused a long answer until it proves its address (issue 12 item 5): ping it, also when
        // it is read-only and so was not pinged as a routing-table candidate; its PONG proves it.
        dispatcher.onUnprovenRequester(upkeep::verify);
        this.bootstrapper = new Bootstrapper(this);
        this.mergeWatch = new MergeWatch(this);
        upkeep.listener(new RoutingUpkeep.Listener() {
            @Override
            public void onAdded(final NodeId id) {
                onContactAdded(id);
            }

            @Override
            public void onCached(final NodeId id) {
                mergeWatch.onCached(id);
            }
        });
        client.joinListener(new KademliaClient.JoinListener() {
            @Override
            public void selfLookupRan() {
                mergeWatch.selfLookupRan();
            }

            @Override
            public void joinedExplicitly() {
                bootstrapper.joinedExplicitly();
            }
        });
    }

    /** Our bound IP (the wildcard when bound to all), or null: which contacts are this host (ContactLimits). */
    static java.net.InetAddress localHost(final Transport transport) {
        final InetSocketAddress a = transport.localAddress();
        return a == null ? null : a.getAddress();
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

    /** The routing table: node thread only (other threads ask the node thread for a copy: {@code KademliaNode.contacts()}). */
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

    /** What lookups and the value hand-off use on the node thread. */
    LookupContext lookupContext() {
        return lookupContext;
    }

    /** Starts receiving and arms the refresh, replication, republish and expiry timers (with jitter). */
    public void start() {
        running = true;
        dispatcher.start();
        events.record(clock.nowMs(), EventType.START, "node " + localId.shortHex() + " at " + transport.localAddress());
        timers.start();
    }

    /** Cancels timers; the transport is closed by its owner. */
    public void stop() {
        running = false;
        bootstrapper.stop();
        mergeWatch.stop();
        handoff.stop();
        timers.stop();
        events.record(clock.nowMs(), EventType.STOP, "node " + localId.shortHex() + " stopped");
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

    void onContactFailed(final NodeId id) {
        upkeep.onContactFailed(id);
    }

    // ---------------------------------------------------------------- operations (node thread): KademliaClient

    /** iterativeFindNode (or iterativeFindValue when {@code findValue}); {@code done} gets the result. */
    public void lookup(final NodeId target, final boolean findValue, final Consumer<LookupResult> done) {
        client.lookup(target, findValue, done);
    }

    /** See {@link KademliaClient#lookupFrom}: a lookup seeded with {@code seeds} only (merge, join of a populated table). */
    void lookupFrom(final NodeId target, final List<Contact> seeds, final Consumer<LookupResult> done) {
        client.lookupFrom(target, seeds, done);
    }

    /** Sends one STORE with a token we got from that node; {@code done} gets the status or -1 on timeout. */
    void storeAt(final InetSocketAddress to, final long token, final NodeId key, final byte[] value, final NodeId publisher,
                 final long ttlSeconds, final IntConsumer done) {
        client.storeAt(to, token, key, value, publisher, ttlSeconds, done);
    }

    /** iterativeStore: STOREs at the k closest nodes to {@code key}; {@code done} gets how many accepted. */
    public void iterativeStore(final NodeId key, final byte[] value, final NodeId publisher, final long ttlSeconds,
                               final IntConsumer done) {
        client.iterativeStore(key, value, publisher, ttlSeconds, done);
    }

    /**
     * Publishes a value: key = SHA-1(value); kept locally as the original (we republish it every
     * tRepublish) and stored at the k closest nodes. {@code done} gets the local store's answer and the
     * number of remote copies, so the caller can say truthfully where the value is.
     */
    public NodeId publish(final byte[] value, final PublishDone done) {
        return client.publish(value, done);
    }

    /** Where a publish put the value: the local store's answer and how many remote nodes accepted a copy. */
    @FunctionalInterface
    public interface PublishDone {
        void accept(StoreStatus local, int remoteCopies);
    }

    /** Gets a value: the local store first, then iterativeFindValue. {@code done} gets the value or null. */
    public void get(final NodeId key, final Consumer<byte[]> done) {
        client.get(key, done);
    }

    /** IDENTIFY: learns the id of a node known only by address (a PING; the PONG header carries the id). Null on timeout. */
    public void identify(final InetSocketAddress address, final Consumer<NodeId> done) {
        client.identify(address, done);
    }

    /** As {@link #identify(InetSocketAddress, Consumer)} waiting {@code timeoutMs} (bootstrap: the first contact waits longer). */
    void identify(final InetSocketAddress address, final long timeoutMs, final Consumer<NodeId> done) {
        client.identify(address, timeoutMs, done);
    }

    /**
     * Join (xlattice "Join"): identify the bootstrap contacts (their PONGs put them in the table), look up
     * our own id, then refresh every bucket farther than our closest neighbour. {@code done} gets the table size.
     */
    public void join(final List<InetSocketAddress> bootstraps, final IntConsumer done) {
        client.join(bootstraps, done);
    }

    /** Looks ourselves up starting from {@code seeds} (the table when empty), then refreshes the farther buckets. */
    void selfLookupAndRefresh(final List<Contact> seeds, final IntConsumer done) {
        client.selfLookupAndRefresh(seeds, done);
    }

    /** First join: originals published while alone go to the network now (not after tRepublish). */
    void onJoined() {
        client.onJoined();
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

    boolean running() {
        return running;
    }

    RandomGenerator random() {
        return random;
    }

    /** The node thread's timers (lookups schedule their stall timers here). */
    Scheduler scheduler() {
        return scheduler;
    }

    /** The node's clock. */
    Clock clock() {
        return clock;
    }
}
