package chisme.node.discovery;

import chisme.node.metrics.EnumCounters;
import chisme.wire.HeaderFlyweight;
import chisme.wire.MessageType;
import chisme.wire.NodeId;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The receive rules of link discovery under virtual time: every drop reason, the rate limits, de-duplication. */
class AnnouncementFilterTest {
    private static final NodeId ME = new NodeId(1, 2, 3);
    private static final int MY_PORT = 4200;
    private static final long WINDOW_MS = 10_000;
    private static final Link ETH0 = new Link("eth0", 2, true, false, true, List.of(
        new Link.Address(ip("10.13.0.1"), 16), new Link.Address(ip("fe80::1"), 64)));

    private final EnumCounters<DiscoveryCounter> counters = new EnumCounters<>(DiscoveryCounter.class);
    private final List<InetSocketAddress> offered = new ArrayList<>();
    private final AnnouncementFilter filter = new AnnouncementFilter(ME, MY_PORT, WINDOW_MS, counters, offered::add);
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[AnnouncementCodec.MAX_BYTES]);
    private final AnnouncementCodec codec = new AnnouncementCodec();

    AnnouncementFilterTest() {
        filter.links(new Links(List.of(ETH0)));
    }

    static InetAddress ip(final String s) {
        try {
            return InetAddress.getByName(s);
        } catch (final UnknownHostException e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    private DiscoveryCounter receive(final NodeId id, final int port, final String from, final long nowMs) {
        final int length = codec.encode(buffer, id, port);
        return filter.onDatagram(buffer, 0, length, new InetSocketAddress(ip(from), 4199), nowMs);
    }

    @Test
    void shouldOfferANeighbourOnTheLinkAtItsSourceAddressAndAnnouncedPort() {
        assertEquals(DiscoveryCounter.CANDIDATES, receive(new NodeId(9, 9, 9), 4300, "10.13.5.6", 0));
        assertEquals(List.of(new InetSocketAddress(ip("10.13.5.6"), 4300)), offered);
        assertEquals(1, counters.get(DiscoveryCounter.CANDIDATES));
        assertEquals(1, counters.get(DiscoveryCounter.RECEIVED));
    }

    @Test
    void shouldDropEveryInvalidAnnouncementByReason() {
        final NodeId other = new NodeId(9, 9, 9);
        assertEquals(DiscoveryCounter.DROP_OWN_ID, receive(ME, 4300, "10.13.5.6", 0));
        assertEquals(DiscoveryCounter.DROP_BAD_PORT, receive(other, 0, "10.13.5.6", 0));
        assertEquals(DiscoveryCounter.DROP_NOT_UNICAST, receive(other, 4300, "239.255.199.1", 0));
        assertEquals(DiscoveryCounter.DROP_NOT_UNICAST, receive(other, 4300, "0.0.0.0", 0));
        assertEquals(DiscoveryCounter.DROP_OFF_LINK, receive(other, 4300, "192.0.2.7", 0));
        assertEquals(DiscoveryCounter.DROP_OFF_LINK, receive(other, 4300, "fe80::7%1", 0)); // link-local on another interface
        assertEquals(DiscoveryCounter.DROP_SELF, receive(other, MY_PORT, "10.13.0.1", 0));
        final int length = codec.encode(buffer, other, 4300);
        new HeaderFlyweight().wrap(buffer, 0).flags(HeaderFlyweight.FLAG_READ_ONLY);
        assertEquals(DiscoveryCounter.DROP_READ_ONLY, filter.onDatagram(buffer, 0, length, new InetSocketAddress(ip("10.13.5.6"), 1), 0));
        codec.encode(buffer, other, 4300);
        assertEquals(DiscoveryCounter.DROP_MALFORMED, filter.onDatagram(buffer, 0, length - 1, new InetSocketAddress(ip("10.13.5.6"), 1), 0));
        assertEquals(DiscoveryCounter.DROP_MALFORMED, filter.onDatagram(buffer, 0, length + 1, new InetSocketAddress(ip("10.13.5.6"), 1), 0));
        new HeaderFlyweight().wrap(buffer, 0).type(MessageType.PING);
        assertEquals(DiscoveryCounter.DROP_MALFORMED, filter.onDatagram(buffer, 0, 32, new InetSocketAddress(ip("10.13.5.6"), 1), 0));
        assertTrue(offered.isEmpty(), offered.toString());
        assertEquals(0, counters.get(DiscoveryCounter.CANDIDATES));
        assertEquals(11, counters.get(DiscoveryCounter.RECEIVED));
    }

    @Test
    void shouldAcceptALinkLocalSourceFromTheLinkItsScopeNames() {
        assertEquals(DiscoveryCounter.CANDIDATES, receive(new NodeId(9, 9, 9), 4300, "fe80::7%2", 0));
        assertEquals(4300, offered.getFirst().getPort());
    }

    @Test
    void shouldOfferAnEndpointOncePerWindow() {
        final NodeId other = new NodeId(9, 9, 9);
        assertEquals(DiscoveryCounter.CANDIDATES, receive(other, 4300, "10.13.5.6", 0));
        assertEquals(DiscoveryCounter.DUPLICATE, receive(other, 4300, "10.13.5.6", 1_000));
        assertEquals(DiscoveryCounter.DUPLICATE, receive(other, 4300, "10.13.5.6", WINDOW_MS - 1));
        assertEquals(DiscoveryCounter.CANDIDATES, receive(other, 4300, "10.13.5.6", WINDOW_MS));
        assertEquals(2, offered.size());
    }

    @Test
    void shouldPreferTheRoutableAddressOfANodeOverItsLinkLocalOne() {
        final NodeId other = new NodeId(9, 9, 9);
        assertEquals(DiscoveryCounter.CANDIDATES, receive(other, 4300, "10.13.5.6", 0));
        assertEquals(DiscoveryCounter.DUPLICATE, receive(other, 4300, "fe80::7%2", 10));
        assertEquals(1, offered.size());
    }

    @Test
    void shouldBoundAFloodFromOneSourceToItsBurstThenItsRate() {
        int candidates = 0;
        // 1,000 announcements in 1 s, each a new id and port (so de-duplication cannot help).
        for (int i = 0; i < 1_000; i++) {
            if (receive(new NodeId(7, 7, i), 10_000 + i, "10.13.5.6", i) == DiscoveryCounter.CANDIDATES) {
                candidates++;
            }
        }
        assertTrue(candidates <= DiscoveryConfig.SOURCE_BURST + DiscoveryConfig.SOURCE_PER_SECOND, "offered " + candidates);
        assertEquals(candidates, offered.size());
        assertEquals(1_000 - candidates, counters.get(DiscoveryCounter.DROP_SOURCE_RATE));
    }

    @Test
    void shouldBoundAFloodFromManySourcesToTheTotalRate() {
        int candidates = 0;
        for (int i = 0; i < 1_000; i++) {
            final String source = "10.13." + (1 + i / 250) + "." + (1 + i % 250);
            if (receive(new NodeId(7, 7, i), 4300, source, 0) == DiscoveryCounter.CANDIDATES) {
                candidates++;
            }
        }
        assertEquals(DiscoveryConfig.TOTAL_BURST, candidates);
        assertEquals(1_000 - DiscoveryConfig.TOTAL_BURST, counters.get(DiscoveryCounter.DROP_TOTAL_RATE));
        // One second later the bucket has refilled by the rate, no more.
        int later = 0;
        for (int i = 1_000; i < 1_200; i++) {
            final String source = "10.13.9." + (i - 999);
            if (receive(new NodeId(7, 7, i), 4300, source, 1_000) == DiscoveryCounter.CANDIDATES) {
                later++;
            }
        }
        assertEquals(DiscoveryConfig.TOTAL_PER_SECOND, later);
    }

    @Test
    void shouldNeverThrowOnRandomBytes() {
        final java.util.SplittableRandom random = new java.util.SplittableRandom(11);
        final byte[] junk = new byte[AnnouncementCodec.MAX_BYTES];
        for (int i = 0; i < 10_000; i++) {
            random.nextBytes(junk);
            if (i % 2 == 0) {
                junk[0] = (byte) HeaderFlyweight.MAGIC;
                junk[1] = (byte) HeaderFlyweight.VERSION;
                junk[2] = (byte) MessageType.ANNOUNCE;
            }
            buffer.putBytes(0, junk);
            filter.onDatagram(buffer, 0, random.nextInt(junk.length + 1), new InetSocketAddress(ip("10.13.5.6"), 1), i);
        }
        assertEquals(10_000, counters.get(DiscoveryCounter.RECEIVED));
        long ended = 0;
        for (final DiscoveryCounter c : DiscoveryCounter.values()) {
            if (c != DiscoveryCounter.RECEIVED) {
                ended += counters.get(c);
            }
        }
        assertEquals(10_000, ended, "every datagram ends in exactly one verdict");
    }
}
