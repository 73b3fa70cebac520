package chisme.node.discovery;

import org.junit.jupiter.api.Test;

import java.util.List;

import static chisme.node.discovery.AnnouncementFilterTest.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which interfaces discovery uses, and which sources count as on-link or ours. */
class LinksTest {
    private static final Link LO = new Link("lo", 1, true, true, false, List.of(new Link.Address(ip("127.0.0.1"), 8)));
    private static final Link ETH0 = new Link("eth0", 2, true, false, true, List.of(
        new Link.Address(ip("10.13.0.1"), 16), new Link.Address(ip("fe80::1"), 64)));
    private static final Link WLAN_DOWN = new Link("wlan0", 3, false, false, true, List.of(new Link.Address(ip("10.14.0.1"), 24)));
    private static final Link TUN = new Link("tun0", 4, true, false, false, List.of(new Link.Address(ip("10.8.0.1"), 24)));
    private static final Link BAT_NO_ADDRESS = new Link("bat0", 5, true, false, true, List.of());
    private static final List<Link> HOST = List.of(LO, ETH0, WLAN_DOWN, TUN, BAT_NO_ADDRESS);

    @Test
    void shouldUseEveryUpMulticastNonLoopbackInterfaceByDefault() {
        assertEquals(List.of(ETH0), Links.select(HOST, List.of(), ip("::")).all());
    }

    @Test
    void shouldUseLoopbackOnlyWhenNamed() {
        assertEquals(List.of(LO), Links.select(HOST, List.of("lo"), ip("::")).all());
        assertEquals(List.of(LO, ETH0), Links.select(HOST, List.of("eth0", "lo", "wlan0"), ip("::")).all());
    }

    @Test
    void shouldUseOnlyTheInterfaceHoldingASingleBindAddress() {
        assertEquals(List.of(ETH0), Links.select(HOST, List.of(), ip("10.13.0.1")).all());
        assertTrue(Links.select(HOST, List.of(), ip("127.0.0.1")).isEmpty(), "loopback is never chosen unnamed");
        assertEquals(List.of(LO), Links.select(HOST, List.of("lo", "eth0"), ip("127.0.0.1")).all());
        assertEquals(List.of(ETH0), Links.select(HOST, List.of(), ip("0.0.0.0")).all());
    }

    @Test
    void shouldTellOnLinkAndOwnAddresses() {
        final Links links = Links.select(HOST, List.of(), ip("::"));
        assertTrue(links.onLink(ip("10.13.200.9")));
        assertFalse(links.onLink(ip("10.14.0.9")));
        assertTrue(links.onLink(ip("fe80::9%2")));
        assertFalse(links.onLink(ip("fe80::9%3")));
        assertFalse(links.onLink(ip("2001:db8::1")));
        assertTrue(links.isLocal(ip("10.13.0.1")));
        assertTrue(links.isLocal(ip("fe80::1%2")));
        assertFalse(links.isLocal(ip("10.13.0.2")));
    }

    @Test
    void shouldMatchPrefixesBitByBit() {
        final Link.Address a = new Link.Address(ip("192.168.1.129"), 25);
        assertTrue(a.contains(ip("192.168.1.200")));
        assertFalse(a.contains(ip("192.168.1.100")));
        assertFalse(a.contains(ip("::1")));
        assertTrue(new Link.Address(ip("10.0.0.1"), 0).contains(ip("8.8.8.8")));
    }
}
