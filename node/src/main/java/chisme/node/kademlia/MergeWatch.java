package chisme.node.kademlia;

import chisme.node.metrics.CounterId;
import chisme.node.routing.Contact;
import chisme.node.transport.Scheduler;
import chisme.wire.NodeId;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Islands merge quickly (issue 11): when the table gains a contact in a range it knew nothing of (a distance
 * bucket that never held anyone) or among our k closest, another network may have come into reach. The
 * node then looks itself up and refreshes the buckets the newcomers fell in, instead of waiting for the
 * hourly refresh. The self-lookup reaches the other side's nodes nearest to us; they learn us (our FIND_NODE
 * makes them verify us), we are among their closest, so they look themselves up in turn: the merge spreads
 * along the id space from every point of contact. Rate-limited: at most one run per
 * {@link KademliaConfig#mergeCooldownMs()}, triggers in between are gathered into the next run. Each run is
 * first decided by a {@link MergeProbe} walk (a few FIND_NODEs): most triggers in a growing network are not
 * merges. Seeds must be routable unicast ({@link RoutableSeeds}).
 */
final class MergeWatch {
    /** Seeds gathered per run, and bucket refreshes per run besides the self-lookup. */
    private static final int MAX_BUCKET_REFRESHES = 8;

    private final KademliaEngine engine;
    private final MergeProbe probe;
    private final boolean[] rangeSeen = new boolean[NodeId.BITS];
    private final Contact[] scratch;
    /**
     * A stranger in a full range starts a run at most once per this many merge cooldowns (60 s by default):
     * in a large settled network strangers are common (far buckets are full), and a run's lookups make the
     * nodes they reach see us as a stranger in turn, so without this bound the runs would feed each other.
     */
    private static final int STRANGER_COOLDOWN_FACTOR = 6;
    /** Strangers already used as seeds (a cached contact may write to us again and again). */
    private static final int MAX_RECENT_SEEDS = 256;

    private final Set<NodeId> newcomers = new LinkedHashSet<>();
    private final Set<NodeId> cachedSeeds = new LinkedHashSet<>();
    private final Set<NodeId> recentSeeds = new LinkedHashSet<>();
    private Scheduler.Cancellable pending;
    private long lastRunMs = Long.MIN_VALUE / 2;
    private long lastStrangerRunMs = Long.MIN_VALUE / 2;

    MergeWatch(final KademliaEngine engine) {
        this.engine = engine;
        this.probe = new MergeProbe(engine);
        this.scratch = new Contact[engine.config().k()];
    }

    /** A verified newcomer entered the table (node thread). */
    void onAdded(final NodeId id) {
        final int range = engine.localId().bucketIndex(id);
        if (range < 0) {
            return;
        }
        final boolean newRange = !rangeSeen[range];
        rangeSeen[range] = true;
        if (!newRange && !amongClosest(id)) {
            return;
        }
        engine.counters().increment(CounterId.MERGE_TRIGGERS);
        recentSeeds.add(id);
        if (newcomers.size() < MAX_BUCKET_REFRESHES) {
            newcomers.add(id);
        }
        schedule();
    }

    private void schedule() {
        if (pending == null) {
            final long delay = Math.max(0, lastRunMs + engine.config().mergeCooldownMs() - engine.clock().nowMs());
            pending = engine.scheduler().schedule(delay, this::run);
        }
    }

    /**
     * A verified stranger landed in a full bucket's replacement cache. In a settled network this is rare; after
     * two networks touch, it is how a node far (in XOR) from the point of contact first hears of the other
     * network: we look ourselves up through the stranger, which lands us among the other side's nodes nearest
     * to us, who then spread the merge through their own part of the id space.
     */
    void onCached(final NodeId id) {
        if (engine.clock().nowMs() - lastStrangerRunMs < STRANGER_COOLDOWN_FACTOR * engine.config().mergeCooldownMs()
            || !recentSeeds.add(id)) {
            return;
        }
        if (recentSeeds.size() > MAX_RECENT_SEEDS) {
            recentSeeds.remove(recentSeeds.iterator().next());
        }
        engine.counters().increment(CounterId.MERGE_TRIGGERS);
        if (cachedSeeds.size() < MAX_BUCKET_REFRESHES) {
            cachedSeeds.add(id);
        }
        schedule();
    }

    /** A self-lookup ran for another reason (join): the next merge run waits a cooldown from now. */
    void selfLookupRan() {
        lastRunMs = engine.clock().nowMs();
    }

    void stop() {
        if (pending != null) {
            pending.cancel();
            pending = null;
        }
    }

    private boolean amongClosest(final NodeId id) {
        final int n = engine.table().closest(engine.localId(), scratch.length, scratch);
        for (int i = 0; i < n; i++) {
            if (scratch[i].id().equals(id)) {
                return true;
            }
        }
        return false;
    }

    private void run() {
        pending = null;
        if (!engine.running()) {
            return;
        }
        lastRunMs = engine.clock().nowMs();
        final List<Contact> seeds = new ArrayList<>();
        for (final NodeId id : newcomers) {
            addSeed(id, seeds);
        }
        for (final NodeId id : cachedSeeds) {
            addSeed(id, seeds);
        }
        final boolean stranger = !cachedSeeds.isEmpty();
        cachedSeeds.clear();
        newcomers.clear();
        if (seeds.isEmpty()) {
            return;
        }
        if (stranger) {
            lastStrangerRunMs = lastRunMs;
        }
        if (engine.config().mergeProbe()) {
            probe.run(seeds, through -> {
                if (through != null) {
                    // The node that named the part we lack leads into it: the self-lookup starts there too.
                    seeds.addFirst(through);
                    fullRun(seeds, stranger);
                }
            });
        } else {
            fullRun(seeds, stranger);
        }
    }

    private void fullRun(final List<Contact> seeds, final boolean stranger) {
        if (!engine.running()) {
            return;
        }
        engine.counters().increment(CounterId.MERGE_SELF_LOOKUPS);
        // Targets are drawn before any lookup runs: lookups add contacts, and splits renumber buckets.
        final List<NodeId> targets = new ArrayList<>();
        if (stranger) {
            // A stranger from a full range: the other network may cover the whole id space. Lookups through it
            // into each of our farther buckets reach its nodes there; we are a stranger to them in turn, so they
            // look themselves up through us and start the merge in their part of the id space.
            final int nearest = engine.table().closestNeighbourBucket();
            for (int b = nearest + 1; nearest >= 0 && b < engine.table().bucketCount() && targets.size() < MAX_BUCKET_REFRESHES; b++) {
                targets.add(engine.table().randomIdInBucket(b, engine.random()));
            }
        }
        // Through the newcomers: they may belong to another network, whose nodes nearest us our table lacks.
        engine.lookupFrom(engine.localId(), seeds, r -> {
        });
        for (final NodeId t : targets) {
            engine.counters().increment(CounterId.BUCKET_REFRESHES);
            engine.lookupFrom(t, seeds, r -> {
            });
        }
    }

    private void addSeed(final NodeId id, final List<Contact> seeds) {
        final Contact c = engine.table().find(id);
        if (c == null) {
            return;
        }
        if (!RoutableSeeds.routable(c.address(), engine.localAddress())) {
            engine.counters().increment(CounterId.SEEDS_UNROUTABLE);
            return;
        }
        seeds.add(c);
    }
}
