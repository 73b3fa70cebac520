package chisme.node.kademlia;

import chisme.node.routing.Contact;
import chisme.wire.NodeId;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tier rule of {@link LookupDiversity}: one crowded prefix gets perPrefix places, a lone prefix keeps XOR order. */
class LookupDiversityTest {
    private final SplittableRandom random = new SplittableRandom(3);

    private static InetAddress ip(final String s) {
        try {
            return InetAddress.getByName(s);
        } catch (final UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Nearest first: {@code crowd} contacts of 10.0.66.0/24, then {@code others} each in its own /24. */
    private List<Contact> nearestFirst(final int crowd, final int others) {
        final List<Contact> out = new ArrayList<>();
        for (int i = 0; i < crowd; i++) {
            out.add(new Contact(NodeId.random(random), new InetSocketAddress(ip("10.0.66." + (i + 1)), 4200)));
        }
        for (int i = 0; i < others; i++) {
            out.add(new Contact(NodeId.random(random), new InetSocketAddress(ip("10." + (i + 1) + ".0.1"), 4200)));
        }
        return out;
    }

    private static long crowdIn(final List<Contact> chosen) {
        return chosen.stream().filter(c -> c.address().getAddress().getHostAddress().startsWith("10.0.66.")).count();
    }

    @Test
    void aCrowdedPrefixGetsItsShareWhileOthersHaveCandidates() {
        final List<Contact> all = nearestFirst(25, 40);
        final List<Contact> chosen = LookupDiversity.choose(all, c -> true, c -> LookupDiversity.prefixOf(c.address().getAddress()), 3, 20);
        assertEquals(20, chosen.size());
        assertEquals(3, crowdIn(chosen));
        assertEquals(all.subList(0, 3), chosen.subList(0, 3), "the crowd's nearest three come first (tier 0, nearest first)");
        // Allocation-free form, as the responder uses it.
        final Contact[] pool = all.subList(0, 60).toArray(new Contact[0]);
        final Contact[] out = new Contact[20];
        final long[] prefixes = new long[60];
        assertTrue(LookupDiversity.crowded(pool, 20, 3, prefixes));
        assertEquals(20, LookupDiversity.chooseInto(pool, 60, 3, 20, prefixes, new int[60], out));
        assertEquals(chosen, List.of(out));
    }

    @Test
    void aLonePrefixKeepsXorOrderAndTwoShareEvenly() {
        final List<Contact> crowd = nearestFirst(30, 0);
        assertEquals(crowd.subList(0, 20), LookupDiversity.choose(crowd, c -> true,
            c -> LookupDiversity.prefixOf(c.address().getAddress()), 3, 20));
        final List<Contact> two = new ArrayList<>(nearestFirst(25, 0));
        for (int i = 0; i < 25; i++) {
            two.add(new Contact(NodeId.random(random), new InetSocketAddress(ip("10.0.77." + (i + 1)), 4200)));
        }
        final List<Contact> chosen = LookupDiversity.choose(two, c -> true, c -> LookupDiversity.prefixOf(c.address().getAddress()), 3, 20);
        // Tiers 0-2 give each 9; tier 3's six are taken nearest first (the list puts 10.0.66.x first): 11 and 9.
        assertEquals(11, crowdIn(chosen), "two crowded prefixes share the places");
        assertFalse(LookupDiversity.crowded(nearestFirst(3, 17).toArray(new Contact[0]), 20, 3, new long[20]));
        assertEquals(crowd.subList(0, 20), LookupDiversity.choose(crowd, c -> true,
            c -> LookupDiversity.prefixOf(c.address().getAddress()), Integer.MAX_VALUE, 20), "rule off: XOR order");
    }

    @Test
    void prefixesAreSlash24AndSlash64AndLinkLocalWhole() {
        assertEquals(LookupDiversity.prefixOf(ip("10.1.2.3")), LookupDiversity.prefixOf(ip("10.1.2.200")));
        assertNotEquals(LookupDiversity.prefixOf(ip("10.1.2.3")), LookupDiversity.prefixOf(ip("10.1.3.3")));
        assertEquals(LookupDiversity.prefixOf(ip("2001:db8:1:2::1")), LookupDiversity.prefixOf(ip("2001:db8:1:2::ffff")));
        assertNotEquals(LookupDiversity.prefixOf(ip("2001:db8:1:2::1")), LookupDiversity.prefixOf(ip("2001:db8:1:3::1")));
        assertEquals(LookupDiversity.prefixOf(ip("::ffff:10.1.2.3")), LookupDiversity.prefixOf(ip("10.1.2.200")), "IPv4-mapped: its /24");
        assertNotEquals(LookupDiversity.prefixOf(ip("fe80::1")), LookupDiversity.prefixOf(ip("fe80::2")), "neighbours share fe80::/64");
        assertNotEquals(LookupDiversity.EXEMPT, LookupDiversity.prefixOf(ip("0.0.0.1")));
    }
}
