package chisme.node.daemon;

import chisme.node.admin.AdminServer;
import chisme.node.config.HostPort;
import chisme.node.config.LogLevel;
import chisme.node.config.NodeConfig;
import chisme.node.discovery.CandidateVerifier;
import chisme.node.discovery.LinkDiscovery;
import chisme.node.discovery.LinkNeighbours;
import chisme.node.discovery.Links;
import chisme.node.event.Event;
import chisme.node.event.EventType;
import chisme.node.kademlia.KademliaNode;
import chisme.node.sharedstate.SharedState;
import chisme.node.security.NetworkKeyFile;
import chisme.node.event.EventType;
import chisme.node.kademlia.NodeIdFile;
import chisme.node.transport.Clock;
import chisme.store.DiskSpace;
import chisme.store.Stores;
import chisme.wire.NodeId;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.TimeUnit;

/**
 * One running peer: data directory (locked, 0700), stores, the Kademlia node (and shared-state on the
 * same UDP port), and the admin socket. {@link #start} brings everything up in that order;
 * {@link #close} takes it down in reverse, closing the stores last so they write their clean-shutdown
 * marker. {@code chisme node} runs {@link #run} in the foreground.
 */
public final class NodeDaemon implements AutoCloseable {
    private final NodeConfig config;
    private final DaemonLog log;
    private final DataDirectory dataDir;
    private final NodeStores stores;
    private final KademliaNode node;
    private final SharedState sharedState;
    private final long startedAtMs;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean dying = new AtomicBoolean();
    private final FatalHandler fatalHandler;
    private volatile String fatalReason;
    private volatile boolean stoppedCleanly;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private AdminServer admin;
    private Thread follower;
    /** Verified one-hop neighbours found by link discovery (empty when it is off). */
    private final LinkNeighbours linkNeighbours;
    private LinkDiscovery discovery;
    private CandidateVerifier candidates;
    /** Operations the daemon itself does not know (the CLI's "cli" op, answered by the tools module). */
    private volatile chisme.node.admin.AdminHandler extraOps;
    private Thread joinLog;

    private NodeDaemon(final NodeConfig config, final DaemonLog log, final DataDirectory dataDir, final NodeStores stores,
                       final KademliaNode node, final FatalHandler fatalHandler) {
        this.fatalHandler = fatalHandler;
        this.config = config;
        this.log = log;
        this.dataDir = dataDir;
        this.stores = stores;
        this.node = node;
        // Kademlia and shared-state are peers on the node's host (one socket, node thread, dispatcher).
        this.sharedState = new SharedState(config.sharedStateConfig(), stores.books(), node.host(), System::currentTimeMillis,
            node.events());
        this.startedAtMs = System.currentTimeMillis();
        this.linkNeighbours = new LinkNeighbours(config.discoveryConfig().neighbourExpiryMs());
    }

    /**
     * Starts a node with {@code config} (concluded here); throws IOException with a one-line reason. A fatal
     * fault later (node thread dead or stuck) is logged and closes the daemon; {@code chisme node} passes
     * a {@link FatalHandler} that ends the process instead.
     */
    public static NodeDaemon start(final NodeConfig config, final PrintStream err) throws IOException {
        return start(config, err, null);
    }

