package chisme.node.kademlia;

import chisme.node.event.EventLog;
import chisme.node.event.EventType;
import chisme.node.metrics.CounterId;
import chisme.node.metrics.Counters;
import chisme.node.routing.RoutingTable;
import chisme.node.transport.Clock;
import chisme.node.transport.Scheduler;
import chisme.store.Tuple;
import chisme.store.TupleStore;
import chisme.wire.NodeId;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The xlattice timers: bucket refresh, replication, republish and expiry, each re-armed with jitter so
 * that nodes started together do not fire together. Node thread only.
 */
final class MaintenanceTimers {
    private final KademliaConfig config;
    private final NodeId localId;
    private final RoutingTable table;
    private final TupleStore store;
    private final KademliaClient client;
    private final Scheduler scheduler;
    private final Clock clock;
    private final RandomGenerator random;
    private final Counters counters;
    private final EventLog events;
    private final List<Scheduler.Cancellable> timers = new ArrayList<>();
    private boolean running;

    MaintenanceTimers(final KademliaConfig config, final NodeId localId, final RoutingTable table, final TupleStore store,
                      final KademliaClient client, final Scheduler scheduler, final Clock clock, final RandomGenerator random,
                      final Counters counters, final EventLog events) {
        this.config = config;
        this.localId = localId;
        this.table = table;
        this.store = store;
        this.client = client;
        this.scheduler = scheduler;
        this.clock = clock;
        this.random = random;
        this.counters = counters;
        this.events = events;
    }

    /** Arms the refresh, replication, republish and expiry timers (with jitter). */
    void start() {
        running = true;
        every(config.refreshIntervalMs(), this::refreshStaleBuckets);
        every(config.replicateIntervalMs(), this::replicate);
        every(config.republishIntervalMs(), this::republish);
        every(config.expiryCheckIntervalMs(), this::expire);
    }

    void stop() {
        running = false;
        for (final Scheduler.Cancellable t : timers) {
            t.cancel();
        }
        timers.clear();
    }

    /** Runs {@code task} every interval (jittered); only the pending timer of each is kept, for stop(). */
    private void every(final long intervalMs, final Runnable task) {
        final int slot = timers.size();
        final Runnable[] self = new Runnable[1];
        self[0] = () -> {
            if (!running) {
                return;
            }
            task.run();
            if (running) {
                timers.set(slot, scheduler.schedule(jittered(intervalMs), self[0]));
            }
        };
        timers.add(scheduler.schedule(jittered(intervalMs), self[0]));
    }

    private long jittered(final long intervalMs) {
        final long spread = (long) (intervalMs * config.timerJitter());
        return intervalMs + (spread > 0 ? random.nextLong(spread + 1) : 0);
    }

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
            client.lookup(target, false, r -> {
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
            client.iterativeStore(t.key(), t.value(), t.publisher(), (t.expiresAtMs() - nowMs) / 1000, n -> {
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
            client.iterativeStore(t.key(), t.value(), localId, config.expireAfterMs() / 1000, n -> {
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
