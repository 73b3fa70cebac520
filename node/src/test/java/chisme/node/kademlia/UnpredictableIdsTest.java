package chisme.node.kademlia;

import chisme.node.metrics.Counters;
import chisme.node.rpc.Dispatcher;
import chisme.node.rpc.ResponseListener;
import chisme.node.rpc.RpcConfig;
import chisme.node.security.ChaChaRandom;
import chisme.node.sim.SimNetwork;
import chisme.store.InMemoryTupleStore;
import chisme.wire.HeaderFlyweight;
import chisme.wire.MessageType;
import chisme.wire.NodeId;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12 item 4: transaction ids and write tokens cannot be predicted from what a node sends. The
 * attacker of the issue inverts SplittableRandom's output function on one observed id and walks the
 * generator forward; each test runs that attack and a control in which it works.
 */
class UnpredictableIdsTest {
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;
    private static final int STEPS_AHEAD = 64;

    @Test
    void shouldDefeatTheSplittableRandomPredictorOnLiveVerifyPings() throws Exception {
        final InetAddress lo = InetAddress.getByName("127.0.0.1");
        final List<Long> ids = new ArrayList<>();
        try (KademliaNode node = KademliaNode.udp(new KademliaConfig(), lo, 0, InMemoryTupleStore.withCapacity(10, 1024), null)) {
            node.start();
            final SplittableRandom r = new SplittableRandom(1);
            // Every new sender gets a verify PING (routing upkeep): its transaction id is the attacker's sample.
            for (int i = 0; i < 12; i++) {
                try (DatagramSocket s = new DatagramSocket(0, lo)) {
                    s.setSoTimeout(2_000);
                    final UnsafeBuffer ping = new UnsafeBuffer(new byte[HeaderFlyweight.LENGTH]);
                    new HeaderFlyweight().wrap(ping, 0).encode(MessageType.PING, 0, i + 1, NodeId.random(r));
                    s.send(new DatagramPacket(ping.byteArray(), HeaderFlyweight.LENGTH, node.localAddress()));
                    final long id = awaitVerifyPing(s);
                    if (id != 0) {
                        ids.add(id);
                    }
                }
            }
        }
        assertTrue(ids.size() >= 10, "verify pings observed: " + ids.size());
        assertEquals(0, predictedHits(ids), "ids predicted from earlier ids: " + ids);
    }

    @Test
    void shouldPredictNothingFromTheNodeGeneratorButEverythingFromSplittableRandom() {
        final List<Long> weak = transactionIds(new SplittableRandom(42), 40);
        final List<Long> strong = transactionIds(ChaChaRandom.create(), 40);
        // Control: the attack works on the old generator (each id follows from the one before).
        assertTrue(predictedHits(weak) >= 30, "control: SplittableRandom ids predicted " + predictedHits(weak));
        assertEquals(0, predictedHits(strong));
    }

    @Test
    void shouldBindTokensToAddressAndPortAndRefuseReplays() throws Exception {
        final TokenIssuer tokens = new TokenIssuer(ChaChaRandom.create(), 300_000, 0);
        final InetSocketAddress honest = new InetSocketAddress(InetAddress.getByName("10.0.0.1"), 4200);
        final long token = tokens.token(honest, 0);
        // Control: the honest requester's token is good for two rotation periods.
        assertTrue(tokens.valid(token, honest, 0));
        assertTrue(tokens.valid(token, honest, 400_000));
        assertFalse(tokens.valid(token, honest, 700_001), "expired after two rotations");
        // Replayed from another address, another port, a neighbouring address: refused.
        final long fresh = tokens.token(honest, 700_001);
        assertFalse(tokens.valid(fresh, new InetSocketAddress(InetAddress.getByName("10.0.0.2"), 4200), 700_001));
        assertFalse(tokens.valid(fresh, new InetSocketAddress(InetAddress.getByName("10.0.0.1"), 4201), 700_001));
        assertFalse(tokens.valid(fresh, new InetSocketAddress(InetAddress.getByName("fe80::a00:1"), 4200), 700_001));
        assertTrue(tokens.valid(fresh, honest, 700_001));
    }