    /** {@link #start(NodeConfig, PrintStream)} with the action taken on a fatal fault (null: close the daemon). */
    public static NodeDaemon start(final NodeConfig config, final PrintStream err, final FatalHandler onFatal) throws IOException {
        config.conclude();
        final DaemonLog log = new DaemonLog(err, config.logLevel());
        final DataDirectory dir = DataDirectory.open(config.dataDir());
        NodeStores stores = null;
        KademliaNode node = null;
        boolean handedOver = false;
        try {
            // The id is read before the stores are opened: their files tell a used directory from a fresh one.
            final boolean usedBefore = Files.exists(config.dataDir().resolve("contacts"))
                || Files.exists(config.storeConfig().dataDir().resolve(Stores.META_FILE));
            final NodeId id = NodeIdFile.load(config.dataDir(), usedBefore, config.newIdentity(), new SecureRandom());
            stores = NodeStores.open(config);
            final InetAddress bind;
            try {
                bind = InetAddress.getByName(config.bind());
            } catch (final UnknownHostException e) {
                throw new IOException("bind: cannot resolve " + config.bind());
            }
            try {
                node = KademliaNode.udp(config.kademliaConfig(), bind, config.port(), stores.tuples(), config.dataDir(), id);
            } catch (final RuntimeException e) {
                throw new IOException("cannot open UDP " + new HostPort(config.bind(), Math.max(1, config.port()))
                    + ": " + rootMessage(e));
            }
            node.networkKeyring(NetworkKeyFile.load(config.dataDir())); // issue 12: absent file = open network
            final NodeDaemon d = new NodeDaemon(config, log, dir, stores, node, onFatal);
            handedOver = true;
            try {
                d.startServices();
            } catch (final IOException | RuntimeException e) {
                d.close();
                throw e;
            }
            return d;
        } catch (final IOException | RuntimeException e) {
            if (!handedOver) {
                if (node != null) {
                    node.close();
                }
                if (stores != null) {
                    stores.close();
                }
                dir.close();
            }
            throw e;
        }
    }

    private void startServices() throws IOException {
        if (config.discoverContacts()) {
            // Read on the node thread each round, straight from the routing table: no copy, no staleness.
            sharedState.routingTableNeighbours(node::contactAddressesOnNodeThread);
        }
        // Link neighbours are one hop away and verified, like discovery-command's: gossip partners in both modes.
        sharedState.linkNeighbours(() -> linkNeighbours.current(Clock.SYSTEM.nowMs()));
        sharedState.localAddress(node.localAddress());
        // Shared-state registers its handlers on the shared dispatcher, which must happen before the node starts.
        sharedState.start();
        // Unexpected exceptions on the node thread: counted by the host, written once per kind to the daemon log.
        node.host().errors().sink(log::error);
        node.agent().deathHandler(t -> fatal("node thread died", t));
        node.start();
        for (final String w : config.warnings()) {
            log.warn(w);
        }
        if (stores.recovered()) {
            log.warn("the last run did not stop cleanly: stores were recovered");
        }
        for (final String damage : stores.damage()) {
            log.warn(damage);
            node.events().record(Clock.SYSTEM.nowMs(), EventType.ERROR, damage);
        }
        admin = AdminServer.start(config.adminSocket(), new NodeAdminHandler(this), config.adminIdleTimeoutS() * 1000,
            t -> fatal("admin server died", t));
        startWatchers();
        log.info("chisme node " + node.id().toHex() + " on udp " + node.localAddress() + ", data " + config.dataDir()
            + ", admin " + admin.socket());
        log.info(NetworkKeyOps.describe(node.networkKeyring()));
        if (log.enabled(LogLevel.DEBUG)) {
            follower = Thread.ofVirtual().name("event-echo").start(this::echoEvents);
        }
        final long since = node.events().lastSequence();
        joinLog = Thread.ofVirtual().name("join-log").start(() -> echoJoinEvents(since));
        // Joining may take several seconds of lookups and retries; the admin socket answers meanwhile.
        bootstrap();
        // After the bootstrap started: link neighbours are one of its sources (KademliaNode.offerCandidate).
        startDiscovery();
    }

