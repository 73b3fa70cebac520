package chisme.node.routing;

import chisme.wire.NodeId;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * closest() against a brute-force sort of every live bucket contact by XOR distance, on tables built
 * from random traffic (including clusters near our id that trigger relaxed splitting, failures that
 * make contacts stale, evictions and address changes).
 */
class RoutingTableClosestTest {

    @Property(tries = 60)
    void closestShouldEqualBruteForce(@ForAll final long seed, @ForAll @IntRange(min = 1, max = 8) final int k) {
        final SplittableRandom r = new SplittableRandom(seed);
        final NodeId self = NodeId.random(r);
        final RoutingTable t = new RoutingTable(self, k, 3, k, 1_000);
        final List<NodeId> ids = new ArrayList<>();
        final int events = 200 + r.nextInt(1500);
        long nowMs = 0;
        for (int e = 0; e < events; e++) {
            nowMs += r.nextInt(50);
            final int kind = r.nextInt(10);
            if (kind < 5 || ids.isEmpty()) {
                final NodeId id = r.nextInt(4) == 0 ? near(self, r) : NodeId.random(r);
                ids.add(id);
                t.onMessage(id, addr(ids.size()), r.nextInt(5) != 0, nowMs);
            } else if (kind < 8) {
                final int i = r.nextInt(ids.size());
                t.onFailure(ids.get(i), nowMs);
            } else {
                // a known id heard again, sometimes from a new address (verified or not)
                final int i = r.nextInt(ids.size());
                final int port = r.nextInt(3) == 0 ? ids.size() + 1 + r.nextInt(100_000) : i + 1;
                t.onMessage(ids.get(i), addr(port), r.nextBoolean(), nowMs);
            }
        }
        checkInvariants(t, k);

        final Contact[] out = new Contact[48];
        for (int q = 0; q < 40; q++) {
            final NodeId target = switch (q % 4) {
                case 0 -> NodeId.random(r);
                case 1 -> near(self, r);
                case 2 -> ids.get(r.nextInt(ids.size()));
                default -> self;
            };
            final int n = 1 + r.nextInt(out.length);
            final int count = t.closest(target, n, out);
            final List<NodeId> expected = bruteForce(t, target, n);
            final List<NodeId> actual = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                actual.add(out[i].id());
            }
            assertEquals(expected, actual, "closest(" + n + ") to " + target);
        }
    }

    static List<NodeId> bruteForce(final RoutingTable t, final NodeId target, final int n) {
        return t.snapshot().stream()
            .filter(c -> !c.isStale() && c.isVerified())
            .map(Contact::id)
            .sorted(target::compareDistance)
            .limit(n)
            .toList();
    }

    static void checkInvariants(final RoutingTable t, final int k) {
        final Set<NodeId> seenIds = new HashSet<>();
        final Set<InetSocketAddress> seenAddresses = new HashSet<>();
        int total = 0;
        int cachedTotal = 0;
        for (int b = 0; b < t.bucketCount(); b++) {
            final List<Contact> contacts = t.bucketContacts(b);
            assertTrue(contacts.size() <= k);
            total += contacts.size();
            cachedTotal += t.replacementContacts(b).size();
            // a replacement waits only while its bucket is full
            assertTrue(t.replacementContacts(b).isEmpty() || contacts.size() == k, "cache entries beside a free slot");
            final List<Contact> all = new ArrayList<>(contacts);
            all.addAll(t.replacementContacts(b));
            for (final Contact c : all) {
                assertEquals(b, t.bucketOf(c.id()));
                assertTrue(c.isVerified(), "only verified contacts are stored");
                assertTrue(seenIds.add(c.id()), "one entry per id");
                assertTrue(seenAddresses.add(c.address()), "one entry per address");
            }
        }
        assertEquals(t.size(), total);
        assertEquals(t.replacementCount(), cachedTotal);
        assertEquals(0, t.bucketOf(t.self()));
    }

    /** An id sharing a random-length prefix (100..159 bits) with self. */
    static NodeId near(final NodeId self, final SplittableRandom r) {
        final int j = r.nextInt(60);
        return self.randomInBucket(j, r);
    }

    static InetSocketAddress addr(final int n) {
        return new InetSocketAddress("127." + ((n >> 16) & 0xFF) + "." + ((n >> 8) & 0xFF) + "." + (n & 0xFF), 1024 + (n % 60_000));
    }
}
