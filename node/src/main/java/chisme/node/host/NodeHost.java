package chisme.node.host;

import chisme.node.metrics.Counters;
import chisme.node.metrics.DistinctErrorLog;
import chisme.node.rpc.Dispatcher;
import chisme.node.rpc.RpcConfig;
import chisme.node.transport.Clock;
import chisme.node.transport.NodeAgent;
import chisme.node.transport.Scheduler;
import chisme.node.transport.Transport;
import chisme.node.transport.UdpTransport;
import chisme.wire.NodeId;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;

/**
 * The home of one node's runtime: its transport, its node thread (a {@link NodeAgent} over UDP, or the
 * simulator's event loop), the one {@link Dispatcher} every protocol shares, the counters, the error log
 * and THE blocking bridge into the node thread ({@link #call}). Protocols are peers registered on it:
 * Kademlia ({@code KademliaEngine}) and shared-state ({@code SharedState}) each register their request
 * handlers on {@link #dispatcher()} and their timers on {@link #scheduler()} before {@link #start()}.
 * <pre>
 *   NodeHost host = NodeHost.udp("node", id, UdpTransport.open(bind, port, counters), counters, random, rpc);
 *   KademliaEngine kad = new KademliaEngine(kademliaConfig, host, tuples, events);
 *   SharedState ss = new SharedState(sharedStateConfig, books, host, System::currentTimeMillis, events);
 *   ss.start(); host.execute(kad::start); host.start();
 * </pre>
 */
public final class NodeHost implements AutoCloseable {
    /**
     * How long a blocking call waits for the node thread. One value for every protocol: a lookup or a join
     * may take tens of seconds of RPC retries; a node thread that is stuck is caught earlier by the daemon's
     * watchdog (30 s by default), which ends the process.
     */
    public static final long CALL_TIMEOUT_MS = 120_000;
    /** While closing, calls wait only this long: a stuck node thread must not hold up SIGTERM. */
    public static final long CLOSING_TIMEOUT_MS = 2_000;

    private final NodeId id;
    private final Transport transport;
    private final Scheduler scheduler;
    private final Clock clock;
    private final Counters counters;
    private final RandomGenerator random;
    private final Dispatcher dispatcher;
    private final DistinctErrorLog errors;
    /** The real node thread, or null under the simulator (whose one driving thread is every node's). */
    private final NodeAgent agent;
    /** The socket under a UDP host (sealing is set on it), null under the simulator. */
    private final UdpTransport udp;
    private volatile boolean closing;
    private volatile boolean closed;

    private NodeHost(final NodeId id, final Transport transport, final Scheduler scheduler, final Clock clock, final Counters counters,
                     final RandomGenerator random, final RpcConfig rpc, final NodeAgent agent, final UdpTransport udp) {
        this.udp = udp;
        this.id = id;
        this.transport = transport;
        this.scheduler = scheduler;
        this.clock = clock;
        this.counters = counters;
        this.random = random;
        this.agent = agent;
        this.errors = new DistinctErrorLog(System::currentTimeMillis, DistinctErrorLog.STDERR);
        // The dispatcher draws from random first (as it did inside KademliaEngine), so seeded runs repeat.
        this.dispatcher = new Dispatcher(id, transport, scheduler, clock, counters, random, rpc);
        dispatcher.errorHandler(errors);
        if (agent != null) {
            agent.errorHandler(errors);
        }
    }

    /** A node over real UDP with its own node thread ({@link NodeAgent} named {@code name}), not started. */
    public static NodeHost udp(final String name, final NodeId id, final UdpTransport udp, final Counters counters,
                               final RandomGenerator random, final RpcConfig rpc) {
        return udp(name, id, udp, UnaryOperator.identity(), counters, random, rpc);
    }

    /**
     * As {@link #udp(String, NodeId, UdpTransport, Counters, RandomGenerator, RpcConfig)} with the protocols
     * sending and receiving through {@code wrap(udp)} (tests cut links this way); the node thread polls {@code udp}.
     */
    public static NodeHost udp(final String name, final NodeId id, final UdpTransport udp, final UnaryOperator<Transport> wrap,
                               final Counters counters, final RandomGenerator random, final RpcConfig rpc) {
        final NodeAgent agent = new NodeAgent(name, Clock.SYSTEM, udp, counters);
        return new NodeHost(id, wrap.apply(udp), agent, Clock.SYSTEM, counters, random, rpc, agent, udp);
    }

    /**
     * A node driven by one outside thread under virtual time (the simulator: {@code chisme.node.sim.SimNetwork}'s
     * host is both transport and scheduler). Every call from that thread is on "the node thread".
     */
    public static NodeHost simulated(final NodeId id, final Transport transport, final Scheduler scheduler, final Clock clock,
                                     final Counters counters, final RandomGenerator random, final RpcConfig rpc) {
        return new NodeHost(id, transport, scheduler, clock, counters, random, rpc, null, null);
    }

