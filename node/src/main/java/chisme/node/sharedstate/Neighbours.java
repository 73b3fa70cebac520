package chisme.node.sharedstate;

import chisme.node.event.EventLog;
import chisme.node.event.EventType;
import chisme.node.transport.Clock;
import chisme.node.transport.Scheduler;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The nodes this node gossips with (libremesh-shared-state.md "Sync": direct neighbours only, so traffic
 * stays one hop): the static list from the config, the output of the discovery command (run on a
 * virtual thread every discoveryIntervalMs, like shared-state-get_candidates_neigh), the link neighbours
 * found by multicast discovery (chisme.node.discovery: one hop away, verified by a PING) and, optionally,
 * the DHT routing table's contacts. {@link #current()} is node thread only.
 */
public final class Neighbours {
    private final SharedStateConfig config;
    private final Scheduler scheduler;
    private final Clock clock;
    private final EventLog eventLog;
    private final SharedStateCounters counters;
    private final List<InetSocketAddress> staticList = new ArrayList<>();
    private List<InetSocketAddress> discovered = List.of();
    private Supplier<List<InetSocketAddress>> routingTable = List::of;
    private Supplier<List<InetSocketAddress>> linkNeighbours = List::of;
    private InetSocketAddress self;
    private volatile boolean running;
    private volatile boolean discoveryInFlight;

    Neighbours(final SharedStateConfig config, final Scheduler scheduler, final Clock clock, final EventLog eventLog,
               final SharedStateCounters counters) {
        this.config = config;
        this.scheduler = scheduler;
        this.clock = clock;
        this.eventLog = eventLog;
        this.counters = counters;
        for (final String s : config.staticNeighbours()) {
            staticList.add(NeighbourAddress.parse(s, config.defaultPort()));
        }
    }

    /** DHT contacts source; read on the node thread each round. */
    void routingTable(final Supplier<List<InetSocketAddress>> source) {
        this.routingTable = source == null ? List::of : source;
    }

    /** Link-discovery source (verified one-hop neighbours); read on the node thread each round, must not block. */
    void linkNeighbours(final Supplier<List<InetSocketAddress>> source) {
        this.linkNeighbours = source == null ? List::of : source;
    }

    /** Our own address, never a neighbour. */
    void self(final InetSocketAddress self) {
        this.self = self;
    }

    /** Starts periodic discovery if a command is configured. */
    void start() {
        running = true;
        if (!config.discoveryCommand().isEmpty()) {
            scheduler.execute(this::discover);
        }
    }

    void stop() {
        running = false;
    }

    /** Static, discovered, link and routing-table neighbours, without duplicates or ourselves. Node thread. */
    public List<InetSocketAddress> current() {
        final Set<InetSocketAddress> all = new LinkedHashSet<>(staticList);
        all.addAll(discovered);
        try {
            all.addAll(linkNeighbours.get());
        } catch (final RuntimeException e) {
            counters.increment(SharedStateCounter.DISCOVERY_FAILURES);
        }
        if (config.routingTableNeighbours()) {
            try {
                all.addAll(routingTable.get());
            } catch (final RuntimeException e) {
                counters.increment(SharedStateCounter.DISCOVERY_FAILURES);
            }
        }
        if (self != null) {
            all.remove(self);
        }
        return new ArrayList<>(all);
    }

    private void discover() {
        if (!running || discoveryInFlight) {
            return;
        }
        discoveryInFlight = true;
        Thread.ofVirtual().name("chisme-discovery").start(() -> {
            try {
                final ProcessRunner.Result r = ProcessRunner.run(config.discoveryCommand(), new byte[0],
                    config.publisherTimeoutMs(), Map.of());
                counters.increment(SharedStateCounter.DISCOVERY_RUNS);
                if (!r.ok()) {
                    counters.increment(SharedStateCounter.DISCOVERY_FAILURES);
                    log("discovery " + r.describe());
                    return;
                }
                final List<InetSocketAddress> found = parseLines(r.output());
                scheduler.execute(() -> discovered = found);
            } finally {
                discoveryInFlight = false;
                if (running) {
                    scheduler.schedule(config.discoveryIntervalMs(), this::discover);
                }
            }
        });
    }

    /** Parses discovery output; bad lines are skipped and counted. */
    List<InetSocketAddress> parseLines(final String output) {
        final List<InetSocketAddress> out = new ArrayList<>();
        for (final String line : output.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            try {
                out.add(NeighbourAddress.parse(line, config.defaultPort()));
            } catch (final IllegalArgumentException e) {
                counters.increment(SharedStateCounter.DISCOVERY_FAILURES);
            }
        }
        return out;
    }

    private void log(final String message) {
        if (eventLog != null) {
            eventLog.record(clock.nowMs(), EventType.ERROR, "shared-state " + message);
        }
    }

    static byte[] utf8(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
