package chisme.node.sim;

import chisme.node.host.NodeHost;
import chisme.node.metrics.Counters;
import chisme.node.rpc.RpcConfig;
import chisme.node.transport.Clock;
import chisme.node.transport.DatagramHandler;
import chisme.node.transport.Scheduler;
import chisme.node.transport.Transport;
import chisme.wire.HeaderFlyweight;
import chisme.wire.NodeId;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;

/**
 * A discrete-event, in-memory datagram network under virtual time: thousands of nodes running the same
 * node code as over real UDP, on one thread. Each host gets a {@link Transport} (datagrams delivered
 * after a seeded random latency, optionally lost), a {@link Scheduler} (timers on the shared event queue)
 * and the shared virtual {@link Clock}. Stopping a host drops its datagrams and its timers (churn).
 * Hosts get addresses in 127.0.0.0/8 (never a real target). Not thread-safe: one thread drives it.
 */
public final class SimNetwork {
    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private final Map<InetSocketAddress, Host> hosts = new HashMap<>();
    private final SplittableRandom random;
    private final long minLatencyMs;
    private final long maxLatencyMs;
    private final double lossRate;
    private long nowMs;
    private long sequence;
    private long delivered;
    /** Datagrams delivered per message type (the header's type byte): where the traffic goes. */
    private final long[] deliveredByType = new long[256];
    private long dropped;
    private int nextHost = 1;

    /**
     * @param seed         seed of latency and loss draws
     * @param minLatencyMs smallest one-way delay
     * @param maxLatencyMs largest one-way delay
     * @param lossRate     probability in [0, 1) that a datagram is lost
     */
    public SimNetwork(final long seed, final long minLatencyMs, final long maxLatencyMs, final double lossRate) {
        if (minLatencyMs < 0 || maxLatencyMs < minLatencyMs || lossRate < 0 || lossRate >= 1) {
            throw new IllegalArgumentException("bad latency or loss settings");
        }
        this.random = new SplittableRandom(seed);
        this.minLatencyMs = minLatencyMs;
        this.maxLatencyMs = maxLatencyMs;
        this.lossRate = lossRate;
    }

    /** Virtual time. */
    public Clock clock() {
        return () -> nowMs;
    }

    public long nowMs() {
        return nowMs;
    }

    public long deliveredDatagrams() {
        return delivered;
    }

    /** Datagrams delivered so far whose header names message type {@code type} ({@link chisme.wire.MessageType}). */
    public long deliveredDatagrams(final int type) {
        return deliveredByType[type & 0xFF];
    }

    public long droppedDatagrams() {
        return dropped;
    }