    public NodeId id() {
        return id;
    }

    public Transport transport() {
        return transport;
    }

    public InetSocketAddress localAddress() {
        return transport.localAddress();
    }

    /** Runs tasks and timers on the node thread. */
    public Scheduler scheduler() {
        return scheduler;
    }

    public Clock clock() {
        return clock;
    }

    public Counters counters() {
        return counters;
    }

    /** The node's random source (transaction ids, tokens, jitter): a CSPRNG over UDP, seeded in the simulator. */
    public RandomGenerator random() {
        return random;
    }

    /** The one dispatcher: every protocol registers its request handlers here before {@link #start()}. */
    public Dispatcher dispatcher() {
        return dispatcher;
    }

    /** Every unexpected exception on the node thread (tasks, timers, handlers) is counted and reported here. */
    public DistinctErrorLog errors() {
        return errors;
    }

    /** The UDP socket (null under the simulator). */
    public UdpTransport udpTransport() {
        return udp;
    }

    /** The node thread's agent (null under the simulator). */
    public NodeAgent agent() {
        return agent;
    }

    /** Runs {@code task} on the node thread (never blocks). */
    public void execute(final Runnable task) {
        scheduler.execute(task);
    }

    /** True on the node thread (under the simulator: always, one thread drives every node). */
    public boolean onNodeThread() {
        return agent == null || agent.onNodeThread();
    }

    /** True between {@link #start()} and {@link #close()} (always under the simulator until closed). */
    public boolean running() {
        return !closed && (agent == null || agent.running());
    }

    /** Starts receiving and, over UDP, the node thread. Register every protocol first. */
    public void start() {
        dispatcher.start();
        if (agent != null) {
            agent.start();
        }
    }

    /** From now on blocking calls wait only {@link #CLOSING_TIMEOUT_MS}. */
    public void closing() {
        closing = true;
    }

    /**
     * The bridge into the node thread: runs {@code op} there and waits for it to complete the future it is
     * given (asynchronous node work completes it later, from a callback). Any thread but the node thread's own
     * (which would wait for itself) — except under the simulator, where {@code op} runs inline and must
     * complete before it returns (drive the network, then read the result, for work that takes virtual time).
     *
     * @throws NodeCallException NOT_RUNNING, TIMEOUT, INTERRUPTED, ON_NODE_THREAD; or FAILED wrapping what
     *                           {@code op} threw (a RuntimeException it threw is rethrown as is)
     */
    public <T> T call(final Consumer<CompletableFuture<T>> op) {
        if (agent != null && agent.onNodeThread()) {
            throw new NodeCallException(NodeCallException.Reason.ON_NODE_THREAD, "blocking operation called on the node thread");
        }
        if (!running()) {
            throw new NodeCallException(NodeCallException.Reason.NOT_RUNNING, "node is not running");
        }
        final CompletableFuture<T> f = new CompletableFuture<>();
        final Runnable task = () -> {
            try {
                op.accept(f);
            } catch (final RuntimeException e) {
                f.completeExceptionally(e);
            }
        };
        if (agent == null) {
            task.run();
            if (!f.isDone()) {
                throw new NodeCallException(NodeCallException.Reason.TIMEOUT, "simulated node: the operation needs virtual time to pass");
            }
        } else {
            agent.execute(task);
        }
        final long timeoutMs = closing ? CLOSING_TIMEOUT_MS : CALL_TIMEOUT_MS;
        try {
            return f.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NodeCallException(NodeCallException.Reason.INTERRUPTED, "interrupted while waiting for the node");
        } catch (final ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new NodeCallException(NodeCallException.Reason.FAILED, "node operation failed: " + e.getCause(), e.getCause());
        } catch (final TimeoutException e) {
            throw new NodeCallException(NodeCallException.Reason.TIMEOUT, "node did not answer in " + timeoutMs + " ms", e);
        }
    }

    /** {@link #call(Consumer)} for synchronous node work; on the node thread itself it runs inline. */
    public <T> T callNow(final Supplier<T> work) {
        if (onNodeThread()) {
            return work.get();
        }
        return call(f -> f.complete(work.get()));
    }

    /**
     * Stops the node thread (over UDP: waits up to 2 s for it, then closes the socket); false when it did
     * not end (stuck): nothing it owns may then be closed under it.
     */
    public boolean stop() {
        closed = true;
        if (agent != null) {
            return agent.stop();
        }
        transport.close();
        return true;
    }

    @Override
    public void close() {
        stop();
    }
}
