package chisme.node.kademlia;

import chisme.node.metrics.CounterId;
import chisme.node.rpc.ResponseListener;
import chisme.node.routing.Contact;
import chisme.node.routing.ContactLimits;
import chisme.node.routing.RoutableAddress;
import chisme.node.rpc.RpcTracker;
import chisme.wire.FindNodeFlyweight;
import chisme.wire.FindValueFlyweight;
import chisme.wire.HeaderFlyweight;
import chisme.wire.MessageFlyweight;
import chisme.wire.MessageType;
import chisme.wire.NodeId;
import chisme.wire.NodesFlyweight;
import chisme.wire.ValueFlyweight;
import org.agrona.DirectBuffer;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Consumer;

/**
 * One iterativeFindNode / iterativeFindValue (Maymounkov and Mazieres 2002, section 2.3; xlattice "Node
 * lookup") as a small state machine on the node thread: a shortlist sorted by XOR distance, at most alpha
 * requests in flight, non-responders dropped, and the paper's termination rule: it ends when the k closest
 * nodes seen (not counting failed ones) have all answered. FIND_VALUE ends at the first VALUE whose
 * SHA-1 matches the key, then caches it at the closest node that answered without it (path caching).
 * <p>
 * A request unanswered after the stall is "stalled": it frees its alpha slot and leaves consideration, so
 * the lookup goes on with the next candidate instead of waiting for the RPC timeout (paper 2.3: "nodes
 * that fail to respond quickly are removed from consideration until and unless they do respond"); if it
 * answers before the timeout it is used like any other answer. The stall adapts to the round trips of this
 * node's lookup replies (RFC 6298's SRTT + 4 x RTTVAR, {@link RttEstimator}), at most
 * {@link KademliaConfig#lookupStallMs()}. The lookup of an iterativeStore does not end while a stalled request
 * to one of the k closest live candidates may still answer ({@link #waitForStalled()}): the STOREs then reach
 * the k closest that exist, not only the fast ones.
 * <p>
 * Issue 12 (eclipse): the shortlist keeps at most {@link KademliaConfig#lookupMaxPerIp()} candidates of one IP,
 * and "the k closest" (those considered, those a STORE goes to) are chosen by {@link LookupDiversity}'s soft
 * per-prefix cap, so ids of one /24 or /64 next to a key cannot take all k places while others exist.
 */
final class Lookup {
    private static final int FRESH = 0;
    private static final int WAITING = 1;
    private static final int ANSWERED = 2;
    private static final int FAILED = 3;

    private final LookupContext ctx;
    private final NodeId target;
    private final boolean findValue;
    private final Consumer<Lookup> onDone;
    /** Every candidate met (but those the per-IP cap left out), nearest to the target first; ids are unique. */
    private final List<Candidate> shortlist = new ArrayList<>();
    /** Candidates per IP (issue 12: 25 ids of one host next to a key must not fill the shortlist). */
    private final Map<InetAddress, int[]> perIp = new HashMap<>();
    private final int k;
    private final int alpha;
    private int inFlight;
    private int rounds;
    private int queried;
    private int failed;
    private boolean done;
    private boolean waitForStalled;
    private boolean waitedForStalled;
    private final byte[] ip4 = new byte[4];
    private final byte[] ip16 = new byte[16];
    byte[] value;
    NodeId valuePublisher;
    long valueTtlSeconds;

    Lookup(final LookupContext ctx, final NodeId target, final boolean findValue, final Consumer<Lookup> onDone) {
        this.ctx = ctx;
        this.target = target;
        this.findValue = findValue;
        this.onDone = onDone;
        this.k = ctx.config.k();
        this.alpha = ctx.config.alpha();
    }

    /**
     * The lookup of an iterativeStore: it ends only when no stalled request to one of the k closest may still
     * answer, so the STOREs reach the k closest that exist. Other lookups keep the stall rule's speed (a dead
     * contact among the k closest would otherwise cost every lookup a whole RPC timeout).
     */
    Lookup waitForStalled() {
        waitForStalled = true;
        return this;
    }

    void start(final Contact[] initial, final int n) {
        for (int i = 0; i < n; i++) {
            final Contact c = initial[i];
            final int at = newPosition(c.hi(), c.mid(), c.lo());
            if (at >= 0) {
                add(c.id(), c.address(), LookupDiversity.prefixOf(c.addressBytes()), at, 1);
            }
        }
        step();
    }

    NodeId target() {
        return target;
    }

    /**
     * The k answered candidates a STORE goes to: nearest first, at most {@link KademliaConfig#lookupMaxPerPrefix()}
     * of one prefix while other prefixes have answered candidates ({@link LookupDiversity}).
     */
    List<Candidate> answered() {
        final int n = diverse(c -> c.state == ANSWERED);
        final List<Candidate> out = new ArrayList<>(n);
        for (int j = 0; j < n; j++) {
            out.add(chosen(j));
        }
        return out;
    }