    /** Adds a host at the next free simulated address 127.x.y.z:4000. */
    public Host addHost() {
        final int n = nextHost++;
        final byte[] ip = {127, (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
        try {
            final InetSocketAddress address = new InetSocketAddress(InetAddress.getByAddress(ip), 4000);
            final Host h = new Host(address);
            hosts.put(address, h);
            return h;
        } catch (final UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Adds a host at {@code address} (attack scenarios: many nodes at one IP on different ports, or a host at an
     * address a lookup must never reach). The address must be free.
     */
    public Host addHost(final InetSocketAddress address) {
        if (hosts.containsKey(address)) {
            throw new IllegalArgumentException("address in use: " + address);
        }
        final Host h = new Host(address);
        hosts.put(address, h);
        return h;
    }

    /** Cuts (true) or heals (false) the link between {@code a} and {@code b} in both directions; datagrams on a cut link are lost. */
    public void cut(final Host a, final Host b, final boolean cut) {
        if (cut) {
            a.unreachable.add(b.address);
            b.unreachable.add(a.address);
        } else {
            a.unreachable.remove(b.address);
            b.unreachable.remove(a.address);
        }
    }

    /** Runs events until none are left or virtual time passes {@code untilMs}; returns the events run. */
    public long runUntil(final long untilMs) {
        return runWhile(() -> true, untilMs, Long.MAX_VALUE);
    }

    /**
     * Runs events while {@code condition} holds, virtual time stays at or below {@code untilMs} and at most
     * {@code maxEvents} events; returns the events run. Time then stands at the last event (or untilMs
     * when the queue ran dry before it).
     */
    public long runWhile(final BooleanSupplier condition, final long untilMs, final long maxEvents) {
        long n = 0;
        while (n < maxEvents && condition.getAsBoolean()) {
            final Event e = events.peek();
            if (e == null || e.atMs > untilMs) {
                nowMs = Math.max(nowMs, Math.min(untilMs, e == null ? untilMs : e.atMs));
                break;
            }
            events.poll();
            nowMs = e.atMs;
            n++;
            if (e.cancelled || !e.host.up) {
                continue;
            }
            e.task.run();
        }
        return n;
    }

    private void at(final long atMs, final Host host, final Event e) {
        e.atMs = atMs;
        e.sequence = ++sequence;
        e.host = host;
        events.add(e);
    }

    private static class Event implements Comparable<Event>, Scheduler.Cancellable {
        long atMs;
        long sequence;
        Host host;
        Runnable task;
        boolean cancelled;

        Event(final Runnable task) {
            this.task = task;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }

        @Override
        public int compareTo(final Event o) {
            final int c = Long.compare(atMs, o.atMs);
            return c != 0 ? c : Long.compare(sequence, o.sequence);
        }
    }

    /** One simulated machine: its transport and scheduler. */
    public final class Host implements Transport, Scheduler {
        private final InetSocketAddress address;
        private DatagramHandler handler;
        private boolean up = true;
        private long extraDelayMs;
        /** Destinations this host's radio cannot reach (a cut link; see {@link SimNetwork#cut}). */
        private final java.util.Set<InetSocketAddress> unreachable = new java.util.HashSet<>();

        private Host(final InetSocketAddress address) {
            this.address = address;
        }

        @Override
        public InetSocketAddress localAddress() {
            return address;
        }

        @Override
        public boolean send(final DirectBuffer buffer, final int offset, final int length, final InetSocketAddress destination) {
            if (!up) {
                return false;
            }
            if (lossRate > 0 && random.nextDouble() < lossRate) {
                dropped++;
                return true;
            }
            final Host to = hosts.get(destination);
            if (to == null || unreachable.contains(destination)) {
                dropped++;
                return true;
            }
            final byte[] copy = new byte[length];
            buffer.getBytes(offset, copy);
            final InetSocketAddress from = address;
            final long latency = minLatencyMs + (maxLatencyMs > minLatencyMs ? random.nextLong(maxLatencyMs - minLatencyMs + 1) : 0)
                + extraDelayMs + to.extraDelayMs;
            at(nowMs + latency, to, new Event(() -> {
                if (to.handler != null) {
                    delivered++;
                    if (length > HeaderFlyweight.TYPE_OFFSET) {
                        deliveredByType[copy[HeaderFlyweight.TYPE_OFFSET] & 0xFF]++;
                    }
                    to.handler.onDatagram(new UnsafeBuffer(copy), 0, length, from);
                }
            }));
            return true;
        }

        @Override
        public void start(final DatagramHandler handler) {
            this.handler = handler;
        }

        /** Stops the host: its pending timers and incoming datagrams are dropped from now on. */
        @Override
        public void close() {
            up = false;
        }

        public boolean up() {
            return up;
        }

        /** A node runtime on this simulated machine (fresh counters): Kademlia and shared-state register on it. */
        public NodeHost nodeHost(final NodeId id, final RandomGenerator random, final RpcConfig rpc) {
            return NodeHost.simulated(id, this, this, clock(), new Counters(), random, rpc);
        }

        /** Adds {@code ms} to every datagram this host sends or receives (a slow or overloaded machine). */
        public void extraDelayMs(final long ms) {
            extraDelayMs = Math.max(0, ms);
        }

        @Override
        public Cancellable schedule(final long delayMs, final Runnable task) {
            final Event e = new Event(task);
            at(nowMs + Math.max(0, delayMs), this, e);
            return e;
        }

        @Override
        public void execute(final Runnable task) {
            at(nowMs, this, new Event(task));
        }
    }
}
