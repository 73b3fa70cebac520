package chisme.node.discovery;

import chisme.node.config.ConfigException;
import chisme.node.config.ConfigKey;
import chisme.node.config.NodeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The link-discovery keys, their checks, and the announcement timing. */
class DiscoveryConfigTest {
    @TempDir
    Path dir;

    @Test
    void shouldBeOnByDefaultWithItsOwnGroupsAndPort() {
        final DiscoveryConfig c = new NodeConfig().dataDir(dir).conclude().discoveryConfig();
        assertTrue(c.enabled());
        assertEquals("239.255.199.1", c.group4().getHostAddress());
        assertTrue(c.group6().isMCLinkLocal());
        assertEquals(4199, c.port());
        assertEquals(30_000, c.intervalMs());
        assertEquals(List.of(), c.interfaces());
    }

    @Test
    void shouldParseEveryKey() {
        final NodeConfig n = new NodeConfig().dataDir(dir);
        ConfigKey.LINK_DISCOVERY.apply(n, "off");
        ConfigKey.LINK_DISCOVERY_INTERFACE.apply(n, "wlan0-mesh");
        ConfigKey.LINK_DISCOVERY_INTERFACE.apply(n, "lo");
        ConfigKey.LINK_DISCOVERY_GROUP4.apply(n, "224.0.0.199");
        ConfigKey.LINK_DISCOVERY_GROUP6.apply(n, "ff02::1:2:3");
        ConfigKey.LINK_DISCOVERY_PORT.apply(n, "5000");
        ConfigKey.LINK_DISCOVERY_INTERVAL_S.apply(n, "5");
        final DiscoveryConfig c = n.conclude().discoveryConfig();
        assertFalse(c.enabled());
        assertEquals(List.of("wlan0-mesh", "lo"), c.interfaces());
        assertEquals(5000, c.port());
        assertEquals(5_000, c.intervalMs());
        assertTrue(ConfigKey.LINK_DISCOVERY_INTERFACE.repeatable());
    }

    @Test
    void shouldRefuseBadValuesWithOneLine() {
        final NodeConfig n = new NodeConfig();
        assertEquals("'maybe' is not one of on, off", assertThrows(IllegalArgumentException.class,
            () -> ConfigKey.LINK_DISCOVERY.apply(n, "maybe")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> ConfigKey.LINK_DISCOVERY_INTERFACE.apply(n, "eth0 wlan0"));
        assertThrows(IllegalArgumentException.class, () -> ConfigKey.LINK_DISCOVERY_INTERFACE.apply(n, "a-name-far-too-long"));
        assertEquals("'mesh.lan' is not an IP address", assertThrows(IllegalArgumentException.class,
            () -> ConfigKey.LINK_DISCOVERY_GROUP4.apply(n, "mesh.lan")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> ConfigKey.LINK_DISCOVERY_PORT.apply(n, "0"));
        assertThrows(IllegalArgumentException.class, () -> ConfigKey.LINK_DISCOVERY_INTERVAL_S.apply(n, "0"));
    }

    @Test
    void shouldRefuseGroupsThatCouldLeaveTheLink() {
        final NodeConfig routed = new NodeConfig().dataDir(dir);
        ConfigKey.LINK_DISCOVERY_GROUP4.apply(routed, "239.1.2.3");
        assertTrue(assertThrows(ConfigException.class, routed::conclude).getMessage().startsWith("link-discovery-group4: 239.1.2.3 is not"));
        final NodeConfig site = new NodeConfig().dataDir(dir);
        ConfigKey.LINK_DISCOVERY_GROUP6.apply(site, "ff05::c7:1");
        assertTrue(assertThrows(ConfigException.class, site::conclude).getMessage().startsWith("link-discovery-group6:"));
        final NodeConfig clash = new NodeConfig().dataDir(dir).port(4199);
        assertEquals("port: 4199 is the link-discovery-port (change one, or set link-discovery = off)",
            assertThrows(ConfigException.class, clash::conclude).getMessage());
        final NodeConfig unicast = new NodeConfig().dataDir(dir);
        ConfigKey.LINK_DISCOVERY_GROUP4.apply(unicast, "10.0.0.1");
        assertThrows(ConfigException.class, unicast::conclude);
    }

    @Test
    void shouldAnnounceSoonAfterStartThenEveryIntervalWithJitter() {
        final AnnounceSchedule s = new AnnounceSchedule(30_000, new SplittableRandom(3));
        long minNext = Long.MAX_VALUE;
        long maxNext = 0;
        for (int i = 0; i < 1_000; i++) {
            final long first = s.firstDelayMs();
            assertTrue(first >= DiscoveryConfig.FIRST_DELAY_MS && first <= 2 * DiscoveryConfig.FIRST_DELAY_MS, "first " + first);
            final long next = s.nextDelayMs();
            minNext = Math.min(minNext, next);
            maxNext = Math.max(maxNext, next);
        }
        assertTrue(minNext >= 22_500 && maxNext <= 37_500, minNext + ".." + maxNext);
        assertTrue(maxNext - minNext > 10_000, "jitter spreads the rounds: " + minNext + ".." + maxNext);
    }

    @Test
    void shouldPrintGroupsShortly() {
        assertEquals("ff02::c7:1", LinkDiscovery.compact(DiscoveryConfig.literal("ff02::c7:1")));
        assertEquals("ff02::1", LinkDiscovery.compact(DiscoveryConfig.literal("ff02::1")));
    }

    @Test
    void shouldForgetLinkNeighboursNotVerifiedAgain() {
        final LinkNeighbours n = new LinkNeighbours(1_000);
        final java.net.InetSocketAddress a = new java.net.InetSocketAddress(AnnouncementFilterTest.ip("10.0.0.2"), 4200);
        n.verified(a, 0);
        assertEquals(List.of(a), n.current(999));
        assertEquals(List.of(), n.current(1_000));
    }
}
