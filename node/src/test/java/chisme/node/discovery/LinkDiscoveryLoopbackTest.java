package chisme.node.discovery;

import chisme.node.kademlia.KademliaConfig;
import chisme.node.kademlia.KademliaNode;
import chisme.node.metrics.CounterId;
import chisme.node.metrics.EnumCounters;
import chisme.node.security.Keyring;
import chisme.node.security.NetworkKey;
import chisme.node.transport.Clock;
import chisme.store.InMemoryTupleStore;
import chisme.wire.HeaderFlyweight;
import chisme.wire.MessageType;
import chisme.wire.NodeId;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Link discovery on the loopback interface (named, as only tests do) with real sockets and real nodes:
 * bad announcements change nothing but counters, and the same running discovery then finds a genuine
 * node, so the silence before was not a dead receiver. Discovery port and group are random per run.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LinkDiscoveryLoopbackTest {
    private final List<AutoCloseable> open = new ArrayList<>();
    private final SplittableRandom random = new SplittableRandom();
    private final int port = 20_000 + random.nextInt(40_000);
    private final DiscoveryConfig config = new DiscoveryConfig().intervalMs(1_000).port(port)
        .group4(DiscoveryConfig.literal("239.255." + random.nextInt(1, 255) + "." + random.nextInt(1, 255)));

    {
        config.interfaces().add("lo");
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private record Peer(KademliaNode node, LinkDiscovery discovery, LinkNeighbours neighbours) {
        EnumCounters<DiscoveryCounter> counters() {
            return discovery.counters();
        }
    }

    /**
     * Null when an IPv4 multicast datagram sent on {@code lo} comes back to a member socket here, else why not
     * (the tests that need a real announcement are then skipped with that reason).
     */
    private String loopbackMulticastUnavailable() {
        try (DatagramChannel rx = DatagramChannel.open(StandardProtocolFamily.INET);
             DatagramChannel tx = DatagramChannel.open(StandardProtocolFamily.INET)) {
            final NetworkInterface lo = NetworkInterface.getByName("lo");
            if (lo == null) {
                return "no interface named lo";
            }
            rx.setOption(StandardSocketOptions.SO_REUSEADDR, true).bind(new InetSocketAddress(port));
            rx.join(config.group4(), lo);
            rx.configureBlocking(false);
            tx.setOption(StandardSocketOptions.IP_MULTICAST_IF, lo);
            tx.send(ByteBuffer.wrap(new byte[] {1}), new InetSocketAddress(config.group4(), port));
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (System.nanoTime() < deadline) {
                if (rx.receive(ByteBuffer.allocate(8)) != null) {
                    return null;
                }
                Thread.sleep(10);
            }
            return "multicast on lo is not delivered on this host";
        } catch (final IOException | RuntimeException e) {
            return "no multicast on lo: " + e;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private Peer peer(final InetAddress bind) throws Exception {
        return peer(bind, null);
    }

    private Peer peer(final InetAddress bind, final Keyring keyring) throws Exception {
        final KademliaNode node = KademliaNode.udp(new KademliaConfig().rpcTimeoutMs(500), bind, 0,
            InMemoryTupleStore.withCapacity(100, 65_536), null);
        if (keyring != null) {
            node.networkKeyring(keyring);
        }
        open.add(node);
        node.start();
        final LinkNeighbours neighbours = new LinkNeighbours(config.neighbourExpiryMs());
        final CandidateVerifier[] verifier = new CandidateVerifier[1];
        final LinkDiscovery d = new LinkDiscovery(config, node.id(), bind, node.localAddress().getPort(),
            c -> verifier[0].accept(c), Clock.SYSTEM, Links::scan, s -> { }, keyring);
        verifier[0] = new CandidateVerifier(node, neighbours, d.counters(), Clock.SYSTEM);
        open.add(verifier[0]);
        d.start();
        open.add(d);
        return new Peer(node, d, neighbours);
    }

    private static void eventually(final String what, final long timeoutMs, final BooleanSupplier condition) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("not within " + timeoutMs + " ms: " + what);
    }

    private static long verdicts(final EnumCounters<DiscoveryCounter> c) {
        long sum = 0;
        for (final DiscoveryCounter id : List.of(DiscoveryCounter.DROP_NOT_SEALED, DiscoveryCounter.DROP_MALFORMED, DiscoveryCounter.DROP_OWN_ID, DiscoveryCounter.DROP_SELF,
            DiscoveryCounter.DROP_BAD_PORT, DiscoveryCounter.DROP_NOT_UNICAST, DiscoveryCounter.DROP_OFF_LINK, DiscoveryCounter.DROP_READ_ONLY,
            DiscoveryCounter.DROP_SOURCE_RATE, DiscoveryCounter.DROP_TOTAL_RATE, DiscoveryCounter.DUPLICATE, DiscoveryCounter.CANDIDATES)) {
            sum += c.get(id);
        }
        return sum;
    }

    @Test
    void shouldOpenNothingWhenBoundToLoopbackWithoutLoNamed() throws Exception {
        final List<String> notes = new ArrayList<>();
        final LinkDiscovery d = new LinkDiscovery(new DiscoveryConfig().port(port), new NodeId(1, 2, 3), InetAddress.getByName("127.0.0.1"),
            4200, c -> { }, Clock.SYSTEM, Links::scan, notes::add);
        open.add(d);
        assertFalse(d.start());
        assertTrue(notes.getFirst().contains("name lo"), notes.toString());
        try (DatagramSocket s = new DatagramSocket(port)) {
            assertEquals(port, s.getLocalPort(), "the discovery port was left alone");
        }
    }

    @Test
    void shouldFindANodeOnTheLinkAndJoinThroughIt() throws Exception {
        final String noMulticast = loopbackMulticastUnavailable();
        Assumptions.assumeTrue(noMulticast == null, () -> "skipped: " + noMulticast);
        final InetAddress lo = InetAddress.getByName("127.0.0.1");
        final Peer a = peer(lo);
        final Peer b = peer(lo);
        eventually("A and B in each other's tables", 10_000, () -> a.node().contacts().size() == 1 && b.node().contacts().size() == 1);
        assertEquals(b.node().id(), a.node().contacts().getFirst().id());
        eventually("B is A's verified link neighbour", 5_000,
            () -> a.neighbours().current(Clock.SYSTEM.nowMs()).equals(List.of(b.node().localAddress())));
        eventually("our own announcement loops back and is dropped", 5_000, () -> a.counters().get(DiscoveryCounter.SENT) >= 1
            && a.counters().get(DiscoveryCounter.DROP_OWN_ID) >= 1);
    }

    @Test
    void shouldFindOnlyTheNodesThatHoldTheNetworkKey() throws Exception {
        final String noMulticast = loopbackMulticastUnavailable();
        Assumptions.assumeTrue(noMulticast == null, () -> "skipped: " + noMulticast);
        final InetAddress lo = InetAddress.getByName("127.0.0.1");
        final NetworkKey key = NetworkKey.generate(new SecureRandom());
        final Peer a = peer(lo, ring(key));
        final Peer stranger = peer(lo, ring(NetworkKey.generate(new SecureRandom())));
        final Peer open = peer(lo, null);
        final Peer b = peer(lo, ring(key));
        eventually("A and B (same key) in each other's tables", 10_000,
            () -> a.node().contacts().size() == 1 && b.node().contacts().size() == 1);
        assertEquals(b.node().id(), a.node().contacts().getFirst().id());
        eventually("A dropped the announcements of the other key and the open node, counted", 5_000,
            () -> a.counters().get(DiscoveryCounter.DROP_NOT_SEALED) >= 2);
        assertEquals(0, a.counters().get(DiscoveryCounter.DROP_MALFORMED), "sealed announcements are opened, not junk");
        assertTrue(stranger.node().contacts().isEmpty() && open.node().contacts().isEmpty(),
            "nobody without the key learnt of a keyed node");
        assertTrue(stranger.counters().get(DiscoveryCounter.DROP_NOT_SEALED) >= 2);
        assertTrue(open.counters().get(DiscoveryCounter.DROP_MALFORMED) >= 2, "an open node sees sealed announcements as junk");
    }

    private static Keyring ring(final NetworkKey k) {
        final Keyring r = new Keyring();
        r.install(k);
        return r;
    }

    @Test
    void shouldChangeNothingButCountersOnBadAnnouncements() throws Exception {
        final String noMulticast = loopbackMulticastUnavailable(); // the control at the end needs a real announcement
        Assumptions.assumeTrue(noMulticast == null, () -> "skipped: " + noMulticast);
        final InetAddress lo = InetAddress.getByName("127.0.0.1");
        final Peer n = peer(lo);
        final InetSocketAddress discoveryPort = new InetSocketAddress(lo, port);
        // The attacker sits at a loopback address nobody listens on, so every address it points at stays silent.
        final InetAddress attacker = InetAddress.getByName("127.77." + random.nextInt(1, 255) + "." + random.nextInt(1, 255));
        final UnsafeBuffer b = new UnsafeBuffer(new byte[AnnouncementCodec.MAX_BYTES]);
        final AnnouncementCodec codec = new AnnouncementCodec();
        final long startNs = System.nanoTime();
        int sent = 0;
        try (DatagramSocket s = new DatagramSocket(0, attacker)) {
            for (int i = 0; i < 1_000; i++) {
                int length;
                switch (i % 10) {
                    case 0 -> length = codec.encode(b, n.node().id(), 4200);                         // our own id
                    case 1 -> length = codec.encode(b, new NodeId(5, 5, i), 0);                      // port 0
                    case 2 -> {                                                                      // read-only
                        length = codec.encode(b, new NodeId(5, 5, i), 4200);
                        new HeaderFlyweight().wrap(b, 0).flags(HeaderFlyweight.FLAG_READ_ONLY);
                    }
                    case 3 -> {                                                                      // a PING, not an ANNOUNCE
                        codec.encode(b, new NodeId(5, 5, i), 4200);
                        new HeaderFlyweight().wrap(b, 0).type(MessageType.PING);
                        length = HeaderFlyweight.LENGTH;
                    }
                    case 4 -> {                                                                      // junk
                        final byte[] junk = new byte[1 + random.nextInt(200)];
                        random.nextBytes(junk);
                        b.putBytes(0, junk);
                        length = junk.length;
                    }
                    case 5 -> length = codec.encode(b, new NodeId(5, 5, i), 4200) - 1;             // truncated
                    default -> length = codec.encode(b, new NodeId(6, 6, i), 1 + random.nextInt(65_535)); // flood, silent endpoints
                }
                s.send(new DatagramPacket(b.byteArray(), length, discoveryPort));
                sent++;
                if (i % 50 == 49) {
                    Thread.sleep(2); // stay within the receive buffer: the point is the filter, not kernel drops
                }
            }
        }
        final EnumCounters<DiscoveryCounter> c = n.counters();
        final int total = sent;
        eventually("every datagram judged", 5_000, () -> verdicts(c) == c.get(DiscoveryCounter.RECEIVED)
            && c.get(DiscoveryCounter.RECEIVED) >= total);
        Thread.sleep(1_500); // let the verifier PING what it accepted
        final double seconds = (System.nanoTime() - startNs) / 1e9;
        final long candidates = c.get(DiscoveryCounter.CANDIDATES);
        // One line for docs/benchmarks.md (issue 11, link discovery): what 1,000 bad datagrams cost.
        System.out.printf("link-discovery bad input: sent %d in %.2f s, counters %s, node calls %d, contacts %d%n", total, seconds,
            c.snapshot(), n.node().counters().get(CounterId.CALLS_STARTED), n.node().contacts().size());
        assertTrue(candidates <= DiscoveryConfig.SOURCE_BURST + DiscoveryConfig.SOURCE_PER_SECOND * (seconds + 1),
            "candidates " + candidates + " in " + seconds + " s");
        assertTrue(c.get(DiscoveryCounter.DROP_SOURCE_RATE) >= 400 - candidates, "flood was rate-limited");
        assertTrue(c.get(DiscoveryCounter.DROP_OWN_ID) >= 100);
        assertTrue(c.get(DiscoveryCounter.DROP_BAD_PORT) == 100 && c.get(DiscoveryCounter.DROP_READ_ONLY) == 100);
        assertTrue(c.get(DiscoveryCounter.DROP_MALFORMED) >= 300);
        assertEquals(0, c.get(DiscoveryCounter.VERIFIED));
        assertTrue(c.get(DiscoveryCounter.VERIFY_PINGS) <= candidates);
        // Nothing but counters: no contact, no link neighbour, and no request but the candidates' PINGs.
        assertEquals(0, n.node().contacts().size());
        assertEquals(List.of(), n.neighbours().current(Clock.SYSTEM.nowMs()));
        // At most two PINGs per candidate: the verifier's own and the node's (offerCandidate).
        assertTrue(n.node().counters().get(CounterId.CALLS_STARTED) <= c.get(DiscoveryCounter.VERIFY_PINGS) + c.get(DiscoveryCounter.OFFERED_TO_NODE),
            "calls " + n.node().counters().get(CounterId.CALLS_STARTED));

        // The same discovery still works: a genuine node on the link is found and verified.
        final Peer genuine = peer(lo);
        eventually("the genuine node found", 10_000, () -> n.node().contacts().size() == 1);
        assertEquals(genuine.node().id(), n.node().contacts().getFirst().id());
    }
}
