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
 * {@link KademliaConfig#mergeCooldownMs()}, triggers in between are gathered into the next run.
 */
final class MergeWatch {
    /** Bucket refreshes per run besides the self-lookup. */
    private static final int MAX_BUCKET_REFRESHES = 8;

    private final KademliaEngine engine;
    private final boolean[] rangeSeen = new boolean[NodeId.BITS];
    private final Contact[] scratch;
    private final Set<NodeId> newcomers = new LinkedHashSet<>();
    private Scheduler.Cancellable pending;
    private long lastRunMs = Long.MIN_VALUE / 2;

    MergeWatch(final KademliaEngine engine) {
        this.engine = engine;
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
        if (newcomers.size() < MAX_BUCKET_REFRESHES) {
            newcomers.add(id);
        }
        if (pending == null) {
            final long delay = Math.max(0, lastRunMs + engine.config().mergeCooldownMs() - engine.clock().nowMs());
            pending = engine.scheduler().schedule(delay, this::run);
        }
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
        engine.counters().increment(CounterId.MERGE_SELF_LOOKUPS);
        // Targets are drawn before any lookup runs: lookups add contacts, and splits renumber buckets.
        final List<NodeId> targets = new ArrayList<>();
        final Set<Integer> buckets = new LinkedHashSet<>();
        final int nearest = engine.table().closestNeighbourBucket();
        for (final NodeId id : newcomers) {
            final int b = engine.table().bucketOf(id);
            if (b != nearest && buckets.add(b)) {
                targets.add(engine.table().randomIdInBucket(b, engine.random()));
            }
        }
        newcomers.clear();
        engine.lookup(engine.localId(), false, r -> {
        });
        for (final NodeId t : targets) {
            engine.counters().increment(CounterId.BUCKET_REFRESHES);
            engine.lookup(t, false, r -> {
            });
        }
    }
}
