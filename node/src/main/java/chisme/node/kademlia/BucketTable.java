package chisme.node.kademlia;

import chisme.wire.NodeId;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The k-bucket routing table (Maymounkov and Mazieres 2002, section 2.2; xlattice "Routing"): 160
 * buckets by XOR-distance index, each least-recently-seen first, plus a per-bucket replacement cache
 * (most recent first). Only verified contacts (ones that answered a request we sent) enter buckets or
 * are handed to others (mldht). Node thread only; {@link #closest} allocates nothing.
 * <p>
 * This is the Kademlia package's own table: the routing module's {@code RoutingTable} had not landed
 * when this was written.
 */
public final class BucketTable {
    /** {@link #onMessage} outcomes. */
    public static final int UPDATED = 0;
    public static final int ADDED = 1;
    /** Unknown sender and the message was not a reply to us: ping it first (unverified never enters). */
    public static final int NEEDS_VERIFY = 2;
    /** Bucket full: the newcomer went to the replacement cache; ping {@link #headToPing()} and report failure. */
    public static final int BUCKET_FULL_PING_HEAD = 3;
    /** Ignored (our own id, or a known id claiming a new address without proof). */
    public static final int IGNORED = 4;

    private final NodeId self;
    private final int k;
    private final int maxFailures;
    private final int cacheSize;
    @SuppressWarnings("unchecked")
    private final ArrayList<KadContact>[] buckets = new ArrayList[NodeId.BITS];
    @SuppressWarnings("unchecked")
    private final ArrayDeque<KadContact>[] caches = new ArrayDeque[NodeId.BITS];
    private final long[] touchedMs = new long[NodeId.BITS];
    private KadContact headToPing;
    private int size;

    public BucketTable(final NodeId self, final int k, final int maxFailures, final int cacheSize) {
        this.self = self;
        this.k = k;
        this.maxFailures = maxFailures;
        this.cacheSize = cacheSize;
        for (int i = 0; i < NodeId.BITS; i++) {
            buckets[i] = new ArrayList<>(0);
            caches[i] = new ArrayDeque<>(0);
        }
    }

    /**
     * Records a message from {@code id} at {@code address}.
     *
     * @param id       the sender's id (only allocated by the caller when the contact may be new)
     * @param verified true when it is a reply to a request we sent to that address
     */
    public int onMessage(final long hi, final long mid, final int lo, final IdSupplier id, final InetSocketAddress address,
                         final boolean verified, final long nowMs) {
        final int idx = NodeId.bucketIndex(self.hi(), self.mid(), self.lo(), hi, mid, lo);
        if (idx < 0) {
            return IGNORED;
        }
        final ArrayList<KadContact> bucket = buckets[idx];
        for (int i = 0; i < bucket.size(); i++) {
            final KadContact c = bucket.get(i);
            if (c.hi == hi && c.mid == mid && c.lo == lo) {
                if (!c.address.equals(address)) {
                    if (!verified) {
                        return IGNORED; // an id/address mismatch must be proven by a reply (re-verify)
                    }
                    c.address(address);
                }
                c.lastSeenMs = nowMs;
                if (verified) {
                    c.failures = 0;
                }
                if (i != bucket.size() - 1) {
                    bucket.remove(i);
                    bucket.add(c);
                }
                touchedMs[idx] = nowMs;
                return UPDATED;
            }
        }
        if (!verified) {
            return NEEDS_VERIFY;
        }
        final KadContact fresh = new KadContact(id.get(), address);
        fresh.verified = true;
        fresh.lastSeenMs = nowMs;
        touchedMs[idx] = nowMs;
        if (bucket.size() < k) {
            bucket.add(fresh);
            size++;
            removeFromCache(idx, hi, mid, lo);
            return ADDED;
        }
        for (int i = 0; i < bucket.size(); i++) {
            if (bucket.get(i).failures >= maxFailures) {
                bucket.remove(i);
                bucket.add(fresh);
                removeFromCache(idx, hi, mid, lo);
                return ADDED;
            }
        }
        // Full and all live: the paper keeps old contacts (they are likelier to stay up, section 2.2);
        // the newcomer waits in the replacement cache while we ping the head.
        removeFromCache(idx, hi, mid, lo);
        if (cacheSize > 0) {
            caches[idx].addFirst(fresh);
            while (caches[idx].size() > cacheSize) {
                caches[idx].removeLast();
            }
        }
        headToPing = bucket.get(0);
        return BUCKET_FULL_PING_HEAD;
    }

    /** The bucket head to ping after {@link #BUCKET_FULL_PING_HEAD}. */
    public KadContact headToPing() {
        return headToPing;
    }

    /**
     * A request to {@code id} failed. With a replacement waiting, a contact that failed twice in a row is
     * replaced (one lost datagram does not evict: bmuller/kademlia's complaint); with no replacement it
     * is only flagged stale after {@code maxFailures}, so a node whose own link died keeps its table.
     *
     * @return true when the contact was removed
     */
    public boolean onFailure(final NodeId id, final boolean headPing) {
        final int idx = self.bucketIndex(id);
        if (idx < 0) {
            return false;
        }
        final ArrayList<KadContact> bucket = buckets[idx];
        for (int i = 0; i < bucket.size(); i++) {
            final KadContact c = bucket.get(i);
            if (c.hi == id.hi() && c.mid == id.mid() && c.lo == id.lo()) {
                c.failures++;
                // A failed head ping evicts at once (paper 2.2); a lookup timeout needs two in a row.
                if ((headPing || c.failures >= Math.min(2, maxFailures)) && !caches[idx].isEmpty()) {
                    bucket.remove(i);
                    bucket.add(caches[idx].removeFirst());
                    return true;
                }
                return false;
            }
        }
        return false;
    }

    /**
     * Fills {@code out} with up to {@code n} live contacts closest to the target, nearest first.
     *
     * @return how many were written
     */
    public int closest(final long tHi, final long tMid, final int tLo, final int n, final KadContact[] out) {
        final int limit = Math.min(n, out.length);
        int count = 0;
        for (int b = 0; b < NodeId.BITS; b++) {
            final ArrayList<KadContact> bucket = buckets[b];
            for (int i = 0, s = bucket.size(); i < s; i++) {
                final KadContact c = bucket.get(i);
                if (c.failures >= maxFailures) {
                    continue;
                }
                int pos = count;
                while (pos > 0 && NodeId.compareDistance(tHi, tMid, tLo, c.hi, c.mid, c.lo,
                    out[pos - 1].hi, out[pos - 1].mid, out[pos - 1].lo) < 0) {
                    pos--;
                }
                if (pos >= limit) {
                    continue;
                }
                final int end = Math.min(count, limit - 1);
                System.arraycopy(out, pos, out, pos + 1, end - pos);
                out[pos] = c;
                if (count < limit) {
                    count++;
                }
            }
        }
        return count;
    }

    /** Marks bucket {@code index} as used now (a lookup into its range counts as activity for refresh). */
    public void touch(final int index, final long nowMs) {
        if (index >= 0) {
            touchedMs[index] = nowMs;
        }
    }

    /** The contact with this id, or null. */
    public KadContact find(final NodeId id) {
        final int idx = self.bucketIndex(id);
        if (idx < 0) {
            return null;
        }
        for (final KadContact c : buckets[idx]) {
            if (c.id.equals(id)) {
                return c;
            }
        }
        return null;
    }

    /** Contacts in buckets (not the caches). */
    public int size() {
        return size;
    }

    /** Last time bucket {@code index} saw a contact (0 = never). */
    public long touchedMs(final int index) {
        return touchedMs[index];
    }

    public int bucketSize(final int index) {
        return buckets[index].size();
    }

    /** Index of the nearest non-empty bucket, or -1 when the table is empty. */
    public int nearestBucket() {
        for (int i = 0; i < NodeId.BITS; i++) {
            if (!buckets[i].isEmpty()) {
                return i;
            }
        }
        return -1;
    }

    /** A copy of every contact in buckets (slow path: CLI, persistence). */
    public List<KadContact> snapshot() {
        final List<KadContact> out = new ArrayList<>(size);
        for (final ArrayList<KadContact> b : buckets) {
            out.addAll(b);
        }
        return out;
    }

    private void removeFromCache(final int idx, final long hi, final long mid, final int lo) {
        final Iterator<KadContact> it = caches[idx].iterator();
        while (it.hasNext()) {
            final KadContact c = it.next();
            if (c.hi == hi && c.mid == mid && c.lo == lo) {
                it.remove();
            }
        }
    }

    /** Supplies the id object only when a new contact must be created (keeps the known-contact path allocation-free). */
    @FunctionalInterface
    public interface IdSupplier {
        NodeId get();
    }
}
