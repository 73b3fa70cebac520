package chisme.node.routing;

import chisme.wire.NodeId;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.SplittableRandom;

import static chisme.node.routing.RoutingOutcome.ADDED;
import static chisme.node.routing.RoutingOutcome.ADDRESS_CONFLICT;
import static chisme.node.routing.RoutingOutcome.BUCKET_FULL_PING_HEAD;
import static chisme.node.routing.RoutingOutcome.CACHED;
import static chisme.node.routing.RoutingOutcome.EVICTED;
import static chisme.node.routing.RoutingOutcome.FAILED;
import static chisme.node.routing.RoutingOutcome.NEEDS_VERIFY;
import static chisme.node.routing.RoutingOutcome.REJECTED_SELF;
import static chisme.node.routing.RoutingOutcome.STALE_KEPT;
import static chisme.node.routing.RoutingOutcome.UNKNOWN;
import static chisme.node.routing.RoutingOutcome.UPDATED;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoutingTableTest {
    /** A fixed, non-trivial own id so that distances are not simply the ids. */
    static final NodeId SELF = new NodeId(0x5A5A_1234_0F0F_7777L, 0x0123_4567_89AB_CDEFL, 0x1357_9BDF);

    /** The id at distance (dHi, dMid, dLo) from SELF. */
    static NodeId atDistance(final long dHi, final long dMid, final int dLo) {
        return new NodeId(SELF.hi() ^ dHi, SELF.mid() ^ dMid, SELF.lo() ^ dLo);
    }

    /** Distance whose top byte is {@code top} (the rest zero, plus a small tag to keep ids distinct). */
    static NodeId topByte(final int top, final int tag) {
        return atDistance(((long) top) << 56 | tag, 0, 0);
    }

    static InetSocketAddress addr(final int n) {
        return new InetSocketAddress("127." + ((n >> 16) & 0xFF) + "." + ((n >> 8) & 0xFF) + "." + (n & 0xFF), 4000 + (n % 1000));
    }

    static RoutingTable table(final int k) {
        return new RoutingTable(SELF, k, RoutingTable.DEFAULT_STALE_AFTER_FAILURES, k, RoutingTable.DEFAULT_HEAD_PING_TIMEOUT_MS);
    }

    @Test
    void shouldPlaceEveryContactInTheBucketWhoseRangeHoldsIt() {
        final RoutingTable t = table(4);
        final SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 500; i++) {
            t.onMessage(NodeId.random(r), addr(i + 1), true, i);
        }
        assertTrue(t.bucketCount() > 5, "own bucket should have split repeatedly");
        assertEquals(0, t.bucketOf(SELF), "bucket 0 holds our own id (paper 2.4)");
        int total = 0;
        int previousLength = Integer.MAX_VALUE;
        for (int b = 0; b < t.bucketCount(); b++) {
            final List<Contact> contacts = t.bucketContacts(b);
            assertTrue(contacts.size() <= 4);
            total += contacts.size();
            for (final Contact c : contacts) {
                assertEquals(b, t.bucketOf(c.id()), "contact in the wrong bucket");
            }
            for (final Contact c : t.replacementContacts(b)) {
                assertEquals(b, t.bucketOf(c.id()), "cache entry in the wrong bucket");
                assertTrue(c.inReplacementCache());
            }
            // Without near-self clusters the tree stays the regular one: prefix lengths shrink with distance.
            assertTrue(t.bucketPrefixLength(b) <= previousLength);
            previousLength = t.bucketPrefixLength(b);
        }
        assertEquals(t.size(), total);
        // The farthest bucket is the half of the space whose top distance bit is 1 (xlattice bucket 159).
        final Contact far = t.bucketContacts(t.bucketCount() - 1).get(0);
        assertEquals(159, SELF.bucketIndex(far.id()));
        assertEquals(1, t.bucketPrefixLength(t.bucketCount() - 1));
    }

    @Test
    void shouldKeepLeastRecentlySeenFirst() {
        final RoutingTable t = table(20);
        final NodeId a = topByte(0x80, 1);
        final NodeId b = topByte(0x81, 2);
        final NodeId c = topByte(0x82, 3);
        assertEquals(ADDED, t.onMessage(a, addr(1), true, 10).code());
        assertEquals(ADDED, t.onMessage(b, addr(2), true, 20).code());
        assertEquals(ADDED, t.onMessage(c, addr(3), true, 30).code());
        assertEquals(List.of(a, b, c), ids(t.bucketContacts(0)));
        // A request from a (unverified) still counts as "seen" (paper 2.2: any message moves it to the tail).
        assertEquals(UPDATED, t.onMessage(a, addr(1), false, 40).code());
        assertEquals(List.of(b, c, a), ids(t.bucketContacts(0)));
        assertEquals(40, t.find(a).lastSeenMs());
        assertEquals(40, t.bucketLastTouchedMs(0));
    }

    /** k = 2; the own half stays empty, a and b fill the far half, newcomer farther than both. */
    private static RoutingTable fullFarBucket(final NodeId a, final NodeId b) {
        final RoutingTable t = table(2);
        assertEquals(ADDED, t.onMessage(a, addr(1), true, 1).code());
        assertEquals(ADDED, t.onMessage(b, addr(2), true, 2).code());
        return t;
    }

    @Test
    void shouldAskToPingTheHeadWhenTheBucketIsFull() {
        final NodeId a = topByte(0x80, 1);
        final NodeId b = topByte(0x90, 2);
        final NodeId c = topByte(0xF0, 3);
        final RoutingTable t = fullFarBucket(a, b);
        final RoutingOutcome full = t.onMessage(c, addr(3), true, 3);
        assertEquals(BUCKET_FULL_PING_HEAD, full.code());
        assertEquals(a, full.headToPing().id());
        assertEquals(2, t.bucketCount(), "the own bucket split once, the far half must not");
        assertTrue(t.find(c).inReplacementCache());
        assertEquals(1, t.replacementCount());
        // The same newcomer again while the head ping is outstanding: no second ping.
        final RoutingOutcome again = t.onMessage(c, addr(3), true, 4);
        assertEquals(CACHED, again.code());
        assertNull(again.headToPing());
        // The head answers: it moves to the tail and the newcomer stays cached (paper 2.2).
        assertEquals(UPDATED, t.onMessage(a, addr(1), true, 5).code());
        assertEquals(List.of(b, a), ids(t.bucketContacts(1)));
        assertTrue(t.find(c).inReplacementCache());
        assertEquals(2, t.size());
    }

    @Test
    void shouldEvictTheHeadAfterStaleAfterFailuresWhenAReplacementExists() {
        final NodeId a = topByte(0x80, 1);
        final NodeId b = topByte(0x90, 2);
        final NodeId c = topByte(0xF0, 3);
        final RoutingTable t = fullFarBucket(a, b);
        assertEquals(BUCKET_FULL_PING_HEAD, t.onMessage(c, addr(3), true, 3).code());
        for (int i = 1; i < RoutingTable.DEFAULT_STALE_AFTER_FAILURES; i++) {
            assertEquals(FAILED, t.onFailure(a, 10 + i));
            assertSame(t.find(a), t.bucketContacts(1).get(0));
        }
        assertEquals(UNKNOWN, t.onFailure(addr(99), 19));
        assertEquals(EVICTED, t.onFailure(addr(1), 20));
        assertNull(t.find(a));
        assertNull(t.find(addr(1)));
        assertEquals(List.of(b, c), ids(t.bucketContacts(1)));
        assertFalse(t.find(c).inReplacementCache());
        assertEquals(0, t.replacementCount());
        assertEquals(1, t.evictions());
        assertEquals(UNKNOWN, t.onFailure(a, 21));
    }

    @Test
    void shouldKeepAStaleContactWhenNoReplacementExists() {
        final NodeId a = topByte(0x80, 1);
        final NodeId b = topByte(0x90, 2);
        final RoutingTable t = fullFarBucket(a, b);
        for (int i = 1; i < RoutingTable.DEFAULT_STALE_AFTER_FAILURES; i++) {
            assertEquals(FAILED, t.onFailure(a, i));
        }
        // Our own link may be down: every contact failing must not empty the table.
        assertEquals(STALE_KEPT, t.onFailure(a, 9));
        assertEquals(STALE_KEPT, t.onFailure(a, 10));
        assertTrue(t.find(a).isStale());
        assertEquals(2, t.size());
        final Contact[] out = new Contact[20];
        assertEquals(1, t.closest(SELF, 20, out), "stale contacts are not handed out");
        assertEquals(b, out[0].id());
        // A verified answer revives it.
        assertEquals(UPDATED, t.onMessage(a, addr(1), true, 11).code());
        assertFalse(t.find(a).isStale());
        assertEquals(0, t.find(a).failures());
        assertEquals(2, t.closest(SELF, 20, out));
    }

    @Test
    void shouldReplaceAStaleContactByAVerifiedNewcomer() {
        final NodeId near = topByte(0x01, 9);
        final NodeId a = topByte(0x80, 1);
        final NodeId b = topByte(0x90, 2);
        final NodeId c = topByte(0xF0, 3);
        final RoutingTable t = table(2);
        t.onMessage(near, addr(9), true, 0);
        t.onMessage(a, addr(1), true, 1);
        t.onMessage(b, addr(2), true, 2);
        assertEquals(List.of(a, b), ids(t.bucketContacts(1)));
        for (int i = 0; i < RoutingTable.DEFAULT_STALE_AFTER_FAILURES; i++) {
            t.onFailure(b, i);
        }
        assertTrue(t.find(b).isStale());
        assertEquals(ADDED, t.onMessage(c, addr(3), true, 10).code());
        assertNull(t.find(b));
        assertEquals(List.of(a, c), ids(t.bucketContacts(1)));
    }

    @Test
    void shouldDropAFailedReplacementCacheEntry() {
        final NodeId a = topByte(0x80, 1);
        final NodeId b = topByte(0x90, 2);
        final NodeId c = topByte(0xF0, 3);
        final RoutingTable t = fullFarBucket(a, b);
        t.onMessage(c, addr(3), true, 3);
        assertEquals(EVICTED, t.onFailure(c, 4));
        assertNull(t.find(c));
        assertEquals(0, t.replacementCount());
    }

    @Test
    void shouldSplitTheBucketHoldingOurOwnId() {
        final RoutingTable t = table(1);
        // k = 1, distances 1xx.., 01x.., 001.., 0001..: each newcomer splits the own bucket once more.
        final NodeId[] ids = {topByte(0x80, 1), topByte(0x40, 2), topByte(0x20, 3), topByte(0x10, 4), topByte(0x08, 5)};
        for (int i = 0; i < ids.length; i++) {
            assertEquals(ADDED, t.onMessage(ids[i], addr(i + 1), true, i).code());
        }
        assertEquals(5, t.size());
        assertEquals(4, t.splits());
        assertEquals(5, t.bucketCount());
        for (int i = 0; i < ids.length; i++) {
            // the i-th id sits in the bucket with prefix 0^i 1, counting from the farthest.
            assertEquals(t.bucketCount() - 1 - i, t.bucketOf(ids[i]));
        }
    }

    @Test
    void shouldRelaxSplitAFullBucketWhenTheNewcomerIsAmongTheKClosest() {
        final NodeId a = topByte(0x80, 1);  // 1000 0000
        final NodeId b = topByte(0x90, 2);  // 1001 0000
        final NodeId c = topByte(0x88, 3);  // 1000 1000: nearer than b, so among the 2 closest to us
        final RoutingTable t = fullFarBucket(a, b);
        assertEquals(ADDED, t.onMessage(c, addr(3), true, 3).code(), "paper 4.2: split instead of dropping a near node");
        assertEquals(3, t.size());
        final Contact[] out = new Contact[3];
        assertEquals(3, t.closest(SELF, 3, out));
        assertEquals(List.of(a, c, b), List.of(out[0].id(), out[1].id(), out[2].id()));
        // A far newcomer is not among the 2 closest: its full bucket does not split.
        final NodeId d = topByte(0x8F, 4);  // lands with a and c (prefix 1000), farther than both
        final int splitsBefore = (int) t.splits();
        assertEquals(BUCKET_FULL_PING_HEAD, t.onMessage(d, addr(4), true, 4).code());
        assertEquals(splitsBefore, t.splits());
    }

    @Test
    void shouldNeverStoreOrReturnUnverifiedContacts() {
        final RoutingTable t = table(20);
        final NodeId a = topByte(0x80, 1);
        assertEquals(NEEDS_VERIFY, t.onMessage(a, addr(1), false, 1).code());
        assertEquals(0, t.size());
        assertNull(t.find(a));
        final Contact[] out = new Contact[20];
        assertEquals(0, t.closest(a, 20, out));
        assertEquals(ADDED, t.onMessage(a, addr(1), true, 2).code());
        assertEquals(1, t.closest(a, 20, out));
        assertTrue(out[0].isVerified());
    }

    @Test
    void shouldRejectOurOwnId() {
        final RoutingTable t = table(20);
        assertEquals(REJECTED_SELF, t.onMessage(SELF, addr(1), true, 1).code());
        assertEquals(0, t.size());
    }

    @Test
    void shouldKeepOneEntryPerAddress() {
        final RoutingTable t = table(20);
        final NodeId a = topByte(0x80, 1);
        final NodeId b = topByte(0x81, 2);
        assertEquals(ADDED, t.onMessage(a, addr(1), true, 1).code());
        // Another id claims a's address: ignored until it is verified.
        assertEquals(ADDRESS_CONFLICT, t.onMessage(b, addr(1), false, 2).code());
        assertEquals(a, t.find(addr(1)).id());
        assertNull(t.find(b));
        assertEquals(1, t.addressConflicts());
        // Our request to that address was answered by b: the old entry goes.
        assertEquals(ADDED, t.onMessage(b, addr(1), true, 3).code());
        assertNull(t.find(a));
        assertEquals(b, t.find(addr(1)).id());
        assertEquals(1, t.size());
        // A known id at a new address: unverified is ignored, verified moves it.
        assertEquals(ADDRESS_CONFLICT, t.onMessage(b, addr(2), false, 4).code());
        assertEquals(addr(1), t.find(b).address());
        assertEquals(UPDATED, t.onMessage(b, addr(2), true, 5).code());
        assertEquals(addr(2), t.find(b).address());
        assertNull(t.find(addr(1)));
        assertEquals(1, t.size());
        assertEquals(1, t.snapshot().size());
    }

    @Test
    void shouldCacheRawAddressBytes() {
        final Contact v4 = new Contact(topByte(1, 1), new InetSocketAddress("127.1.2.3", 4001));
        assertArrayEquals(new byte[]{127, 1, 2, 3}, v4.addressBytes());
        assertSame(v4.addressBytes(), v4.addressBytes());
        assertEquals(4001, v4.port());
        assertFalse(v4.isIpv6());
        final Contact v6 = new Contact(topByte(1, 2), new InetSocketAddress("::1", 4002));
        assertEquals(16, v6.addressBytes().length);
        assertTrue(v6.isIpv6());
    }

    @Test
    void shouldGiveRefreshTargetsInsideEachBucketAndTheClosestNeighbourBucket() {
        final RoutingTable t = table(4);
        assertEquals(-1, t.closestNeighbourBucket());
        final SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 300; i++) {
            t.onMessage(NodeId.random(r), addr(i + 1), true, i);
        }
        for (int b = 0; b < t.bucketCount(); b++) {
            for (int i = 0; i < 20; i++) {
                assertEquals(b, t.bucketOf(t.randomIdInBucket(b, r)));
            }
        }
        final int nb = t.closestNeighbourBucket();
        assertTrue(nb >= 0);
        for (int b = 0; b < nb; b++) {
            assertEquals(0, t.bucketSize(b));
        }
        assertTrue(t.bucketSize(nb) > 0);
        final NodeId target = t.randomIdInBucket(2, r);
        t.touch(target, 12_345);
        assertEquals(12_345, t.bucketLastTouchedMs(2));
    }

    @Test
    void shouldRemoveAndAdmitAgainAfterRemove() {
        final RoutingTable t = table(20);
        final NodeId a = topByte(0x80, 1);
        t.onMessage(a, addr(1), true, 1);
        assertTrue(t.remove(a));
        assertFalse(t.remove(a));
        assertEquals(0, t.size());
        assertEquals(ADDED, t.onMessage(a, addr(1), true, 2).code());
        assertNotNull(t.find(a));
    }

    @Test
    void shouldAskForTheHeadPingAgainOnlyAfterTheTimeout() {
        final NodeId a = topByte(0x80, 1);
        final NodeId b = topByte(0x90, 2);
        final RoutingTable t = fullFarBucket(a, b);
        assertEquals(BUCKET_FULL_PING_HEAD, t.onMessage(topByte(0xF0, 3), addr(3), true, 100).code());
        assertEquals(CACHED, t.onMessage(topByte(0xF1, 4), addr(4), true, 100 + RoutingTable.DEFAULT_HEAD_PING_TIMEOUT_MS - 1).code());
        final RoutingOutcome reasked = t.onMessage(topByte(0xF2, 5), addr(5), true, 100 + RoutingTable.DEFAULT_HEAD_PING_TIMEOUT_MS);
        assertEquals(BUCKET_FULL_PING_HEAD, reasked.code());
        assertEquals(a, reasked.headToPing().id());
        // Replacement cache (capacity k = 2): most recent first, the oldest dropped.
        assertEquals(List.of(topByte(0xF2, 5), topByte(0xF1, 4)), ids(t.replacementContacts(1)));
    }

    @Test
    void shouldBoundTheReplacementCacheDroppingTheOldest() {
        final RoutingTable t = new RoutingTable(SELF, 2, 5, 2, 1_000);
        t.onMessage(topByte(0x80, 1), addr(1), true, 1);
        t.onMessage(topByte(0x90, 2), addr(2), true, 2);
        for (int i = 0; i < 4; i++) {
            t.onMessage(topByte(0xF0 + i, 10 + i), addr(10 + i), true, 10 + i);
        }
        assertEquals(List.of(topByte(0xF3, 13), topByte(0xF2, 12)), ids(t.replacementContacts(1)));
        assertEquals(2, t.replacementCount());
        assertNull(t.find(topByte(0xF0, 10)));
        assertNull(t.find(addr(10)));
    }

    @Test
    void shouldPromoteACachedContactWhenItsBucketHasRoom() {
        final NodeId a = topByte(0x80, 1);
        final NodeId b = topByte(0x90, 2);
        final NodeId c = topByte(0xF0, 3);
        final RoutingTable t = fullFarBucket(a, b);
        t.onMessage(c, addr(3), true, 3);
        assertTrue(t.remove(b));
        // removal by the operator leaves the slot free; the cached contact's next message fills it
        assertEquals(ADDED, t.onMessage(c, addr(3), false, 4).code());
        assertEquals(List.of(a, c), ids(t.bucketContacts(1)));
        assertEquals(0, t.replacementCount());
    }

    @Test
    void shouldMoveCachedContactsIntoFreeSlotsWhenABucketSplits() {
        final NodeId a = topByte(0x80, 1);
        final NodeId b = topByte(0x90, 2);
        final NodeId c = topByte(0xF0, 3);
        final RoutingTable t = fullFarBucket(a, b);
        assertEquals(BUCKET_FULL_PING_HEAD, t.onMessage(c, addr(3), true, 3).code());
        assertTrue(t.find(c).inReplacementCache());
        // d is nearer to us than b: relaxed split of the far half; c's new half has room for it.
        final NodeId d = topByte(0x88, 4);
        assertEquals(ADDED, t.onMessage(d, addr(4), true, 4).code());
        assertFalse(t.find(c).inReplacementCache());
        assertEquals(0, t.replacementCount());
        assertEquals(4, t.size());
        assertEquals(List.of(c), ids(t.bucketContacts(t.bucketOf(c))));
    }

    static List<NodeId> ids(final List<Contact> contacts) {
        return contacts.stream().map(Contact::id).toList();
    }
}
