package chisme.node.routing;

import chisme.wire.NodeId;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The 160-bit Kademlia routing table (Maymounkov and Mazieres 2002; xlattice "Routing").
 * <p>
 * Buckets are the leaves of the paper's binary tree, kept in distance space (distance = id XOR our
 * id) so that bucket 0, whose prefix is all zeros, is the one whose range holds our own id. Buckets
 * are ordered by the distances they cover, nearest first; they start as one bucket covering
 * everything and split when full:
 * <ul>
 * <li>the bucket holding our own id always splits (paper 2.4);</li>
 * <li>any other full bucket splits when the newcomer would be among the k closest contacts to our
 *     id (relaxed splitting, paper 4.2), so that we learn every one of our k nearest neighbours even
 *     in an unbalanced tree.</li>
 * </ul>
 * Each bucket holds up to k contacts, least recently seen first (head = oldest, paper 2.2), and a
 * replacement cache, most recent first (paper 4.1). Hardening from mldht and BEP 5 practice:
 * <ul>
 * <li>only verified contacts (they answered a request we sent) enter buckets and caches and are
 *     returned by {@link #closest}; an unknown unverified sender gets {@link RoutingOutcome#NEEDS_VERIFY}
 *     so the node pings it;</li>
 * <li>a contact is stale after {@code staleAfterFailures} consecutive failures, but is evicted only
 *     when a replacement exists (a node whose own link died must not wipe its table); stale contacts
 *     are not returned by {@link #closest};</li>
 * <li>one entry per address (ip:port): a different id at a known address, or a known id at a new
 *     address, replaces the old entry only when the new claim is verified, never on an unverified
 *     message ({@link RoutingOutcome#ADDRESS_CONFLICT}).</li>
 * </ul>
 * Thread contract: the node thread owns the table, as it owns all node state (docs/architecture.md);
 * no method takes a lock and {@link Contact}'s liveness fields are plain fields. Other threads (admin
 * status, the contacts file, shared-state's neighbours) never touch it: they get copies made on the
 * node thread ({@code KademliaNode.contacts()}, immutable {@code ContactInfo} records). Readers never
 * receive internal arrays: {@link #closest} fills the caller's array and {@link #snapshot} copies.
 * <p>
 * Allocation: {@link #closest} and {@link #onMessage} for a known contact allocate nothing; adding a
 * contact, splitting and {@link #snapshot} allocate.
 */
public final class RoutingTable {
    /** Bucket size k of the xlattice specification. */
    public static final int DEFAULT_K = 20;
    /** Consecutive failures after which a contact is stale (xlattice "Hardening": ~5). */
    public static final int DEFAULT_STALE_AFTER_FAILURES = 5;
    /** A head ping not reported back within this time may be asked for again. */
    public static final long DEFAULT_HEAD_PING_TIMEOUT_MS = 30_000;

    private final NodeId self;
    private final long selfHi;
    private final long selfMid;
    private final int selfLo;
    private final int k;
    private final int staleAfterFailures;
    private final int cacheCapacity;
    private final long headPingTimeoutMs;

    private Bucket[] buckets = new Bucket[8];
    private int bucketCount;
    private final HashMap<InetSocketAddress, Contact> byAddress = new HashMap<>();
    private final HashMap<NodeId, Contact> byId = new HashMap<>();
    private int size;
    private int cached;

    private long splits;
    private long evictions;
    private long addressConflicts;

    // IP diversity (issue 12): contacts per IP and per /24 or /64 over the whole table (buckets and caches).
    private ContactLimits limits = ContactLimits.NONE;
    private InetAddress selfAddress;
    private final HashMap<InetAddress, int[]> perIp = new HashMap<>();
    private final HashMap<Long, int[]> perPrefix4 = new HashMap<>();
    private final HashMap<Long, int[]> perPrefix6 = new HashMap<>();

    // closest() scratch. The best candidates so far are kept sorted by rank in rankHi/rankSlot (only
    // a long and an int move per insertion step); the rest of each candidate stays in its slot. Contact
    // references are written to the caller's array once at the end rather than moved at every step
    // (reference stores carry GC write barriers); measured ~15% less CPU per closest-20.
    private long[] rankHi;
    private int[] rankSlot;
    private long[] slotMid;
    private int[] slotLo;
    private int[] slotRef;

    /** A table with k = 20, stale after 5 failures, a replacement cache of k per bucket. */
    public RoutingTable(final NodeId self) {
        this(self, DEFAULT_K, DEFAULT_STALE_AFTER_FAILURES, DEFAULT_K, DEFAULT_HEAD_PING_TIMEOUT_MS);
    }

    /**
     * @param self               our own id
     * @param k                  contacts per bucket (xlattice k, 20)
     * @param staleAfterFailures consecutive failures that make a contact stale (5)
     * @param cacheCapacity      replacement cache entries per bucket (k)
     * @param headPingTimeoutMs  after this long an unreported head ping may be requested again
     */
    public RoutingTable(final NodeId self, final int k, final int staleAfterFailures, final int cacheCapacity, final long headPingTimeoutMs) {
        if (k < 1 || k > 0xFFFF || staleAfterFailures < 1 || cacheCapacity < 0 || headPingTimeoutMs < 0) {
            throw new IllegalArgumentException("k in 1..65535, staleAfterFailures >= 1, cacheCapacity and headPingTimeoutMs >= 0");
        }
        this.self = self;
        this.selfHi = self.hi();
        this.selfMid = self.mid();
        this.selfLo = self.lo();
        this.k = k;
        this.staleAfterFailures = staleAfterFailures;
        this.cacheCapacity = cacheCapacity;
        this.headPingTimeoutMs = headPingTimeoutMs;
        buckets[bucketCount++] = new Bucket(0, 0, 0, 0, k, cacheCapacity, 0);
        growScratch(Math.max(k, 32));
    }

    public NodeId self() {
        return self;
    }

    /**
     * Limits contacts per IP and per prefix ({@link ContactLimits}); {@code selfAddress} (our bound address,
     * may be the wildcard or null) tells which addresses are this host and so not limited. Call before use.
     */
    public void limits(final ContactLimits contactLimits, final InetAddress selfAddress) {
        this.limits = contactLimits;
        this.selfAddress = selfAddress;
    }

    public int k() {
        return k;
    }

    public int staleAfterFailures() {
        return staleAfterFailures;
    }

    /**
     * Records a message from {@code (idHi, idMid, idLo)} at {@code from}: Kademlia's update rule
     * (paper 2.2) with the verification and one-entry-per-address rules of the class comment.
     *
     * @param verified true only when the message answers a request we sent to {@code from}
     * @param nowMs    the caller's clock
     * @return the outcome; a {@link RoutingOutcome#BUCKET_FULL_PING_HEAD} carries the head to ping
     * ({@link RoutingOutcome#headToPing()}): report its answer with onMessage or its timeout with {@link #onFailure}
     */
    public RoutingOutcome onMessage(final long idHi, final long idMid, final int idLo, final InetSocketAddress from,
                                    final boolean verified, final long nowMs) {
        if (idHi == selfHi && idMid == selfMid && idLo == selfLo) {
            return RoutingOutcome.of(RoutingOutcome.REJECTED_SELF);
        }
        if (from == null || from.getAddress() == null || from.getPort() == 0) {
            return RoutingOutcome.of(RoutingOutcome.REJECTED_ADDRESS);
        }
        final Contact known = byAddress.get(from);
        if (known != null) {
            if (known.hasId(idHi, idMid, idLo)) {
                return refresh(known, verified, nowMs);
            }
            // The address now answers with another id. Believe it only when it answered our own
            // request (xlattice "Hardening": an id/address mismatch evicts and re-verifies).
            if (!verified) {
                addressConflicts++;
                return RoutingOutcome.of(RoutingOutcome.ADDRESS_CONFLICT);
            }
            remove(known, true);
        }
        final NodeId id = new NodeId(idHi, idMid, idLo);
        final Contact sameId = byId.get(id);
        if (sameId != null) {
            // A known id at a new address: only a verified answer from the new address moves it,
            // otherwise anyone could redirect our traffic for that id.
            if (!verified) {
                addressConflicts++;
                return RoutingOutcome.of(RoutingOutcome.ADDRESS_CONFLICT);
            }
            final Bucket b = sameId.bucket;
            if (!from.getAddress().equals(sameId.address().getAddress())) {
                final int refused = diversityVerdict(from.getAddress(), b);
                if (refused >= 0) {
                    return RoutingOutcome.of(refused);
                }
            }
            final Contact moved = new Contact(id, from);
            moved.copyLiveness(sameId);
            if (sameId.inCache) {
                b.cacheReplace(sameId, moved);
            } else {
                b.replace(sameId, moved);
            }
            byAddress.remove(sameId.address());
            count(sameId, -1);
            byAddress.put(from, moved);
            byId.put(id, moved);
            count(moved, 1);
            return refresh(moved, true, nowMs);
        }
        if (!verified) {
            return RoutingOutcome.of(RoutingOutcome.NEEDS_VERIFY);
        }
        final int refused = diversityVerdict(from.getAddress(),
            buckets[bucketIndexFor(idHi ^ selfHi, idMid ^ selfMid, idLo ^ selfLo)]);
        if (refused >= 0) {
            return RoutingOutcome.of(refused);
        }
        return insert(new Contact(id, from), nowMs);
    }

    /** Object form of {@link #onMessage(long, long, int, InetSocketAddress, boolean, long)}. */
    public RoutingOutcome onMessage(final NodeId id, final InetSocketAddress from, final boolean verified, final long nowMs) {
        return onMessage(id.hi(), id.mid(), id.lo(), from, verified, nowMs);
    }

    /**
     * A request to {@code id} timed out. After {@code staleAfterFailures} consecutive failures the
     * contact is stale; it is replaced by the freshest cache entry if there is one, else kept. A
     * replacement-cache entry is dropped at its first failure (its only value is being alive).
     *
     * @return {@link RoutingOutcome#UNKNOWN}, {@link RoutingOutcome#FAILED},
     * {@link RoutingOutcome#STALE_KEPT} or {@link RoutingOutcome#EVICTED}
     */
    public int onFailure(final NodeId id, final long nowMs) {
        return failure(byId.get(id));
    }

    /** {@link #onFailure(NodeId, long)} for a request that went to an address (the contact there). */
    public int onFailure(final InetSocketAddress address, final long nowMs) {
        return failure(byAddress.get(address));
    }

    private int failure(final Contact c) {
        if (c == null) {
            return RoutingOutcome.UNKNOWN;
        }
        c.fail(staleAfterFailures);
        if (c.inCache) {
            remove(c, false);
            return RoutingOutcome.EVICTED;
        }
        if (!c.isStale()) {
            return RoutingOutcome.FAILED;
        }
        final Bucket b = c.bucket;
        final Contact replacement = b.cacheTakeFreshest();
        if (replacement == null) {
            return RoutingOutcome.STALE_KEPT;
        }
        cached--;
        removeFromBucket(c);
        b.append(replacement);
        size++;
        evictions++;
        return RoutingOutcome.EVICTED;
    }

    /**
     * Fills {@code out} with up to {@code n} verified, non-stale contacts closest to the target by XOR
     * distance, nearest first. Allocates nothing (scratch grows once if n exceeds all earlier n).
     *
     * @return the number of contacts written
     */
    public int closest(final long tHi, final long tMid, final int tLo, final int n, final Contact[] out) {
        final int max = Math.min(n, out.length);
        if (max <= 0) {
            return 0;
        }
        if (max > rankHi.length) {
            growScratch(max);
        }
        // Target's distance from our id: every contact c of a bucket with distance prefix P is at
        // distance (P ^ x) & mask or more from the target, which lets whole buckets be skipped.
        final long xHi = tHi ^ selfHi;
        final long xMid = tMid ^ selfMid;
        final int xLo = tLo ^ selfLo;
        final int first = bucketIndexFor(xHi, xMid, xLo);
        int count = scan(first, tHi, tMid, tLo, max, 0);
        final Bucket[] bs = buckets;
        for (int i = 0, bc = bucketCount; i < bc; i++) {
            final Bucket b = bs[i];
            if (i == first || b.size == 0) {
                continue;
            }
            if (count == max) {
                final int last = max - 1;
                final int slot = rankSlot[last];
                if (compare((b.pHi ^ xHi) & b.mHi, (b.pMid ^ xMid) & b.mMid, (b.pLo ^ xLo) & b.mLo,
                    rankHi[last], slotMid[slot], slotLo[slot]) >= 0) {
                    continue;
                }
            }
            count = scan(i, tHi, tMid, tLo, max, count);
        }
        for (int r = 0; r < count; r++) {
            final int ref = slotRef[rankSlot[r]];
            out[r] = bs[ref >>> 16].entries[ref & 0xFFFF];
        }
        return count;
    }

    /** Object form of {@link #closest(long, long, int, int, Contact[])}. */
    public int closest(final NodeId target, final int n, final Contact[] out) {
        return closest(target.hi(), target.mid(), target.lo(), n, out);
    }

    /** Insertion of one bucket's live contacts into the ranked scratch; returns the new count. */
    private int scan(final int bucketIndex, final long tHi, final long tMid, final int tLo, final int max, final int countIn) {
        int count = countIn;
        final long[] rHi = rankHi;
        final int[] rSlot = rankSlot;
        final long[] sMid = slotMid;
        final int[] sLo = slotLo;
        final Bucket b = buckets[bucketIndex];
        final Contact[] entries = b.entries;
        for (int j = 0, sz = b.size; j < sz; j++) {
            final Contact c = entries[j];
            if (c.isStale()) {
                continue;
            }
            final long dh = c.hi() ^ tHi;
            final long dm = c.mid() ^ tMid;
            final int dl = c.lo() ^ tLo;
            int pos;
            final int slot;
            if (count == max) {
                pos = max - 1;
                final int worst = rSlot[pos];
                if (compare(dh, dm, dl, rHi[pos], sMid[worst], sLo[worst]) >= 0) {
                    continue;
                }
                slot = worst;
            } else {
                slot = count;
                pos = count++;
            }
            sMid[slot] = dm;
            sLo[slot] = dl;
            slotRef[slot] = bucketIndex << 16 | j;
            while (pos > 0) {
                final long h = rHi[pos - 1];
                if (h != dh) {
                    if (Long.compareUnsigned(dh, h) > 0) {
                        break;
                    }
                } else {
                    final int other = rSlot[pos - 1];
                    if (compare(dh, dm, dl, h, sMid[other], sLo[other]) > 0) {
                        break;
                    }
                }
                rHi[pos] = h;
                rSlot[pos] = rSlot[pos - 1];
                pos--;
            }
            rHi[pos] = dh;
            rSlot[pos] = slot;
        }
        return count;
    }

    private void growScratch(final int capacity) {
        rankHi = new long[capacity];
        rankSlot = new int[capacity];
        slotMid = new long[capacity];
        slotLo = new int[capacity];
        slotRef = new int[capacity];
    }

    /** The contact with this id (in a bucket or in a replacement cache), or null. */
    public Contact find(final NodeId id) {
        return byId.get(id);
    }

    /** The contact at this address (in a bucket or in a replacement cache), or null. */
    public Contact find(final InetSocketAddress address) {
        return byAddress.get(address);
    }

    /** Removes a contact (bucket or cache) without promoting a replacement; true if it was known. */
    public boolean remove(final NodeId id) {
        final Contact c = byId.get(id);
        if (c == null) {
            return false;
        }
        remove(c, false);
        return true;
    }

    /** Contacts in buckets (replacement caches excluded). */
    public int size() {
        return size;
    }

    /** Contacts waiting in replacement caches. */
    public int replacementCount() {
        return cached;
    }

    /** Buckets, numbered nearest first: bucket 0 holds our own id's range. */
    public int bucketCount() {
        return bucketCount;
    }

    /** Index of the bucket whose range holds {@code id}. */
    public int bucketOf(final NodeId id) {
        return bucketIndexFor(id.hi() ^ selfHi, id.mid() ^ selfMid, id.lo() ^ selfLo);
    }

    /** Contacts in bucket {@code bucket}. */
    public int bucketSize(final int bucket) {
        return bucket(bucket).size;
    }

    /** Length of the distance prefix that defines bucket {@code bucket} (0 = the whole id space). */
    public int bucketPrefixLength(final int bucket) {
        return bucket(bucket).prefixLength;
    }

    /** Last time a contact of the bucket was seen or a lookup touched it (xlattice "Bucket refresh"). */
    public long bucketLastTouchedMs(final int bucket) {
        return bucket(bucket).lastTouchedMs;
    }

    /** Marks the bucket holding {@code target} as touched: call when a lookup for target starts. */
    public void touch(final NodeId target, final long nowMs) {
        buckets[bucketIndexFor(target.hi() ^ selfHi, target.mid() ^ selfMid, target.lo() ^ selfLo)].lastTouchedMs = nowMs;
    }

    /** A random id inside bucket {@code bucket}'s range: the target of its refresh lookup. */
    public NodeId randomIdInBucket(final int bucket, final RandomGenerator random) {
        final Bucket b = bucket(bucket);
        final long dHi = b.pHi | (random.nextLong() & ~b.mHi);
        final long dMid = b.pMid | (random.nextLong() & ~b.mMid);
        final int dLo = b.pLo | (random.nextInt() & ~b.mLo);
        return new NodeId(selfHi ^ dHi, selfMid ^ dMid, selfLo ^ dLo);
    }

    /**
     * Index of the nearest bucket holding a non-stale contact, or -1 if there is none. Join refreshes
     * every bucket with a higher index (xlattice "Join": buckets farther than our closest neighbour).
     */
    public int closestNeighbourBucket() {
        for (int i = 0; i < bucketCount; i++) {
            final Bucket b = buckets[i];
            for (int j = 0; j < b.size; j++) {
                if (!b.entries[j].isStale()) {
                    return i;
                }
            }
        }
        return -1;
    }

    /** A copy of the bucket contacts, nearest bucket first, least recently seen first in a bucket. */
    public List<Contact> snapshot() {
        final List<Contact> list = new ArrayList<>(size);
        for (int i = 0; i < bucketCount; i++) {
            final Bucket b = buckets[i];
            for (int j = 0; j < b.size; j++) {
                list.add(b.entries[j]);
            }
        }
        return list;
    }

    /** A copy of bucket {@code bucket}'s contacts, least recently seen (head) first. */
    public List<Contact> bucketContacts(final int bucket) {
        final Bucket b = bucket(bucket);
        final List<Contact> list = new ArrayList<>(b.size);
        for (int j = 0; j < b.size; j++) {
            list.add(b.entries[j]);
        }
        return list;
    }

    /** A copy of bucket {@code bucket}'s replacement cache, most recent first. */
    public List<Contact> replacementContacts(final int bucket) {
        final Bucket b = bucket(bucket);
        final List<Contact> list = new ArrayList<>(b.cacheSize);
        for (int j = 0; j < b.cacheSize; j++) {
            list.add(b.cache[j]);
        }
        return list;
    }

    /** Bucket splits so far. */
    public long splits() {
        return splits;
    }

    /** Stale contacts evicted in favour of a replacement so far. */
    public long evictions() {
        return evictions;
    }

    /** Unverified id/address conflicts ignored so far. */
    public long addressConflicts() {
        return addressConflicts;
    }

    private Bucket bucket(final int index) {
        if (index < 0 || index >= bucketCount) {
            throw new IndexOutOfBoundsException("bucket " + index + " of " + bucketCount);
        }
        return buckets[index];
    }

    private RoutingOutcome refresh(final Contact c, final boolean verified, final long nowMs) {
        c.seen(nowMs, verified);
        final Bucket b = c.bucket;
        b.lastTouchedMs = nowMs;
        if (!c.inCache) {
            b.moveToTail(c);
            return RoutingOutcome.of(RoutingOutcome.UPDATED);
        }
        b.cacheMoveToFront(c);
        if (c.isStale()) {
            return RoutingOutcome.of(RoutingOutcome.CACHED);
        }
        if (!b.full()) {
            b.cacheRemoveAt(0);
            cached--;
            b.append(c);
            size++;
            return RoutingOutcome.of(RoutingOutcome.ADDED);
        }
        final int s = b.firstStale();
        if (s >= 0) {
            final Contact old = b.entries[s];
            removeFromBucket(old);
            b.cacheRemoveAt(0);
            cached--;
            b.append(c);
            size++;
            evictions++;
            return RoutingOutcome.of(RoutingOutcome.ADDED);
        }
        return RoutingOutcome.of(RoutingOutcome.CACHED);
    }

    /** Inserts a verified contact not yet in the table. */
    private RoutingOutcome insert(final Contact c, final long nowMs) {
        c.seen(nowMs, true);
        final long dHi = c.hi() ^ selfHi;
        final long dMid = c.mid() ^ selfMid;
        final int dLo = c.lo() ^ selfLo;
        byAddress.put(c.address(), c);
        byId.put(c.id(), c);
        count(c, 1);
        // Each split lengthens the prefix by one bit, so this ends within 160 rounds.
        for (int round = 0; round <= NodeId.BITS; round++) {
            final int index = bucketIndexFor(dHi, dMid, dLo);
            final Bucket b = buckets[index];
            b.lastTouchedMs = nowMs;
            if (!b.full()) {
                b.append(c);
                size++;
                return RoutingOutcome.of(RoutingOutcome.ADDED);
            }
            if (b.prefixLength < NodeId.BITS && (b.holdsSelf() || amongClosestToSelf(dHi, dMid, dLo))) {
                split(index);
                continue;
            }
            final int s = b.firstStale();
            if (s >= 0) {
                // A stale entry goes only now that a live replacement exists (xlattice "Hardening").
                removeFromBucket(b.entries[s]);
                b.append(c);
                size++;
                evictions++;
                return RoutingOutcome.of(RoutingOutcome.ADDED);
            }
            if (cacheCapacity == 0) {
                unindex(c);
            } else {
                final Contact dropped = b.cachePushFront(c);
                if (dropped != null) {
                    unindex(dropped);
                } else {
                    cached++;
                }
            }
            final Contact head = b.entries[0];
            if (head.headPingSentMs != Contact.NO_PING && nowMs - head.headPingSentMs < headPingTimeoutMs) {
                return RoutingOutcome.of(RoutingOutcome.CACHED);
            }
            head.headPingSentMs = nowMs;
            return RoutingOutcome.pingHead(head);
        }
        unindex(c);
        throw new IllegalStateException("routing table split did not converge");
    }

    /** Relaxed splitting test (paper 4.2): fewer than k live contacts are nearer to us than d. */
    private boolean amongClosestToSelf(final long dHi, final long dMid, final int dLo) {
        int nearer = 0;
        for (int i = 0; i < bucketCount; i++) {
            final Bucket b = buckets[i];
            // Buckets are ordered by distance: once a bucket's lowest distance exceeds d, stop.
            if (compare(b.pHi, b.pMid, b.pLo, dHi, dMid, dLo) > 0) {
                break;
            }
            for (int j = 0; j < b.size; j++) {
                final Contact c = b.entries[j];
                if (!c.isStale() && compare(c.hi() ^ selfHi, c.mid() ^ selfMid, c.lo() ^ selfLo, dHi, dMid, dLo) < 0) {
                    if (++nearer >= k) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** Splits bucket {@code index} into its near half (same index) and far half (index + 1). */
    private void split(final int index) {
        final Bucket b = buckets[index];
        final int len = b.prefixLength;
        final long bitHi = len < 64 ? 1L << (63 - len) : 0L;
        final long bitMid = len >= 64 && len < 128 ? 1L << (127 - len) : 0L;
        final int bitLo = len >= 128 ? 1 << (159 - len) : 0;
        final Bucket near = new Bucket(b.pHi, b.pMid, b.pLo, len + 1, k, cacheCapacity, b.lastTouchedMs);
        final Bucket far = new Bucket(b.pHi | bitHi, b.pMid | bitMid, b.pLo | bitLo, len + 1, k, cacheCapacity, b.lastTouchedMs);
        for (int j = 0; j < b.size; j++) {
            final Contact c = b.entries[j];
            ((((c.hi() ^ selfHi) & bitHi) | ((c.mid() ^ selfMid) & bitMid) | ((c.lo() ^ selfLo) & bitLo)) == 0 ? near : far).append(c);
        }
        for (int j = 0; j < b.cacheSize; j++) {
            final Contact c = b.cache[j];
            final Bucket to = (((c.hi() ^ selfHi) & bitHi) | ((c.mid() ^ selfMid) & bitMid) | ((c.lo() ^ selfLo) & bitLo)) == 0 ? near : far;
            to.cache[to.cacheSize++] = c;
            c.bucket = to;
        }
        if (bucketCount == buckets.length) {
            final Bucket[] grown = new Bucket[buckets.length * 2];
            System.arraycopy(buckets, 0, grown, 0, bucketCount);
            buckets = grown;
        }
        System.arraycopy(buckets, index + 1, buckets, index + 2, bucketCount - index - 1);
        buckets[index] = near;
        buckets[index + 1] = far;
        bucketCount++;
        splits++;
        // Now that both halves have room, cache entries can fill them (newest first).
        fillFromCache(near);
        fillFromCache(far);
    }

    private void fillFromCache(final Bucket b) {
        while (!b.full()) {
            final Contact c = b.cacheTakeFreshest();
            if (c == null) {
                return;
            }
            cached--;
            b.append(c);
            size++;
        }
    }

    /** Removes a contact from wherever it is; promotes a cache entry into a freed bucket slot if asked. */
    private void remove(final Contact c, final boolean promote) {
        final Bucket b = c.bucket;
        if (c.inCache) {
            final int i = b.cacheIndexOf(c);
            if (i >= 0) {
                b.cacheRemoveAt(i);
                cached--;
            }
            unindex(c);
            return;
        }
        removeFromBucket(c);
        if (promote) {
            fillFromCache(b);
        }
    }

    private void removeFromBucket(final Contact c) {
        final Bucket b = c.bucket;
        final int i = b.indexOf(c);
        if (i >= 0) {
            b.removeAt(i);
            size--;
        }
        unindex(c);
    }

    private void unindex(final Contact c) {
        if (byId.remove(c.id(), c)) {
            count(c, -1);
        }
        byAddress.remove(c.address(), c);
        c.bucket = null;
        c.inCache = false;
    }

    /**
     * The refusal code when a contact at {@code ip} would exceed a {@link ContactLimits} limit in bucket
     * {@code b} or in the table, else -1. This host's own addresses are not limited; loopback has no prefix.
     */
    private int diversityVerdict(final InetAddress ip, final Bucket b) {
        if (limits == ContactLimits.NONE || ContactLimits.sameHost(ip, selfAddress)) {
            return -1;
        }
        final int[] inTable = perIp.get(ip);
        if (inTable != null && inTable[0] >= limits.perIp() || countInBucket(b, ip, -1) >= limits.perIpPerBucket()) {
            return RoutingOutcome.REJECTED_IP_LIMIT;
        }
        if (ip.isLoopbackAddress()) {
            return -1;
        }
        final byte[] raw = ip.getAddress();
        final long prefix = ContactLimits.prefixKey(raw);
        final int[] inPrefix = (raw.length == 4 ? perPrefix4 : perPrefix6).get(prefix);
        if (inPrefix != null && inPrefix[0] >= limits.perPrefix()
            || countInBucket(b, null, prefix) >= limits.perPrefixPerBucket()) {
            return RoutingOutcome.REJECTED_PREFIX_LIMIT;
        }
        return -1;
    }

    /** Contacts of bucket {@code b} (entries and cache) at {@code ip}, or when ip is null in the prefix. */
    private static int countInBucket(final Bucket b, final InetAddress ip, final long prefix) {
        int n = 0;
        for (int j = 0; j < b.size; j++) {
            n += matches(b.entries[j], ip, prefix) ? 1 : 0;
        }
        for (int j = 0; j < b.cacheSize; j++) {
            n += matches(b.cache[j], ip, prefix) ? 1 : 0;
        }
        return n;
    }

    private static boolean matches(final Contact c, final InetAddress ip, final long prefix) {
        if (ip != null) {
            return ip.equals(c.address().getAddress());
        }
        return !c.address().getAddress().isLoopbackAddress() && c.prefixKey() == prefix;
    }

    /** Keeps the per-IP and per-prefix counts of the table as contacts are indexed ({@code delta} 1) or removed (-1). */
    private void count(final Contact c, final int delta) {
        final InetAddress ip = c.address().getAddress();
        bump(perIp, ip, delta);
        if (!ip.isLoopbackAddress()) {
            bump(c.isIpv6() ? perPrefix6 : perPrefix4, c.prefixKey(), delta);
        }
    }

    private static <K> void bump(final HashMap<K, int[]> counts, final K key, final int delta) {
        final int[] n = counts.computeIfAbsent(key, x -> new int[1]);
        n[0] += delta;
        if (n[0] <= 0) {
            counts.remove(key);
        }
    }

    /** Binary search: the bucket whose range holds distance d (the last one whose prefix is <= d). */
    private int bucketIndexFor(final long dHi, final long dMid, final int dLo) {
        int lo = 0;
        int hi = bucketCount - 1;
        final Bucket[] bs = buckets;
        while (lo < hi) {
            final int m = (lo + hi + 1) >>> 1;
            final Bucket b = bs[m];
            if (compare(b.pHi, b.pMid, b.pLo, dHi, dMid, dLo) <= 0) {
                lo = m;
            } else {
                hi = m - 1;
            }
        }
        return lo;
    }

    /** Unsigned comparison of two 160-bit numbers held as (hi, mid, lo). */
    static int compare(final long aHi, final long aMid, final int aLo, final long bHi, final long bMid, final int bLo) {
        if (aHi != bHi) {
            return Long.compareUnsigned(aHi, bHi);
        }
        if (aMid != bMid) {
            return Long.compareUnsigned(aMid, bMid);
        }
        return Integer.compareUnsigned(aLo, bLo);
    }
}