    /**
     * Link discovery (docs/architecture.md "Discovery"): candidates go to a verifier that PINGs each and
     * joins through the ones that answer. A discovery port that cannot be opened is a warning, not a
     * reason to stop: the node still works through join addresses and saved contacts.
     */
    private void startDiscovery() {
        if (!config.discoveryConfig().enabled()) {
            return;
        }
        final InetAddress bind;
        try {
            bind = InetAddress.getByName(config.bind());
        } catch (final UnknownHostException e) {
            return; // cannot happen: the node bound it already
        }
        final LinkDiscovery d = new LinkDiscovery(config.discoveryConfig(), node.id(), bind, node.localAddress().getPort(),
            c -> candidates.accept(c), Clock.SYSTEM, Links::scan, log::info, node.networkKeyring());
        candidates = new CandidateVerifier(node, linkNeighbours, d.counters(), Clock.SYSTEM);
        boolean running = false;
        try {
            running = d.start();
        } catch (final IOException e) {
            log.warn(e.getMessage() + "; link discovery is off");
        }
        if (running) {
            discovery = d;
        } else {
            candidates.close();
            candidates = null;
        }
    }

    /** Neighbours on the links that answered a PING recently (empty when link discovery is off): a source of contacts. */
    public List<InetSocketAddress> linkNeighbours() {
        return linkNeighbours.current(Clock.SYSTEM.nowMs());
    }

    /** Link discovery, or null when it is off or could not start. */
    public LinkDiscovery discovery() {
        return discovery;
    }

    /** How often the watchdog and the disk watcher look. */
    static final long WATCH_INTERVAL_MS = 500;

    /**
     * One platform thread (it must run when virtual-thread carriers are busy) checks the node thread's
     * progress and the data directory's free space, logging and recording a DISK event whenever writes
     * start or stop being refused.
     */
    private void startWatchers() {
        final Watchdog watchdog = new Watchdog(node.agent(), config.watchdogS() * 1000, closed::get);
        final DiskSpace disk = stores.disk();
        final Thread t = Thread.ofPlatform().daemon().name("chisme-watchdog").start(() -> {
            boolean diskFull = false;
            while (!closed.get()) {
                final String reason = watchdog.check(Clock.SYSTEM.nowMs());
                if (reason != null) {
                    fatal(reason, null);
                    return;
                }
                if (disk != null && disk.refresh() != diskFull) {
                    diskFull = !diskFull;
                    final String m = diskFull ? disk.describe() + "; writes refused, reads go on"
                        : "disk space back: " + disk.freeBytes() / 1024 + " KiB free; writes accepted again";
                    log.log(diskFull ? LogLevel.WARN : LogLevel.INFO, m);
                    node.events().record(Clock.SYSTEM.nowMs(), EventType.DISK, m);
                }
                try {
                    stopped.await(WATCH_INTERVAL_MS, TimeUnit.MILLISECONDS);
                } catch (final InterruptedException e) {
                    return;
                }
            }
        });
        t.setUncaughtExceptionHandler((th, e) -> fatal("watchdog died", e));
    }

    /**
     * The node cannot go on: logs the cause (with its stack) once, records it, and hands over to the
     * {@link FatalHandler} ({@code chisme node}: exit non-zero at once). Without a handler the daemon is
     * closed, leaving the stores for recovery when the node thread is gone.
     */
    void fatal(final String reason, final Throwable cause) {
        if (!dying.compareAndSet(false, true)) {
            return;
        }
        fatalReason = reason + (cause == null ? "" : ": " + cause);
        if (cause == null) {
            log.error("FATAL " + reason);
        } else {
            log.error("FATAL " + reason, cause);
        }
        node.events().record(Clock.SYSTEM.nowMs(), EventType.ERROR, "fatal: " + fatalReason);
        if (fatalHandler != null) {
            fatalHandler.die(reason, cause);
        } else {
            Thread.ofPlatform().daemon().name("chisme-fatal-close").start(this::close);
        }
    }

    /** True once {@link #close()} stopped every thread and closed the stores (the clean-shutdown marker is written). */
    public boolean stoppedCleanly() {
        return stoppedCleanly;
    }

    /** Why the daemon died, or null while healthy. */
    public String fatalReason() {
        return fatalReason;
    }

