package chisme.node.kademlia;

import chisme.node.metrics.CounterId;
import chisme.node.routing.Contact;
import chisme.node.transport.Scheduler;
import chisme.wire.NodeId;

import chisme.node.rpc.ResponseListener;
import chisme.node.rpc.RpcTracker;
import chisme.wire.HeaderFlyweight;
import chisme.wire.MessageFlyweight;
import chisme.wire.MessageType;
import chisme.wire.NodesFlyweight;
import org.agrona.DirectBuffer;

import java.net.InetSocketAddress;
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
    /** Seeds gathered per run, and bucket refreshes per run besides the self-lookup. */
    private static final int MAX_BUCKET_REFRESHES = 8;

    private final KademliaEngine engine;
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
            probe(seeds, stranger);
        } else {
            fullRun(seeds, stranger);
        }
    }

    /**
     * Asks each seed once for the nodes it knows nearest to us (FIND_NODE of our id): only if a reply names a
     * node we do not know that would be among our k closest is there another network (or a part of ours we
     * never saw) behind the seeds, and the self-lookup and refreshes run. In a network that is only growing
     * the newcomers' replies name nodes we know, and the run stops at these few datagrams: measured on 300
     * sequential joins, the full runs were 12 self-lookups and 10 refreshes per node, 5.2x the datagrams of
     * the same growth without the merge mechanisms.
     */
    private void probe(final List<Contact> seeds, final boolean stranger) {
        engine.counters().increment(CounterId.MERGE_PROBES);
        final int[] pending = {seeds.size()};
        final boolean[] unknownNearby = {false};
        for (final Contact seed : seeds) {
            final RpcTracker tracker = engine.tracker();
            final int length = engine.lookupContext().findNodeOut.wrap(tracker.requestBuffer(), 0).encode(engine.localId());
            final ResponseListener answer = new ResponseListener() {
                @Override
                public void onResponse(final HeaderFlyweight h, final DirectBuffer b, final int o, final int l, final InetSocketAddress s) {
                    if (h.type() == MessageType.NODES && namesUnknownNearby(engine.lookupContext().nodesIn.wrap(b, o))) {
                        unknownNearby[0] = true;
                    }
                    onTimeout();
                }

                @Override
                public void onTimeout() {
                    if (--pending[0] == 0) {
                        if (unknownNearby[0]) {
                            fullRun(seeds, stranger);
                        } else {
                            engine.counters().increment(CounterId.MERGE_PROBES_QUIET);
                        }
                    }
                }
            };
            if (tracker.call(seed.address(), MessageType.FIND_NODE, length - MessageFlyweight.BODY_OFFSET, engine.config().rpcTimeoutMs(),
                answer) == 0) {
                answer.onTimeout();
            }
        }
    }

    /**
     * A contact in the reply that is not us, not in our table, and that our table would take: its bucket has
     * room, or it is nearer to us than our k-th closest. In one settled network we already know every node of
     * the buckets that have room (they hold every node of their range); a node of another network in such a
     * range is what a merge is made of. Unknown nodes of our full buckets say nothing (we keep only k of them).
     */
    private boolean namesUnknownNearby(final NodesFlyweight nodes) {
        final NodeId self = engine.localId();
        final int n = engine.table().closest(self, scratch.length, scratch);
        for (int i = 0, count = nodes.count(); i < count; i++) {
            final NodeId id = nodes.contactIdAsNodeId(i);
            if (id.equals(self) || engine.table().find(id) != null) {
                continue;
            }
            if (n < scratch.length || self.compareDistance(id, scratch[n - 1].id()) < 0
                || engine.table().bucketSize(engine.table().bucketOf(id)) < engine.config().k()) {
                return true;
            }
        }
        return false;
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
        if (c != null) {
            seeds.add(c);
        }
    }
}