    /**
     * Chooses up to k candidates passing {@code include}, in the diversity rule's order ({@link LookupDiversity});
     * returns how many, read by {@link #chosen(int)} until the next call. Allocation-free: the predicates are
     * non-capturing lambdas (one instance each), and the rule's arrays are the context's, shared by every lookup
     * (each call's result is read within the same callback, before any other lookup chooses).
     */
    private int diverse(final Predicate<Candidate> include) {
        final int n = shortlist.size();
        final long[] prefixes = ctx.diversity.prefixes(n);
        for (int i = 0; i < n; i++) {
            final Candidate c = shortlist.get(i);
            prefixes[i] = include.test(c) ? c.prefix : LookupDiversity.EXCLUDED;
        }
        return ctx.diversity.choose(n, ctx.config.lookupMaxPerPrefix(), k);
    }

    private Candidate chosen(final int j) {
        return shortlist.get(ctx.diversity.chosen(j));
    }

    LookupResult result() {
        final List<Contact> closest = new ArrayList<>();
        for (final Candidate c : answered()) {
            closest.add(new Contact(c.id, c.address));
        }
        return new LookupResult(target, value, closest, rounds, queried, failed);
    }

    /**
     * Where a contact of id (hi, mid, lo) goes in the shortlist, or -1 when it is ours or already there: a
     * binary search by distance to the target, so a reply naming known contacts allocates nothing.
     */
    private int newPosition(final long hi, final long mid, final int lo) {
        if (ctx.localId.equals(hi, mid, lo)) {
            return -1;
        }
        int low = 0;
        int high = shortlist.size() - 1;
        while (low <= high) {
            final int m = low + high >>> 1;
            final NodeId at = shortlist.get(m).id;
            final int c = NodeId.compareDistance(target.hi(), target.mid(), target.lo(), at.hi(), at.mid(), at.lo(), hi, mid, lo);
            if (c < 0) {
                low = m + 1;
            } else if (c > 0) {
                high = m - 1;
            } else {
                return -1; // equal distance: the same id
            }
        }
        return low;
    }

    /** Adds a new contact at shortlist position {@code at} ({@link #newPosition}) unless its IP has its share. */
    private void add(final NodeId id, final InetSocketAddress address, final long prefix, final int at, final int round) {
        final InetAddress ip = address.getAddress();
        if (!ContactLimits.sameHost(ip, ctx.localHost)) {
            final int[] n = perIp.computeIfAbsent(ip, x -> new int[1]);
            if (n[0] >= ctx.config.lookupMaxPerIp()) {
                ctx.counters.increment(CounterId.LOOKUP_CONTACTS_IP_CAPPED);
                return;
            }
            n[0]++;
        }
        shortlist.add(at, new Candidate(id, address, round, prefix));
    }

    private void step() {
        if (done) {
            return;
        }
        // The k considered: neither failed nor stalled, chosen by the diversity rule (one prefix cannot take
        // them all while others have candidates); the lookup ends when they have all answered.
        final int considered = diverse(c -> c.state != FAILED && !(c.state == WAITING && c.stalled));
        for (int j = 0; j < considered; j++) {
            final Candidate c = chosen(j);
            if (c.state == FRESH && inFlight < alpha) {
                send(c); // never re-enters step() or diverse(): a failed call returns at once (id 0)
            }
        }
        if (inFlight == 0) {
            if (waitForStalled && stalledAmongClosest()) {
                // A slow node that may be among the k closest still has until its RPC timeout to answer
                // (paper 2.3: "until and unless they do respond"): its reply or timeout calls step() again.
                // Finishing now would store only at the fast nodes (issue 11: 8 of 14 copies under load).
                waitedForStalled = true;
                return;
            }
            if (waitedForStalled) {
                ctx.counters.increment(CounterId.LOOKUPS_WAITED_FOR_STALLED);
            }
            finish();
        }
    }

    /** True while a stalled request is to one of the k closest candidates not known to have failed. */
    private boolean stalledAmongClosest() {
        final int closest = diverse(c -> c.state != FAILED);
        for (int j = 0; j < closest; j++) {
            if (chosen(j).state == WAITING && chosen(j).stalled) {
                return true;
            }
        }
        return false;
    }

    private void send(final Candidate c) {
        final RpcTracker tracker = ctx.tracker;
        final int length = findValue
            ? ctx.findValueOut.wrap(tracker.requestBuffer(), 0).encode(target)
            : ctx.findNodeOut.wrap(tracker.requestBuffer(), 0).encode(target);
        final long id = tracker.call(c.address, findValue ? MessageType.FIND_VALUE : MessageType.FIND_NODE,
            length - MessageFlyweight.BODY_OFFSET, ctx.config.rpcTimeoutMs(), c);
        queried++;
        if (id == 0) {
            c.state = FAILED;
            failed++;
            return;
        }
        c.state = WAITING;
        inFlight++;
        rounds = Math.max(rounds, c.round);
        c.sentMs = ctx.clock.nowMs();
        if (ctx.config.lookupStallMs() < ctx.config.rpcTimeoutMs()) { // else the rule is off: wait for timeouts
            final long maxMs = ctx.config.lookupStallMs();
            ctx.scheduler.schedule(ctx.config.adaptiveLookupStall() ? ctx.rtt.stallMs(maxMs) : maxMs, c::stall);
        }
    }

