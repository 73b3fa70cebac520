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

    /** The rule over a list, through the one implementation (arrays, reused). */
    private static List<Contact> choose(final LookupDiversity rule, final List<Contact> nearestFirst, final int perPrefix, final int limit) {
        final Contact[] out = new Contact[limit];
        final int n = rule.chooseInto(nearestFirst.toArray(new Contact[0]), nearestFirst.size(), perPrefix, limit, out);
        return List.of(out).subList(0, n);
    }

    private static List<Contact> choose(final List<Contact> nearestFirst, final int perPrefix, final int limit) {
        return choose(new LookupDiversity(4), nearestFirst, perPrefix, limit);
    }

    private static long crowdIn(final List<Contact> chosen) {
        return chosen.stream().filter(c -> c.address().getAddress().getHostAddress().startsWith("10.0.66.")).count();
    }

    @Test
    void aCrowdedPrefixGetsItsShareWhileOthersHaveCandidates() {
        final List<Contact> all = nearestFirst(25, 40);
        final List<Contact> chosen = choose(all, 3, 20);
        assertEquals(20, chosen.size());
        assertEquals(3, crowdIn(chosen));
        assertEquals(all.subList(0, 3), chosen.subList(0, 3), "the crowd's nearest three come first (tier 0, nearest first)");
        assertEquals(all.subList(25, 42), chosen.subList(3, 20), "then the other prefixes, nearest first");
        // As the responder uses it: the crowd is seen among the 20 closest, the 20 are chosen from the 60 closest.
        final LookupDiversity responder = new LookupDiversity(60);
        assertTrue(responder.crowded(all.toArray(new Contact[0]), 20, 3));
        assertEquals(chosen, choose(responder, all.subList(0, 60), 3, 20));
    }

    @Test
    void aLonePrefixKeepsXorOrderAndTwoShareEvenly() {
        final List<Contact> crowd = nearestFirst(30, 0);
        assertEquals(crowd.subList(0, 20), choose(crowd, 3, 20));
        final List<Contact> two = new ArrayList<>(nearestFirst(25, 0));
        for (int i = 0; i < 25; i++) {
            two.add(new Contact(NodeId.random(random), new InetSocketAddress(ip("10.0.77." + (i + 1)), 4200)));
        }
        final List<Contact> chosen = choose(two, 3, 20);
        // Tiers 0-2 give each 9; tier 3's six are taken nearest first (the list puts 10.0.66.x first): 11 and 9.
        assertEquals(11, crowdIn(chosen), "two crowded prefixes share the places");
        assertFalse(new LookupDiversity(20).crowded(nearestFirst(3, 17).toArray(new Contact[0]), 20, 3));
        assertEquals(crowd.subList(0, 20), choose(crowd, Integer.MAX_VALUE, 20), "rule off: XOR order");
    }

    @Test
    void prefixesAreSlash24AndSlash64AndLinkLocalWhole() {
        assertEquals(LookupDiversity.prefixOf(ip("10.1.2.3")), LookupDiversity.prefixOf(ip("10.1.2.200")));
        assertNotEquals(LookupDiversity.prefixOf(ip("10.1.2.3")), LookupDiversity.prefixOf(ip("10.1.3.3")));
        assertEquals(LookupDiversity.prefixOf(ip("2001:db8:1:2::1")), LookupDiversity.prefixOf(ip("2001:db8:1:2::ffff")));
        assertNotEquals(LookupDiversity.prefixOf(ip("2001:db8:1:2::1")), LookupDiversity.prefixOf(ip("2001:db8:1:3::1")));
        assertEquals(LookupDiversity.prefixOf(ip("::ffff:10.1.2.3")), LookupDiversity.prefixOf(ip("10.1.2.200")), "IPv4-mapped: its /24");
        final byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xFF;
        mapped[11] = (byte) 0xFF;
        System.arraycopy(ip("10.1.2.3").getAddress(), 0, mapped, 12, 4);
        assertEquals(LookupDiversity.prefixOf(ip("10.1.2.200")), LookupDiversity.prefixOf(mapped),
            "IPv4-mapped raw bytes (as a NODES reply may name them): its /24");
        assertNotEquals(LookupDiversity.prefixOf(ip("fe80::1")), LookupDiversity.prefixOf(ip("fe80::2")), "neighbours share fe80::/64");
        assertTrue(LookupDiversity.prefixOf(ip("0.0.0.1")) >= 0 && LookupDiversity.prefixOf(ip("ffff::1")) >= 0
            && LookupDiversity.prefixOf(ip("fe80::ffff")) >= 0, "never EXCLUDED");
    }

    /** The lookup's use: excluded candidates (failed, stalled) take no place and do not count against their prefix. */
    @Test
    void excludedCandidatesAreLeftOutAndCountForNothing() {
        final List<Contact> all = nearestFirst(25, 40);
        final LookupDiversity rule = new LookupDiversity(2);
        final long[] prefixes = rule.prefixes(all.size());
        for (int i = 0; i < all.size(); i++) {
            // The crowd's three nearest failed: the next three of the crowd take tier 0.
            prefixes[i] = i < 3 ? LookupDiversity.EXCLUDED : LookupDiversity.prefixOf(all.get(i).address().getAddress());
        }
        final int n = rule.choose(all.size(), 3, 20);
        assertEquals(20, n);
        assertEquals(List.of(3, 4, 5), List.of(rule.chosen(0), rule.chosen(1), rule.chosen(2)));
        for (int j = 3; j < n; j++) {
            assertEquals(25 + j - 3, rule.chosen(j));
        }
    }

    /** One instance serves call after call (a lookup chooses on every reply): no count leaks from one call to the next. */
    @Test
    void aReusedInstanceChoosesAsAFreshOne() {
        final LookupDiversity reused = new LookupDiversity(1);
        for (int round = 0; round < 20; round++) {
            final List<Contact> all = nearestFirst(random.nextInt(30), random.nextInt(60));
            final int perPrefix = 1 + random.nextInt(4);
            final int limit = 1 + random.nextInt(25);
            assertEquals(choose(new LookupDiversity(all.size() + 1), all, perPrefix, limit), choose(reused, all, perPrefix, limit),
                "round " + round);
        }
    }
}