    @Test
    void shouldRefuseTokensComputedTheOldWayFromTheGeneratorState() {
        // The attack: the secret was an output of the generator a few steps before an observed id,
        // and the token an unkeyed mix of secret, IP hash and port. The attacker knows the node's transaction
        // ids, rebuilds the stream around them and tries every candidate secret.
        final ChaChaRandom random = ChaChaRandom.create();
        final TokenIssuer tokens = new TokenIssuer(random, 300_000, 0);
        final List<Long> observed = transactionIds(random, 4);
        final InetSocketAddress victim = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9999);
        int accepted = 0;
        for (final long id : observed) {
            long seed = unmix(id);
            for (int back = 0; back < 200; back++) {
                seed -= GOLDEN_GAMMA;
                if (tokens.valid(oldToken(mix(seed), victim), victim, 0)) {
                    accepted++;
                }
            }
        }
        assertEquals(0, accepted);
        // Control: the formula is the old one: with the secret known, it produced a valid old-style token.
        final long secret = 0x1234_5678_9abc_def0L;
        assertEquals(oldToken(secret, victim), oldToken(secret, victim));
        assertTrue(tokens.valid(tokens.token(victim, 0), victim, 0));
    }

    /** How many ids in {@code ids} lie within STEPS_AHEAD outputs of a SplittableRandom rebuilt from an earlier id. */
    private static int predictedHits(final List<Long> ids) {
        int hits = 0;
        for (int i = 1; i < ids.size(); i++) {
            final Set<Long> predicted = new HashSet<>();
            long seed = unmix(ids.get(i - 1));
            for (int step = 0; step < STEPS_AHEAD; step++) {
                seed += GOLDEN_GAMMA;
                predicted.add(mix(seed));
            }
            if (predicted.contains(ids.get(i))) {
                hits++;
            }
        }
        return hits;
    }

    /** Transaction ids a dispatcher driven by {@code random} puts on the wire. */
    private static List<Long> transactionIds(final RandomGenerator random, final int count) {
        final SimNetwork network = new SimNetwork(1, 1, 1, 0);
        final SimNetwork.Host host = network.addHost();
        final List<Long> ids = new ArrayList<>();
        final HeaderFlyweight h = new HeaderFlyweight();
        final Dispatcher d = new Dispatcher(NodeId.random(new SplittableRandom(3)), new chisme.node.transport.Transport() {
            @Override
            public InetSocketAddress localAddress() {
                return host.localAddress();
            }

            @Override
            public boolean send(final DirectBuffer buffer, final int offset, final int length, final InetSocketAddress destination) {
                ids.add(h.wrap(buffer, offset).transactionId());
                return true;
            }

            @Override
            public void start(final chisme.node.transport.DatagramHandler handler) {
            }

            @Override
            public void close() {
            }
        }, host, network.clock(), new Counters(), random, RpcConfig.DEFAULT);
        final ResponseListener ignore = new ResponseListener() {
            @Override
            public void onResponse(final HeaderFlyweight header, final DirectBuffer buffer, final int offset, final int length,
                                   final InetSocketAddress source) {
            }

            @Override
            public void onTimeout() {
            }
        };
        for (int i = 0; i < count; i++) {
            d.tracker().call(new InetSocketAddress(InetAddress.getLoopbackAddress(), 2), MessageType.PING, 0, 1_000, ignore);
        }
        return ids;
    }

    private static long awaitVerifyPing(final DatagramSocket s) throws Exception {
        final byte[] in = new byte[2048];
        final HeaderFlyweight h = new HeaderFlyweight();
        for (int i = 0; i < 3; i++) {
            final DatagramPacket p = new DatagramPacket(in, in.length);
            try {
                s.receive(p);
            } catch (final SocketTimeoutException e) {
                return 0;
            }
            h.wrap(new UnsafeBuffer(in, 0, p.getLength()), 0);
            if (h.type() == MessageType.PING) {
                return h.transactionId();
            }
        }
        return 0;
    }

    /** The token formula before issue 12 (unkeyed SplitMix finaliser over secret, IP hash and port). */
    private static long oldToken(final long secret, final InetSocketAddress a) {
        final long ip = a.getAddress().hashCode();
        return mix(secret ^ mix(ip * 0x9E3779B97F4A7C15L + a.getPort() + secret));
    }

    /** SplittableRandom's (and SplitMix64's) output function. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** The inverse of {@link #mix}: undo each xor-shift and multiply by the modular inverse. */
    private static long unmix(long z) {
        z = unshift(z, 31);
        z *= inverse(0x94d049bb133111ebL);
        z = unshift(z, 27);
        z *= inverse(0xbf58476d1ce4e5b9L);
        return unshift(z, 30);
    }

    private static long unshift(final long z, final int shift) {
        long x = z;
        for (int i = 0; i < 64 / shift + 1; i++) {
            x = z ^ (x >>> shift);
        }
        return x;
    }

    private static long inverse(final long odd) {
        long x = odd;
        for (int i = 0; i < 5; i++) {
            x *= 2 - odd * x;
        }
        return x;
    }
}
