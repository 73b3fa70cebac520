package chisme.node.sharedstate;

import chisme.node.event.EventLog;
import chisme.node.event.EventType;
import chisme.node.transport.Clock;
import chisme.node.transport.Scheduler;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * Runs the executables of every publisher directory (LibreMesh has two) at start and then every publisherIntervalMs
 * (+-25% jitter so neighbours do not publish in step), as LibreMesh runs its publishers from boot and
 * cron. Publishers feed data in by calling the CLI's insert; CHISME_DATA (the node's data dir) tells
 * that CLI which node to reach. Runs on a virtual thread; a run still in progress skips the next turn.
 */
final class PublisherRunner {
    private final SharedStateConfig config;
    private final Scheduler scheduler;
    private final Clock clock;
    private final EventLog eventLog;
    private final SharedStateCounters counters;
    private final RandomGenerator random;
    private volatile boolean running;
    private volatile boolean inFlight;
    private volatile Consumer<ProgramRun> listener = r -> {
    };

    PublisherRunner(final SharedStateConfig config, final Scheduler scheduler, final Clock clock, final EventLog eventLog,
                    final SharedStateCounters counters, final RandomGenerator random) {
        this.config = config;
        this.scheduler = scheduler;
        this.clock = clock;
        this.eventLog = eventLog;
        this.counters = counters;
        this.random = random;
    }

    void listener(final Consumer<ProgramRun> l) {
        listener = l;
    }

    void start() {
        if (config.publisherDirs().isEmpty()) {
            return;
        }
        running = true;
        scheduler.execute(this::turn);
    }

    void stop() {
        running = false;
    }

    private void turn() {
        if (!running) {
            return;
        }
        if (!inFlight) {
            inFlight = true;
            Thread.ofVirtual().name("chisme-publishers").start(this::runAll);
        }
        final long base = config.publisherIntervalMs();
        final long jitter = base / 4;
        scheduler.schedule(base - jitter + (jitter == 0 ? 0 : random.nextLong(2 * jitter + 1)), this::turn);
    }

    private void runAll() {
        try {
            final Map<String, String> env = new HashMap<>();
            if (config.dataDir() != null) {
                env.put("CHISME_DATA", config.dataDir().toString());
            }
            if (config.adminSocket() != null) {
                env.put("CHISME_ADMIN", config.adminSocket().toString());
            }
            env.put("CHISME_NODE", config.nodeName());
            final List<Path> all = new java.util.ArrayList<>();
            for (final Path dir : config.publisherDirs()) {
                all.addAll(ProcessRunner.executables(dir));
            }
            for (final Path p : all) {
                if (!running) {
                    return;
                }
                final ProcessRunner.Result r = ProcessRunner.run(List.of(p.toString()), new byte[0], config.publisherTimeoutMs(), env);
                counters.increment(SharedStateCounter.PUBLISHER_RUNS);
                if (!r.ok()) {
                    counters.increment(SharedStateCounter.PUBLISHER_FAILURES);
                }
                if (eventLog != null) {
                    eventLog.record(clock.nowMs(), r.ok() ? EventType.PUBLISH : EventType.ERROR,
                        "shared-state publisher " + p.getFileName() + " " + r.describe());
                }
                listener.accept(new ProgramRun(null, p, r.exitCode(), r.timedOut(), r.output(), new byte[0]));
            }
        } finally {
            inFlight = false;
        }
    }
}
