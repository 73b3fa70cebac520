package chisme.node.kademlia;

import chisme.node.event.EventLog;
import chisme.node.event.EventType;
import chisme.node.metrics.Counters;
import chisme.node.host.NodeCallException;
import chisme.node.host.NodeHost;
import chisme.node.routing.Contact;
import chisme.node.rpc.Dispatcher;
import chisme.node.rpc.RpcClient;
import chisme.node.security.ChaChaRandom;
import chisme.node.security.DatagramSealer;
import chisme.node.security.Keyring;
import chisme.node.transport.Clock;
import chisme.node.transport.NodeAgent;
import chisme.node.transport.Scheduler;
import chisme.node.transport.UdpTransport;
import chisme.store.StoreStatus;
import chisme.store.TupleStore;
import chisme.wire.NodeId;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A Kademlia peer over real UDP: the public facade for the daemon, the CLI and tests. One
 * {@link NodeAgent} thread owns all state; the user operations below are blocking, callable from any
 * thread except the node thread (virtual threads welcome), and hand their work to the node thread.
 * <pre>
 *   try (KademliaNode n = KademliaNode.udp(new KademliaConfig(), InetAddress.getByName("::"), 4000, store, dataDir)) {
 *       n.start();
 *       n.join(new InetSocketAddress("10.0.0.1", 4000));
 *       NodeId key = n.publish("hola".getBytes());
 *       Optional&lt;byte[]&gt; v = n.get(key);
 *   }
 * </pre>
 * The runtime (socket, node thread, dispatcher, error log, the blocking bridge) belongs to its
 * {@link NodeHost}; other protocols on the same port (shared-state) are peers registered on {@link #host()}
 * before {@link #start()}.
 */
public final class KademliaNode implements AutoCloseable {
    private final KademliaConfig config;
    private final NodeHost host;
    private final NodeAgent agent;
    private final KademliaEngine engine;
    private final RpcClient rpcClient;
    private final Path dataDir;
    private volatile boolean started;
    private volatile boolean closed;

    /** A Kademlia peer on a UDP {@code host} (its dispatcher built with {@code config.rpc()}), not started. */
    public KademliaNode(final KademliaConfig config, final NodeHost host, final TupleStore store, final Path dataDir) {
        if (host.agent() == null) {
            throw new IllegalArgumentException("KademliaNode needs a host with a node thread (NodeHost.udp)");
        }
        this.config = config.conclude();
        this.host = host;
        this.dataDir = dataDir;
        this.agent = host.agent();
        this.engine = new KademliaEngine(config, host, store, new EventLog(config.eventLogCapacity()));
        this.rpcClient = new RpcClient(host.dispatcher(), agent);
        // Registered before the node thread starts. Saving blocks on the node thread, so it runs elsewhere.
        engine.onJoinChange(s -> {
            if (s.joined() && dataDir != null) {
                Thread.ofVirtual().name("save-contacts").start(this::saveContactsQuietly);
            }
        });
    }

    /**
     * Builds a UDP node in one call: binds {@code bindAddress:port} (port 0 = any), keeps its id in
     * {@code dataDir} (null: a fresh random id and no persistence). Call {@link #start()} next.
     */
    public static KademliaNode udp(final KademliaConfig config, final InetAddress bindAddress, final int port,
                                   final TupleStore store, final Path dataDir) {
        final SecureRandom seed = new SecureRandom();
        final NodeId id;
        try {
            id = dataDir == null ? NodeId.random(seed) : ContactsFile.loadOrCreateId(dataDir, seed);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read or write the node id in " + dataDir, e);
        }
        return udp(config, bindAddress, port, store, dataDir, id);
    }

    /** {@link #udp(KademliaConfig, InetAddress, int, TupleStore, Path)} with an id the caller loaded ({@link NodeIdFile}). */
    public static KademliaNode udp(final KademliaConfig config, final InetAddress bindAddress, final int port,
                                   final TupleStore store, final Path dataDir, final NodeId id) {
        // Transaction ids and token secrets come from this generator: a CSPRNG, so ids seen on the wire
        // do not reveal the next id or the secret (issue 12 rebuilt a SplittableRandom from one id).
        final ChaChaRandom random = ChaChaRandom.seededFrom(new SecureRandom());
        final Counters counters = new Counters();
        final NodeHost host = NodeHost.udp("kademlia-" + id.shortHex(), id, UdpTransport.open(bindAddress, port, counters), counters,
            random, config.conclude().rpc());
        return new KademliaNode(config, host, store, dataDir);
    }

    /**
     * Starts the node thread and the protocol timers. With a data directory holding saved contacts it
     * also starts rejoining through them in the background (see {@link #rejoin()} to wait for it).
     */
    public void start() {
        started = true;
        agent.execute(engine::start);
        host.start();
    }

    /** Rejoins through the contacts saved in the data directory; returns the routing-table size (0 when none saved). */
    public int rejoin() {
        if (dataDir == null) {
            return 0;
        }
        final List<InetSocketAddress> saved;
        try {
            saved = ContactsFile.load(dataDir);
        } catch (final IOException e) {
            return 0;
        }
        if (saved.isEmpty()) {
            return 0;
        }
        return join(saved);
    }

    /**
     * Starts the bootstrap that never gives up (issue 11): the join addresses (from {@code joinAddresses},
     * called again before every attempt on a virtual thread, never the node thread, since names may need DNS)
     * and the saved contacts are tried together, again and again with backoff, until the node joins. Null
     * {@code joinAddresses}: saved contacts and discovered neighbours only. Returns at once; see {@link #joinState()}.
     */
    public void bootstrap(final Supplier<List<InetSocketAddress>> joinAddresses) {
        List<InetSocketAddress> saved = List.of();
        if (dataDir != null) {
            try {
                saved = ContactsFile.load(dataDir);
            } catch (final IOException e) {
                engine.events().record(Clock.SYSTEM.nowMs(), EventType.ERROR, "cannot read saved contacts: " + e.getMessage());
            }
        }
        final JoinResolver resolver = joinAddresses == null ? JoinResolver.NONE : done ->
            Thread.ofVirtual().name("join-resolve").start(() -> {
                List<InetSocketAddress> resolved;
                try {
                    resolved = List.copyOf(joinAddresses.get());
                } catch (final RuntimeException e) {
                    resolved = List.of();
                }
                final List<InetSocketAddress> r = resolved;
                agent.execute(() -> done.accept(r));
            });
        final List<InetSocketAddress> s = saved;
        agent.execute(() -> engine.bootstrap(resolver, s));
    }

    /**
     * A possible peer learnt from discovery (thread-safe, any thread, never blocks): pinged on the node thread
     * before it is used; if it answers it enters the table and, when we are not joined, we join through it.
     */
    public void offerCandidate(final InetSocketAddress address) {
        if (address != null && !closed && agent.running()) {
            agent.execute(() -> engine.offerCandidate(address));
        }
    }

    /** Where the bootstrap stands: JOINED, RETRYING (next attempt time, last failure) or ALONE. Any thread. */
    public JoinState joinState() {
        if (agent.onNodeThread()) {
            return engine.joinState();
        }
        return await(f -> f.complete(engine.joinState()));
    }

    public NodeId id() {
        return engine.localId();
    }

    public InetSocketAddress localAddress() {
        return host.localAddress();
    }

    /** Joins through a node known only by host and port (the seed's {@code join <ip> <port>}); returns the table size. */
    public int join(final String host, final int port) {
        try {
            return join(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (final IOException e) {
            throw new IllegalArgumentException("cannot resolve " + host, e);
        }
    }

    public int join(final InetSocketAddress bootstrap) {
        return join(List.of(bootstrap));
    }

    /** Joins through any of {@code bootstraps}; returns the routing-table size afterwards (0: nobody answered). */
    public int join(final List<InetSocketAddress> bootstraps) {
        final int size = await(f -> engine.join(bootstraps, f::complete));
        saveContacts();
        return size;
    }

    /** Publishes a value; returns its key (SHA-1 of the value, print it with {@link NodeId#toHex()}). */
    public NodeId publish(final byte[] value) {
        return publishWithCopies(value).key();
    }

    /**
     * The key, the local store's answer ({@code OK} when this node holds the value; FULL: not even kept here)
     * and how many remote nodes accepted a copy (0: the node is alone; the value goes to the network once it joins).
     */
    public record Published(NodeId key, StoreStatus local, int remoteCopies) {
        /** Nodes holding the value now (this one included when its store accepted it). */
        public int copies() {
            return remoteCopies + (local == StoreStatus.OK ? 1 : 0);
        }
    }

    public Published publishWithCopies(final byte[] value) {
        if (value.length > config.maxValueBytes()) {
            throw new IllegalArgumentException("value of " + value.length + " B is over the " + config.maxValueBytes() + " B limit");
        }
        // The key is known before the node thread runs anything: on a lone node engine.publish completes
        // the future inside the call, so a key assigned from its return value could be read too early.
        final NodeId key = NodeId.sha1(value);
        final Published p = await(f -> engine.publish(value, (local, copies) -> f.complete(new Published(key, local, copies))));
        return p;
    }

    /** The value under {@code key}, from the local store or the network; empty when not found. */
    public Optional<byte[]> get(final NodeId key) {
        return Optional.ofNullable(await(f -> engine.get(key, f::complete)));
    }

    /** IDENTIFY: the id of the node at {@code address}, empty when it does not answer. */
    public Optional<NodeId> identify(final InetSocketAddress address) {
        return Optional.ofNullable(await(f -> engine.identify(address, f::complete)));
    }

    /** iterativeFindNode of {@code target}. */
    public LookupResult findNode(final NodeId target) {
        return await(f -> engine.lookup(target, false, f::complete));
    }

    /**
     * The addresses in the routing table, read in place: node thread only (shared-state's neighbour list
     * reads it there each round, so there is no copy to go stale and no thread to keep one).
     */
    public List<InetSocketAddress> contactAddressesOnNodeThread() {
        if (!host.onNodeThread()) {
            throw new IllegalStateException("contactAddressesOnNodeThread called off the node thread");
        }
        final List<InetSocketAddress> out = new ArrayList<>();
        for (final Contact c : engine.table().snapshot()) {
            out.add(c.address());
        }
        return out;
    }

    /** A copy of the routing table, nearest buckets first. */
    public List<ContactInfo> contacts() {
        return await(f -> {
            final List<ContactInfo> out = new ArrayList<>();
            for (final Contact c : engine.table().snapshot()) {
                out.add(new ContactInfo(c.id(), c.address(), engine.localId().bucketIndex(c.id()), c.lastSeenMs(), c.failures()));
            }
            f.complete(out);
        });
    }

    public Counters counters() {
        return engine.counters();
    }

    /**
     * Seals every datagram with the primary key of {@code keyring} and accepts only datagrams that open
     * under one of its keys (issue 12, docs/security.md); an empty keyring leaves the node open. Keys may
     * change at any time through the keyring. Call before {@link #start()}.
     */
    public KademliaNode networkKeyring(final Keyring keyring) {
        udp().sealer(new DatagramSealer(keyring, engine.counters()));
        return this;
    }

    /** The network keyring, or null when none was given (the node runs open). */
    public Keyring networkKeyring() {
        final DatagramSealer s = udp().sealer();
        return s == null ? null : s.keyring();
    }

    public EventLog events() {
        return engine.events();
    }

    /** The node's runtime: other protocols on the same port (shared-state) register on it before {@link #start()}. */
    public NodeHost host() {
        return host;
    }

    private UdpTransport udp() {
        return host.udpTransport();
    }

    /** The node thread's agent (progress and liveness for the daemon's watchdog). */
    public NodeAgent agent() {
        return agent;
    }

    /** Runs tasks on the node thread. */
    public Scheduler scheduler() {
        return host.scheduler();
    }

    /** Blocking request/response calls through the node's RPC layer. */
    public RpcClient rpcClient() {
        return rpcClient;
    }

    /** The node thread's id (allocation measurements with ThreadMXBean). */
    public long nodeThreadId() {
        return agent.threadId();
    }

    private void saveContactsQuietly() {
        try {
            saveContacts();
        } catch (final RuntimeException e) {
            // node stopping: close() saves again
        }
    }

    /** Saves the routing table to the data directory, merged with the lines saved before (no-op without one). */
    public void saveContacts() {
        if (dataDir == null || !started) {
            return;
        }
        final List<Contact> snapshot = await(f -> f.complete(engine.table().snapshot()));
        try {
            ContactsFile.save(dataDir, snapshot);
        } catch (final IOException e) {
            engine.events().record(Clock.SYSTEM.nowMs(), EventType.ERROR, "cannot save contacts: " + e.getMessage());
        }
    }

    /** Saves contacts, stops timers and the node thread, closes the socket. The store stays open (its owner closes it). */
    @Override
    public void close() {
        stop();
    }

    /**
     * {@link #close()}, returning false when the node thread did not end (stuck): then its store must not
     * be closed under it.
     */
    public boolean stop() {
        if (closed) {
            return agent.thread() == null || !agent.thread().isAlive();
        }
        host.closing();
        if (started) {
            try {
                saveContacts();
                await(f -> {
                    engine.stop();
                    f.complete(Boolean.TRUE);
                });
            } catch (final RuntimeException e) {
                // closing anyway
            }
        }
        closed = true;
        return host.stop();
    }

    /** The host's one bridge into the node thread (its timeout; {@link chisme.node.host.NodeCallException} on no answer). */
    private <T> T await(final Consumer<CompletableFuture<T>> op) {
        if (closed) {
            throw new NodeCallException(NodeCallException.Reason.NOT_RUNNING, "node is not running");
        }
        return host.call(op);
    }
}