    private void finish() {
        if (done) {
            return;
        }
        done = true;
        ctx.counters.increment(value != null || !findValue ? CounterId.LOOKUPS_SUCCEEDED : CounterId.LOOKUPS_FAILED);
        if (value != null) {
            ctx.counters.increment(CounterId.VALUES_FOUND);
            cacheOnPath();
        }
        onDone.accept(this);
    }

    /** Path caching (paper 2.3): store at the closest node that answered NODES instead of the value. */
    private void cacheOnPath() {
        for (final Candidate c : shortlist) {
            if (c.state == ANSWERED && c.hasToken) {
                ctx.stores.storeAt(c.address, c.token, target, value, valuePublisher, valueTtlSeconds, null);
                ctx.counters.increment(CounterId.VALUES_CACHED);
                return;
            }
        }
    }

    /** Adds the contacts of a NODES reply to the shortlist (allocates only for contacts not met before). */
    private void addNodes(final NodesFlyweight nodes, final int round, final boolean fromLoopback) {
        for (int i = 0, n = nodes.count(); i < n; i++) {
            final int port = nodes.contactPort(i);
            final byte[] ip = nodes.contactAddressLength(i) == 4 ? ip4 : ip16;
            nodes.contactAddress(i, ip);
            if (!RoutableAddress.routable(ip, port, fromLoopback)) {
                // Port 0, unspecified, multicast, broadcast, or loopback named by a peer not on loopback (issue 12).
                ctx.counters.increment(CounterId.LOOKUP_CONTACTS_UNROUTABLE);
                continue;
            }
            final int at = newPosition(nodes.contactIdHi(i), nodes.contactIdMid(i), nodes.contactIdLo(i));
            if (at < 0) {
                continue;
            }
            try {
                add(nodes.contactIdAsNodeId(i), new InetSocketAddress(InetAddress.getByAddress(ip), port), LookupDiversity.prefixOf(ip), at, round);
            } catch (final UnknownHostException e) {
                // cannot happen for 4 or 16 raw bytes; skip the contact
            }
        }
    }

    final class Candidate implements ResponseListener {
        final NodeId id;
        final InetSocketAddress address;
        final int round;
        /** {@link LookupDiversity#prefixOf} of its address. */
        final long prefix;
        int state = FRESH;
        /** Waiting longer than lookupStallMs: no longer counted in flight nor among the k considered. */
        boolean stalled;
        long sentMs;
        long token;
        boolean hasToken;

        Candidate(final NodeId id, final InetSocketAddress address, final int round, final long prefix) {
            this.id = id;
            this.address = address;
            this.round = round;
            this.prefix = prefix;
        }

        /** Stall timer: still waiting, so give the alpha slot to the next candidate. */
        void stall() {
            if (done || state != WAITING || stalled) {
                return;
            }
            stalled = true;
            inFlight--;
            ctx.counters.increment(CounterId.LOOKUP_REQUESTS_STALLED);
            step();
        }

        /** The call ended (reply or timeout): its alpha slot is free unless the stall timer freed it already. */
        private void release() {
            if (!stalled) {
                inFlight--;
            }
            stalled = false;
        }

        @Override
        public void onResponse(final HeaderFlyweight header, final DirectBuffer buffer, final int offset, final int length,
                               final InetSocketAddress source) {
            release();
            ctx.rtt.observe(ctx.clock.nowMs() - sentMs);
            if (done) {
                return;
            }
            // The dispatcher validated the whole frame for its type (MessageDecoder), so the flyweights
            // below may read every field.
            if (header.senderHi() != id.hi() || header.senderMid() != id.mid() || header.senderLo() != id.lo()) {
                // The address answered with another id: the contact we were given is wrong or stale.
                state = FAILED;
                failed++;
            } else if (header.type() == MessageType.NODES) {
                state = ANSWERED;
                final NodesFlyweight nodes = ctx.nodesIn.wrap(buffer, offset);
                token = nodes.token();
                hasToken = true;
                addNodes(nodes, round + 1, source.getAddress().isLoopbackAddress());
            } else if (findValue && header.type() == MessageType.VALUE) {
                final ValueFlyweight reply = ctx.valueIn.wrap(buffer, offset);
                final byte[] v = reply.copyValue();
                if (NodeId.sha1(v).equals(target)) {
                    state = ANSWERED;
                    hasToken = false; // it has the value: not a path-caching target
                    value = v;
                    valuePublisher = reply.publisherAsNodeId();
                    valueTtlSeconds = reply.ttlSeconds();
                    finish();
                    return;
                }
                state = FAILED; // a forged value: keys are content hashes
                failed++;
            } else if (header.type() == MessageType.ERROR) {
                // A refusal (e.g. UNVERIFIED still, after the tracker's retries): that contact failed, no junk.
                state = FAILED;
                failed++;
            } else {
                ctx.counters.increment(CounterId.DROP_BAD_BODY);
                state = FAILED;
                failed++;
            }
            step();
        }

        @Override
        public void onTimeout() {
            release();
            state = FAILED;
            failed++;
            ctx.failures.onContactFailed(id);
            if (!done) {
                step();
            }
        }
    }
}
