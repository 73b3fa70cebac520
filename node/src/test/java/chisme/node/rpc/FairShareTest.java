package chisme.node.rpc;

import chisme.node.metrics.CounterId;
import chisme.node.metrics.Counters;
import chisme.wire.FragmentFlyweight;
import chisme.wire.HeaderFlyweight;
import chisme.wire.MessageType;
import chisme.wire.NodeId;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12 item 6: partial-message slots and request budgets are shared per source prefix, and a total
 * budget caps the node's work. Each attack is run with honest traffic alongside; both outcomes asserted.
 */
class FairShareTest {
    private static InetSocketAddress at(final String ip, final int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (final UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The fragments of one 2,500-byte message (3 fragments). */
    private static List<byte[]> fragments(final int messageSeed) {
        final ReassemblerTest.Capture capture = new ReassemblerTest.Capture();
        final MessageSender sender = new MessageSender(capture, new Counters(), RpcConfig.DEFAULT, messageSeed);
        final byte[] m = new byte[2_500];
        new Random(messageSeed).nextBytes(m);
        new HeaderFlyweight().wrap(new UnsafeBuffer(m), 0).encode(MessageType.BOOKS, 0, 9, new NodeId(1, 2, 3));
        sender.send(new UnsafeBuffer(m), 0, m.length, at("127.0.0.1", 1));
        return capture.sent;
    }

    private static boolean first(final byte[] f) {
        return new UnsafeBuffer(f).getShort(FragmentFlyweight.INDEX_OFFSET, ByteOrder.LITTLE_ENDIAN) == 0;
    }

    @Test
    void shouldKeepFragmentSlotsForHonestSendersWhileEightSubnetsHoldFirstHalves() {
        final Counters counters = new Counters();
        final Reassembler r = new Reassembler(RpcConfig.DEFAULT, counters);
        int honestSent = 0;
        final int[] honestDone = {0};
        int seed = 1;
        for (int round = 0; round < 20; round++) {
            // The attack: 8 /24s x 16 ports send first fragments that never complete (128 > 64 slots).
            for (int net = 0; net < 8; net++) {
                for (int port = 0; port < 16; port++) {
                    for (final byte[] f : fragments(seed++)) {
                        if (first(f)) {
                            r.onFragment(new UnsafeBuffer(f), 0, f.length, at("10.66." + net + ".7", 5_000 + port), round, (b, o, l, s) -> { });
                        }
                    }
                }
            }
            // Honest traffic: two nodes in other subnets send whole fragmented messages.
            for (final String honest : new String[] {"10.1.1.1", "192.168.5.9"}) {
                honestSent++;
                for (final byte[] f : fragments(seed++)) {
                    r.onFragment(new UnsafeBuffer(f), 0, f.length, at(honest, 4200), round, (b, o, l, s) -> honestDone[0]++);
                }
            }
        }
        assertEquals(honestSent, honestDone[0], "every honest fragmented message reassembled");
        assertTrue(r.partialCount() <= RpcConfig.DEFAULT.maxPartialMessages());
        assertTrue(counters.get(CounterId.REASSEMBLY_EVICTED_FAIR_SHARE) >= honestSent, "honest slots came from the largest holders");
    }

    @Test
    void shouldLetOneHostUseFreeSlotsButOnlyItsPrefixShare() {
        final Counters counters = new Counters();
        final Reassembler r = new Reassembler(RpcConfig.DEFAULT, counters);
        int seed = 100;
        // Control for the cap: one host, 32 ports, nobody else: it gets its prefix's 16 slots, no more.
        for (int port = 0; port < 32; port++) {
            for (final byte[] f : fragments(seed++)) {
                if (first(f)) {
                    r.onFragment(new UnsafeBuffer(f), 0, f.length, at("10.66.0.7", 5_000 + port), 0, (b, o, l, s) -> { });
                }
            }
        }
        assertEquals(RpcConfig.DEFAULT.maxPartialsPerSource(), r.partialCount());
        assertEquals(32 - RpcConfig.DEFAULT.maxPartialsPerSource(), counters.get(CounterId.DROP_REASSEMBLY_FULL));
    }

    @Test
    void shouldCapOneSubnetAtItsPrefixBudgetAndSpareOtherSubnets() {
        final Counters counters = new Counters();
        final RequestBudget budget = new RequestBudget(RpcConfig.DEFAULT, counters);
        int attackerAccepted = 0;
        // 250 addresses of one /24, 10 requests each at once (each under its own burst of 100).
        for (int host = 1; host <= 250; host++) {
            for (int i = 0; i < 10; i++) {
                if (budget.tryAcquire(at("10.66.0." + host, 4200), 0)) {
                    attackerAccepted++;
                }
            }
        }
        final int prefixBurst = RpcConfig.DEFAULT.requestBurst() * RpcConfig.PREFIX_SHARE;
        assertEquals(prefixBurst, attackerAccepted, "the /24 gets its prefix burst, not 250 bursts");
        int honest = 0;
        for (int i = 0; i < 100; i++) {
            if (budget.tryAcquire(at("10.1.1.1", 4200), 0)) {
                honest++;
            }
        }
        assertEquals(RpcConfig.DEFAULT.requestBurst(), honest, "another subnet keeps its full burst");
        assertEquals(2_500 - prefixBurst, counters.get(CounterId.DROP_RATE_LIMITED_PREFIX));
    }

    @Test
    void shouldCapTheNodesTotalWorkWhenThousandsOfAddressesFlood() {
        final Counters counters = new Counters();
        final RpcConfig config = RpcConfig.DEFAULT;
        final RequestBudget budget = new RequestBudget(config, counters);
        long accepted = 0;
        long offered = 0;
        // 2,000 addresses in 2,000 different /24s at 35,000 requests/s for one second (virtual time).
        for (int ms = 0; ms < 1_000; ms++) {
            for (int i = 0; i < 35; i++) {
                final int a = (ms * 35 + i) % 2_000;
                offered++;
                if (budget.tryAcquire(at("10." + (a >> 8) + "." + (a & 255) + ".1", 4200), ms)) {
                    accepted++;
                }
            }
        }
        final long bound = config.totalRequestBurst() + (long) config.totalRequestsPerSecond();
        assertTrue(accepted <= bound, "accepted " + accepted + " of " + offered + ", bound " + bound);
        assertTrue(counters.get(CounterId.DROP_RATE_LIMITED_TOTAL) >= offered - bound);
        // Control: the same addresses at 1,000 requests/s in total are all served.
        final RequestBudget calm = new RequestBudget(config, new Counters());
        int calmAccepted = 0;
        for (int ms = 0; ms < 1_000; ms++) {
            if (calm.tryAcquire(at("10." + ((ms % 2_000) >> 8) + "." + (ms & 255) + ".1", 4200), 5_000 + ms)) {
                calmAccepted++;
            }
        }
        assertEquals(1_000, calmAccepted);
    }

    @Test
    void shouldGroupByPrefixButKeepLinkLocalAndLoopbackHostsApart() throws UnknownHostException {
        final SourcePrefix p = new SourcePrefix();
        assertEquals(p.of(InetAddress.getByName("10.66.0.1")), p.of(InetAddress.getByName("10.66.0.254")));
        assertTrue(p.of(InetAddress.getByName("10.66.0.1")) != p.of(InetAddress.getByName("10.66.1.1")));
        assertEquals(p.of(InetAddress.getByName("2001:db8:0:1::1")), p.of(InetAddress.getByName("2001:db8:0:1:ffff::9")));
        assertTrue(p.of(InetAddress.getByName("2001:db8:0:1::1")) != p.of(InetAddress.getByName("2001:db8:0:2::1")));
        assertTrue(p.of(InetAddress.getByName("2001:db8:0:2::1")) != p.of(InetAddress.getByName("2001:db8:0:3::1")),
            "/64s that differ in their last bit are two prefixes");
        // LibreMesh neighbours on one link share fe80::/64; each is its own "prefix".
        assertTrue(p.of(InetAddress.getByName("fe80::1")) != p.of(InetAddress.getByName("fe80::2")));
        assertTrue(p.of(InetAddress.getByName("127.0.0.1")) != p.of(InetAddress.getByName("127.0.0.2")));
    }
}
