package chisme.node.security;

import chisme.node.metrics.CounterId;
import chisme.node.metrics.Counters;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 12 item 1: the network key seals, refuses forgeries, replays and strangers, and rotates. */
class DatagramSealerTest {
    private static final InetSocketAddress FROM = new InetSocketAddress("10.0.0.1", 4200);
    private static final byte[] HELLO = "chisme datagram".getBytes(StandardCharsets.US_ASCII);

    private static Keyring ring(final NetworkKey... keys) {
        final Keyring r = new Keyring();
        for (final NetworkKey k : keys) {
            r.install(k);
        }
        return r;
    }

    private static ByteBuffer seal(final DatagramSealer s, final byte[] plain) {
        final ByteBuffer out = ByteBuffer.allocateDirect(2_048);
        assertEquals(plain.length + DatagramSealer.OVERHEAD_BYTES, s.seal(ByteBuffer.wrap(plain), out));
        return out.flip();
    }

    private static int open(final DatagramSealer s, final ByteBuffer sealed, final InetSocketAddress from) {
        final ByteBuffer copy = ByteBuffer.allocateDirect(sealed.remaining()).put(sealed.duplicate()).flip();
        return s.open(copy, from, ByteBuffer.allocateDirect(2_048));
    }

    @Test
    void shouldOpenWhatTheSameKeySealedAndNothingElse() {
        final NetworkKey k = NetworkKey.generate(new SecureRandom());
        final Counters rx = new Counters();
        final DatagramSealer sender = new DatagramSealer(ring(k), new Counters());
        final DatagramSealer receiver = new DatagramSealer(ring(k), rx);
        final ByteBuffer sealed = seal(sender, HELLO);
        // Control: the right key opens it, plaintext intact.
        final ByteBuffer plain = ByteBuffer.allocateDirect(2_048);
        final ByteBuffer copy = ByteBuffer.allocateDirect(sealed.remaining()).put(sealed.duplicate()).flip();
        assertEquals(HELLO.length, receiver.open(copy, FROM, plain));
        final byte[] got = new byte[HELLO.length];
        plain.flip().get(got);
        assertEquals(new String(HELLO, StandardCharsets.US_ASCII), new String(got, StandardCharsets.US_ASCII));
        // Replay of the same datagram: refused before any cryptography.
        assertEquals(-1, open(receiver, sealed, FROM));
        assertEquals(1, rx.get(CounterId.DROP_NETKEY_REPLAY));
        // Every single-bit flip anywhere after the key id: refused (tag or window).
        for (int i = 1; i < sealed.remaining(); i++) {
            final ByteBuffer forged = ByteBuffer.allocateDirect(sealed.remaining()).put(sealed.duplicate()).flip();
            forged.put(i, (byte) (forged.get(i) ^ 0x10));
            assertEquals(-1, receiver.open(forged, new InetSocketAddress("10.0.0.9", 1 + i), ByteBuffer.allocateDirect(2_048)));
        }
        assertEquals(sealed.remaining() - 1, rx.get(CounterId.DROP_NETKEY_BAD_TAG));
        // Another network's key, a plain chisme datagram, a runt: refused and counted.
        final DatagramSealer stranger = new DatagramSealer(ring(NetworkKey.generate(new SecureRandom())), new Counters());
        final ByteBuffer foreign = seal(stranger, HELLO);
        final boolean sameId = foreign.get(0) == sealed.get(0);
        assertEquals(-1, open(receiver, foreign, FROM));
        assertEquals(-1, open(receiver, ByteBuffer.wrap(new byte[28]), FROM));
        assertEquals(1, rx.get(CounterId.DROP_NETKEY_SHORT));
        assertEquals(sameId ? 0 : 1, rx.get(CounterId.DROP_NETKEY_UNKNOWN_KEY));
        assertEquals(1, rx.get(CounterId.DATAGRAMS_OPENED));
    }

    @Test
    void shouldNeverRepeatANonceAndAcceptOutOfOrderWithinTheWindow() {
        final NetworkKey k = NetworkKey.generate(new SecureRandom());
        final DatagramSealer sender = new DatagramSealer(ring(k), new Counters());
        final DatagramSealer receiver = new DatagramSealer(ring(k), new Counters());
        final Set<String> nonces = new HashSet<>();
        final ByteBuffer[] sealed = new ByteBuffer[100];
        for (int i = 0; i < 20_000; i++) {
            final ByteBuffer s = seal(sender, HELLO);
            final byte[] nonce = new byte[12];
            s.get(1, nonce);
            assertTrue(nonces.add(java.util.HexFormat.of().formatHex(nonce)), "nonce repeated at " + i);
            if (i < 100) {
                sealed[i] = s;
            }
        }
        // A second sealer (another node, or this one after a restart) draws another session.
        final ByteBuffer other = seal(new DatagramSealer(ring(k), new Counters()), HELLO);
        final byte[] nonce = new byte[12];
        other.get(1, nonce);
        assertTrue(nonces.add(java.util.HexFormat.of().formatHex(nonce)));
        // Reordered delivery within 64 datagrams opens; each only once.
        for (int i = 99; i >= 40; i--) {
            assertEquals(HELLO.length, open(receiver, sealed[i], FROM), "datagram " + i);
        }
        for (int i = 40; i < 100; i++) {
            assertEquals(-1, open(receiver, sealed[i], FROM), "replayed " + i);
        }
        assertEquals(-1, open(receiver, sealed[0], FROM), "older than the window");
    }

    @Test
    void shouldRotateKeysWithoutLosingADatagram() {
        final NetworkKey old = NetworkKey.generate(new SecureRandom());
        final NetworkKey next = NetworkKey.generate(new SecureRandom());
        final Keyring a = ring(old);
        final Keyring b = ring(old);
        final DatagramSealer sa = new DatagramSealer(a, new Counters());
        final DatagramSealer sb = new DatagramSealer(b, new Counters());
        // 1. install the new key everywhere: still sealed with the old one, both open everything.
        a.install(next);
        b.install(next);
        assertEquals(old.id(), seal(sa, HELLO).get(0) & 0xFF);
        assertEquals(HELLO.length, open(sb, seal(sa, HELLO), FROM));
        // 2. use it on one node first: the other, still sealing with the old key, is understood both ways.
        a.use(next.id());
        assertEquals(next.id(), seal(sa, HELLO).get(0) & 0xFF);
        assertEquals(HELLO.length, open(sb, seal(sa, HELLO), FROM));
        assertEquals(HELLO.length, open(sa, seal(sb, HELLO), new InetSocketAddress("10.0.0.2", 4200)));
        b.use(next.id());
        // 3. remove the old key: a datagram sealed with it is now refused.
        final ByteBuffer stale = seal(new DatagramSealer(ring(old), new Counters()), HELLO);
        assertThrows(IllegalArgumentException.class, () -> a.remove(next.id()), "the key in use stays while others exist");
        a.remove(old.id());
        assertEquals(-1, open(new DatagramSealer(a, new Counters()), stale, FROM));
        // The last key can go: the node is open again.
        a.remove(next.id());
        assertTrue(a.open());
        assertEquals(-1, sa.seal(ByteBuffer.wrap(HELLO), ByteBuffer.allocateDirect(100)));
    }
}
