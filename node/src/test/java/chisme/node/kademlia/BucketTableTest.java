package chisme.node.kademlia;

import chisme.wire.NodeId;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class BucketTableTest {
    private static final NodeId SELF = new NodeId(0, 0, 0);

    private static int add(final BucketTable t, final NodeId id, final int port, final boolean verified) {
        return t.onMessage(id.hi(), id.mid(), id.lo(), () -> id, new InetSocketAddress("127.0.0.1", port), verified, 1);
    }

    @Test
    void shouldReturnTheClosestLiveContactsLikeBruteForce() {
        final BucketTable t = new BucketTable(NodeId.random(new SplittableRandom(1)), 20, 5, 8);
        final SplittableRandom r = new SplittableRandom(2);
        final List<NodeId> all = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            final NodeId id = NodeId.random(r);
            if (add(t, id, 1000 + i, true) == BucketTable.ADDED) {
                all.add(id);
            }
        }
        for (int q = 0; q < 50; q++) {
            final NodeId target = NodeId.random(r);
            final KadContact[] out = new KadContact[20];
            final int n = t.closest(target.hi(), target.mid(), target.lo(), 20, out);
            final List<NodeId> expected = all.stream().sorted((a, b) -> target.compareDistance(a, b)).limit(20).toList();
            assertEquals(expected.size(), n);
            for (int i = 0; i < n; i++) {
                assertEquals(expected.get(i), out[i].id());
            }
        }
    }

    @Test
    void shouldKeepUnverifiedOutAndPingTheHeadOfAFullBucket() {
        final BucketTable t = new BucketTable(SELF, 2, 5, 4);
        // ids in bucket 159 (top bit set)
        final NodeId a = new NodeId(Long.MIN_VALUE | 1, 0, 0);
        final NodeId b = new NodeId(Long.MIN_VALUE | 2, 0, 0);
        final NodeId c = new NodeId(Long.MIN_VALUE | 3, 0, 0);
        assertEquals(BucketTable.NEEDS_VERIFY, add(t, a, 1, false));
        assertNull(t.find(a));
        assertEquals(BucketTable.ADDED, add(t, a, 1, true));
        assertEquals(BucketTable.ADDED, add(t, b, 2, true));
        assertEquals(BucketTable.BUCKET_FULL_PING_HEAD, add(t, c, 3, true));
        assertEquals(a, t.headToPing().id());
        assertNull(t.find(c), "newcomer waits in the replacement cache");
        t.onFailure(a, true); // the head did not answer: replaced at once
        assertNull(t.find(a));
        assertNotNull(t.find(c));
        assertEquals(2, t.size());
    }

    @Test
    void shouldNotLetAnUnprovenMessageMoveAKnownIdToAnotherAddress() {
        final BucketTable t = new BucketTable(SELF, 20, 5, 4);
        final NodeId a = new NodeId(5, 0, 0);
        add(t, a, 1, true);
        assertEquals(BucketTable.IGNORED, add(t, a, 99, false));
        assertEquals(1, t.find(a).address().getPort());
        assertEquals(BucketTable.UPDATED, add(t, a, 99, true));
        assertEquals(99, t.find(a).address().getPort());
    }

    @Test
    void shouldFlagButKeepFailingContactsWithoutReplacement() {
        final BucketTable t = new BucketTable(SELF, 20, 3, 4);
        final NodeId a = new NodeId(7, 0, 0);
        add(t, a, 1, true);
        for (int i = 0; i < 5; i++) {
            t.onFailure(a, false);
        }
        assertNotNull(t.find(a), "no replacement: kept (a node whose link died must not wipe its table)");
        final KadContact[] out = new KadContact[4];
        assertEquals(0, t.closest(0, 0, 0, 4, out), "stale contacts are not handed out");
    }
}
