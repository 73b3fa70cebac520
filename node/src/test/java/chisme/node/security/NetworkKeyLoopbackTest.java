package chisme.node.security;

import chisme.node.kademlia.KademliaConfig;
import chisme.node.kademlia.KademliaNode;
import chisme.node.metrics.CounterId;
import chisme.node.metrics.Counters;
import chisme.store.InMemoryTupleStore;
import chisme.wire.HeaderFlyweight;
import chisme.wire.MessageType;
import chisme.wire.NodeId;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Keyed nodes on loopback: they work together; an open node, another network and a replayer get nothing. */
class NetworkKeyLoopbackTest {
    private static final InetAddress LO = InetAddress.getLoopbackAddress();

    private static KademliaNode node(final Keyring ring) {
        final KademliaNode n = KademliaNode.udp(new KademliaConfig().rpcTimeoutMs(300), LO, 0,
            InMemoryTupleStore.withCapacity(100, 65_536), null);
        if (ring != null) {
            n.networkKeyring(ring);
        }
        n.start();
        return n;
    }

    private static Keyring ring(final NetworkKey k) {
        final Keyring r = new Keyring();
        r.install(k);
        return r;
    }

    @Test
    void shouldWorkWithTheKeyAndGiveStrangersNothing() {
        final NetworkKey key = NetworkKey.generate(new SecureRandom());
        try (KademliaNode a = node(ring(key)); KademliaNode b = node(ring(key));
             KademliaNode open = node(null); KademliaNode other = node(ring(NetworkKey.generate(new SecureRandom())))) {
            // Control: two nodes with the key join, publish and get.
            assertEquals(1, b.join(a.localAddress()));
            final byte[] v = "only for us".getBytes(StandardCharsets.UTF_8);
            final NodeId k = b.publish(v);
            assertArrayEquals(v, a.get(k).orElseThrow());
            // An open node and a node of another network cannot even identify a keyed node.
            assertTrue(open.identify(a.localAddress()).isEmpty());
            assertTrue(other.identify(a.localAddress()).isEmpty());
            assertEquals(0, open.join(a.localAddress()));
            assertTrue(a.counters().get(CounterId.DROP_NETKEY_UNKNOWN_KEY) + a.counters().get(CounterId.DROP_NETKEY_BAD_TAG)
                + a.counters().get(CounterId.DROP_NETKEY_SHORT) >= 2, "the strangers' datagrams were counted drops");
            assertTrue(a.counters().get(CounterId.DATAGRAMS_OPENED) > 0);
        }
    }

    @Test
    void shouldAnswerASealedPingOnceAndIgnoreItsReplay() throws Exception {
        final NetworkKey key = NetworkKey.generate(new SecureRandom());
        try (KademliaNode a = node(ring(key));
             DatagramChannel raw = DatagramChannel.open().bind(new InetSocketAddress(LO, 0))) {
            raw.socket().setSoTimeout(1_000);
            final DatagramSealer mine = new DatagramSealer(ring(key), new Counters());
            final UnsafeBuffer ping = new UnsafeBuffer(new byte[HeaderFlyweight.LENGTH]);
            new HeaderFlyweight().wrap(ping, 0).encode(MessageType.PING, HeaderFlyweight.FLAG_READ_ONLY, 42,
                NodeId.random(new SplittableRandom(1)));
            final ByteBuffer sealed = ByteBuffer.allocate(200);
            mine.seal(ByteBuffer.wrap(ping.byteArray()), sealed);
            sealed.flip();
            raw.send(sealed.duplicate(), a.localAddress());
            assertTrue(receive(raw), "control: the sealed PING is answered");
            raw.send(sealed.duplicate(), a.localAddress());
            assertTrue(!receive(raw), "the replay is not");
            awaitCount(a, CounterId.DROP_NETKEY_REPLAY, 1);
        }
    }

    @Test
    void shouldLoadKeysFromAnOwnerOnlyFileAndRefuseAReadableOne(@TempDir final Path dir) throws Exception {
        final NetworkKey k1 = NetworkKey.generate(new SecureRandom());
        final NetworkKey k2 = NetworkKey.generate(new SecureRandom());
        final Keyring ring = ring(k1);
        ring.install(k2);
        ring.use(k2.id());
        NetworkKeyFile.save(dir, ring);
        final Path file = dir.resolve(NetworkKeyFile.NAME);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        final Keyring loaded = NetworkKeyFile.load(dir);
        assertEquals(ring.keys(), loaded.keys());
        assertEquals(k2.id(), loaded.snapshot().primaryId());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThrows(java.io.IOException.class, () -> NetworkKeyFile.load(dir));
        assertTrue(NetworkKeyFile.load(dir.resolve("nowhere").getParent().resolve("empty-" + System.nanoTime())).open());
    }

    private static boolean receive(final DatagramChannel raw) throws Exception {
        raw.configureBlocking(true);
        final java.net.DatagramSocket s = raw.socket();
        final java.net.DatagramPacket p = new java.net.DatagramPacket(new byte[2_048], 2_048);
        try {
            s.receive(p);
            return true;
        } catch (final SocketTimeoutException e) {
            return false;
        }
    }

    private static void awaitCount(final KademliaNode n, final CounterId id, final long atLeast) throws InterruptedException {
        final long deadline = System.nanoTime() + 20_000_000_000L; // a bound for a loaded CI machine, not a timing
        while (n.counters().get(id) < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(n.counters().get(id) >= atLeast, id + " = " + n.counters().get(id));
    }
}