    /**
     * Starts the bootstrap that never gives up (issue 11): {@code join} addresses and saved contacts together,
     * retried with backoff until the node joins; names are resolved again before each attempt, here on a
     * virtual thread (never the node thread).
     */
    private void bootstrap() {
        node.bootstrap(config.joins().isEmpty() ? null : this::resolveJoins);
    }

    private List<InetSocketAddress> resolveJoins() {
        final List<InetSocketAddress> addresses = new ArrayList<>();
        for (final HostPort hp : config.joins()) {
            try {
                addresses.add(hp.resolve());
            } catch (final UnknownHostException e) {
                log.log(LogLevel.DEBUG, "join: cannot resolve " + hp + " (tried again at the next attempt)");
            }
        }
        return addresses;
    }

    /**
     * The daemon's log tells the truth about its own join: every JOIN event (attempt failed and when the next
     * one is, joined through whom, table emptied) as it happens, failures as warnings.
     */
    private void echoJoinEvents(final long since) {
        long last = since;
        while (!closed.get()) {
            try {
                for (final Event e : node.events().await(last, 1_000)) {
                    last = e.sequence();
                    if (e.type() == EventType.JOIN) {
                        log.log(e.message().contains("failed") || e.message().contains("empty") ? LogLevel.WARN : LogLevel.INFO,
                            e.message());
                    }
                }
            } catch (final InterruptedException e) {
                return;
            }
        }
    }

    private void echoEvents() {
        long last = node.events().lastSequence();
        while (!closed.get()) {
            try {
                for (final Event e : node.events().await(last, 1_000)) {
                    log.log(LogLevel.DEBUG, "event " + e.type() + " " + e.message());
                    last = e.sequence();
                }
            } catch (final InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Runs until SIGTERM/SIGINT (or {@link #close()}): stops taking work, closes everything cleanly
     * and returns, so {@code main} can exit 0.
     */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    public NodeConfig config() {
        return config;
    }

    public KademliaNode node() {
        return node;
    }

    public SharedState sharedState() {
        return sharedState;
    }

    public NodeStores stores() {
        return stores;
    }

    public AdminServer admin() {
        return admin;
    }

    /** Operations handled outside the node module; unknown ops go there (may be null). */
    public chisme.node.admin.AdminHandler extraOps() {
        return extraOps;
    }

    public NodeDaemon extraOps(final chisme.node.admin.AdminHandler h) {
        extraOps = h;
        return this;
    }

    public DaemonLog log() {
        return log;
    }

    public long startedAtMs() {
        return startedAtMs;
    }

    /** Admin socket first (no new work), then the node (saves contacts), then the stores (clean-shutdown marker). */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (admin != null) {
                admin.close();
            }
            if (follower != null) {
                follower.interrupt();
            }
            if (discovery != null) {
                discovery.close();
            }
            if (candidates != null) {
                candidates.close();
            }
            if (joinLog != null) {
                joinLog.interrupt();
            }
            sharedState.close();
            // A node thread that died of an Error may have died mid-write: never mark those stores clean.
            if (node.stop() && node.agent().deathCause() == null) {
                stores.close();
                stoppedCleanly = fatalReason == null;
                log.info(fatalReason == null ? "chisme node stopped cleanly" : "chisme node stopped after a fatal fault");
            } else {
                // Marking the stores cleanly shut down under a thread that may be mid-write would skip the
                // recovery the next start needs; leave them as after kill -9.
                log.error("node thread " + (node.agent().deathCause() == null ? "did not stop" : "died")
                    + ": stores left for recovery at the next start");
            }
        } catch (final RuntimeException e) {
            log.error("error while stopping: " + rootMessage(e));
        } finally {
            dataDir.close();
            stopped.countDown();
        }
    }

    static String rootMessage(final Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        final String m = c.getMessage();
        return m == null ? c.getClass().getSimpleName() : m.replace('\n', ' ');
    }
}
