package chisme.node.routing;

import chisme.wire.NodeId;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12, Sybils: contacts per IP and per /24 (/64) are limited per bucket and in the whole table; each
 * attack runs with its control (the same contacts into a table without limits). Addresses are data only.
 */
class ContactLimitsTest {
    private static final ContactLimits LIMITS = new ContactLimits(2, 4, 10, 40);
    private final SplittableRandom random = new SplittableRandom(12);
    private final NodeId self = NodeId.random(random);

    private static InetSocketAddress at(final String ip, final int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (final UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private RoutingTable table(final ContactLimits limits, final String selfIp) {
        final RoutingTable t = new RoutingTable(self);
        t.limits(limits, selfIp == null ? null : at(selfIp, 1).getAddress());
        return t;
    }

    /** Contacts of the table (buckets and replacement caches) whose address is {@code ip}. */
    private static int held(final RoutingTable t, final String ip) {
        int n = 0;
        for (int b = 0; b < t.bucketCount(); b++) {
            for (final Contact c : t.bucketContacts(b)) {
                n += c.address().getAddress().getHostAddress().equals(ip) ? 1 : 0;
            }
            for (final Contact c : t.replacementContacts(b)) {
                n += c.address().getAddress().getHostAddress().equals(ip) ? 1 : 0;
            }
        }
        return n;
    }

    /** 50 honest contacts, each on its own /24, then 300 verified ids from one IP; returns the Sybils held. */
    private int sybilAttack(final RoutingTable t, final int[] refused) {
        for (int i = 0; i < 50; i++) {
            t.onMessage(NodeId.random(random), at("10." + i + ".0.1", 4000), true, i);
        }
        final int honest = t.size();
        for (int i = 0; i < 300; i++) {
            final int code = t.onMessage(NodeId.random(random), at("10.66.6.6", 5000 + i), true, 100 + i).code();
            if (code == RoutingOutcome.REJECTED_IP_LIMIT) {
                refused[0]++;
            }
        }
        assertEquals(honest, countHonest(t), "no honest contact displaced");
        return held(t, "10.66.6.6");
    }

    private static int countHonest(final RoutingTable t) {
        int n = 0;
        for (final Contact c : t.snapshot()) {
            n += c.address().getAddress().getHostAddress().startsWith("10.66.") ? 0 : 1;
        }
        return n;
    }

    @Test
    void threeHundredSybilIdsFromOneIpGetAtMostTheLimit() {
        final int[] refused = {0};
        final int sybils = sybilAttack(table(LIMITS, "10.1.1.1"), refused);
        assertTrue(sybils <= 4, "one IP holds " + sybils + " contacts");
        assertEquals(300 - sybils, refused[0], "every refusal reported");
        // Control: the same attack on a table without limits fills buckets and caches with the one IP.
        final int[] none = {0};
        final int unlimited = sybilAttack(table(ContactLimits.NONE, "10.1.1.1"), none);
        assertTrue(unlimited >= 50, "control: without limits the one IP holds " + unlimited);
        assertEquals(0, none[0]);
    }

    @Test
    void atMostTwoOfOneIpPerBucket() {
        final RoutingTable t = table(LIMITS, null);
        int added = 0;
        // Ids in one bucket: the far half of the id space from self (top bit flipped).
        for (int i = 0; i < 5; i++) {
            final NodeId far = new NodeId(self.hi() ^ Long.MIN_VALUE, random.nextLong(), random.nextInt());
            if (t.onMessage(far, at("10.9.9.9", 6000 + i), true, i).code() == RoutingOutcome.ADDED) {
                added++;
            }
        }
        assertEquals(2, added);
    }

    @Test
    void aSubnetIsLimitedPerBucketAndInTheTable() {
        final RoutingTable t = table(LIMITS, null);
        for (int i = 1; i <= 200; i++) {
            t.onMessage(NodeId.random(random), at("10.7.7." + i, 4000), true, i);
        }
        int inPrefix = 0;
        for (int b = 0; b < t.bucketCount(); b++) {
            final int n = t.bucketContacts(b).size() + t.replacementContacts(b).size();
            assertTrue(n <= 10, "bucket " + b + " holds " + n + " of one /24");
            inPrefix += n;
        }
        assertTrue(inPrefix <= 40, "the /24 holds " + inPrefix);
        // IPv6: one /64 is one prefix however many addresses it has.
        final RoutingTable t6 = table(LIMITS, null);
        for (int i = 1; i <= 200; i++) {
            t6.onMessage(NodeId.random(random), at("fd00:1:2:3::" + Integer.toHexString(i), 4000), true, i);
        }
        assertTrue(t6.size() + t6.replacementCount() <= 40, "the /64 holds " + (t6.size() + t6.replacementCount()));
        // Another /24 is not affected by the first one's count.
        assertEquals(RoutingOutcome.ADDED, t.onMessage(NodeId.random(random), at("10.8.8.8", 4000), true, 999).code());
    }

    @Test
    void ourOwnHostIsNotLimited() {
        // Tests run many nodes on 127.0.0.1: a node bound there keeps all of them.
        final RoutingTable t = table(LIMITS, "127.0.0.1");
        for (int i = 0; i < 60; i++) {
            t.onMessage(NodeId.random(random), at("127.0.0.1", 5000 + i), true, i);
        }
        assertEquals(60, t.size() + t.replacementCount());
        // Bound to the wildcard, loopback contacts are this host too.
        final RoutingTable w = table(LIMITS, "0.0.0.0");
        for (int i = 0; i < 30; i++) {
            w.onMessage(NodeId.random(random), at("127.0.0.1", 5000 + i), true, i);
        }
        assertEquals(30, w.size() + w.replacementCount());
        // Another loopback address is another host (the simulator gives each node its own 127.x.y.z).
        final RoutingTable s = table(LIMITS, "127.0.0.5");
        for (int i = 0; i < 30; i++) {
            s.onMessage(NodeId.random(random), at("127.0.66.6", 5000 + i), true, i);
        }
        assertEquals(2, s.size() + s.replacementCount(), "a lone table is one bucket: 2 of one IP per bucket");
    }

    @Test
    void aRemovedContactFreesItsPlace() {
        final RoutingTable t = new RoutingTable(self, 20, 1, 0, 1_000);
        t.limits(new ContactLimits(1, 1, 10, 40), null);
        final NodeId a = NodeId.random(random);
        assertEquals(RoutingOutcome.ADDED, t.onMessage(a, at("10.3.3.3", 4000), true, 1).code());
        final NodeId b = NodeId.random(random);
        assertEquals(RoutingOutcome.REJECTED_IP_LIMIT, t.onMessage(b, at("10.3.3.3", 4001), true, 2).code());
        assertTrue(t.remove(a));
        assertEquals(RoutingOutcome.ADDED, t.onMessage(b, at("10.3.3.3", 4001), true, 3).code());
        assertFalse(t.find(b) == null);
    }
}
