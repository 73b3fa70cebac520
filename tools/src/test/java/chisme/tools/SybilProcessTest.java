package chisme.tools;

import chisme.wire.HeaderFlyweight;
import chisme.wire.MessageType;
import chisme.wire.NodeId;
import chisme.wire.NodesFlyweight;
import chisme.wire.PingFlyweight;
import chisme.wire.PongFlyweight;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12 item 7 against real {@code chisme node} processes: 300 Sybil ids from one IP (300 sockets of
 * 127.0.66.6, each a node id that answers PINGs, so each is verified) introduce themselves to a daemon that
 * already knows 10 honest peers (10 sockets, each at its own 127.0.11.x). The daemon with the default limits
 * must give the attacker at most {@code contacts-per-ip} (4) slots and keep every honest peer; the control, a
 * daemon started with {@code --contacts-per-ip 0 --contacts-per-ip-per-bucket 0} (no per-IP limit), gives the
 * attacker dozens. Both read through {@code chisme peers --json} and {@code chisme stats --json}.
 * <p>
 * The attacker paces itself under the daemons' per-IP request budget (50/s), as a patient attacker would: the
 * subject is the routing table, not the rate limiter.
 */
class SybilProcessTest {
    private static final long READY_MS = 60_000;
    private static final int HONEST = 10;
    private static final int SYBILS = 300;
    private static final String SYBIL_IP = "127.0.66.6";

    @TempDir
    Path tmp;

    /** One fake peer: a socket and the node id it claims. */
    private record Peer(DatagramChannel channel, NodeId id) {
    }

    @Test
    void threeHundredSybilIdsFromOneIpGetAtMostFourSlotsOfARealDaemon() throws Exception {
        final List<DaemonProcess> daemons = new ArrayList<>();
        try (DaemonProcess guarded = new DaemonProcess(tmp.resolve("guarded"), "127.0.10.1", DaemonProcess.freePort(),
                 new ArrayList<>(List.of("--link-discovery", "off")));
             DaemonProcess open = new DaemonProcess(tmp.resolve("open"), "127.0.10.2", DaemonProcess.freePort(),
                 new ArrayList<>(List.of("--link-discovery", "off", "--contacts-per-ip", "0", "--contacts-per-ip-per-bucket", "0")));
             Selector selector = Selector.open()) {
            daemons.add(guarded.start());
            daemons.add(open.start());
            for (final DaemonProcess d : daemons) {
                d.awaitReady(READY_MS);
            }
            final List<InetSocketAddress> targets = new ArrayList<>();
            for (final DaemonProcess d : daemons) {
                targets.add(new InetSocketAddress(InetAddress.getByName(d.host), d.port));
            }
            final List<Peer> honest = new ArrayList<>();
            for (int i = 1; i <= HONEST; i++) {
                honest.add(peer("127.0.11." + i, selector));
            }
            final List<Peer> sybils = new ArrayList<>();
            for (int i = 0; i < SYBILS; i++) {
                sybils.add(peer(SYBIL_IP, selector));
            }
            final Thread answering = Thread.ofPlatform().daemon().name("fake-peers").start(() -> answer(selector));
            try {
                for (final Peer p : honest) {
                    introduce(p, targets);
                }
                for (final DaemonProcess d : daemons) {
                    DaemonProcess.eventually(d.host + " knows the " + HONEST + " honest peers", 30_000,
                        () -> held(d, "127.0.11.") == HONEST);
                }
                for (int i = 0; i < SYBILS; i++) {
                    introduce(sybils.get(i), targets);
                    if (i % 20 == 19) {
                        Thread.sleep(500); // 40 PINGs a second per daemon: under the per-IP budget of 50
                    }
                }
                // Every introduction is answered and verified within a few round trips; the control's count stops growing.
                int last = -1;
                for (int round = 0; round < 30; round++) {
                    Thread.sleep(1_000);
                    final int now = held(open, SYBIL_IP);
                    if (now == last) {
                        break;
                    }
                    last = now;
                }
                final int guardedSybils = held(guarded, SYBIL_IP);
                final int guardedHonest = held(guarded, "127.0.11.");
                final int openSybils = held(open, SYBIL_IP);
                final int openHonest = held(open, "127.0.11.");
                final long refused = counter(guarded, "contacts_refused_ip_limit");
                System.out.printf("sybil flood on real daemons: default limits hold %d sybils + %d honest (refused %d); "
                    + "no per-IP limit holds %d sybils + %d honest%n", guardedSybils, guardedHonest, refused, openSybils, openHonest);
                assertTrue(guardedSybils <= 4, "the attacker got " + guardedSybils + " slots");
                assertEquals(HONEST, guardedHonest, "every honest peer kept");
                assertTrue(refused > 0, "refusals counted");
                assertTrue(openSybils >= 40, "control: without the per-IP limit the attacker got only " + openSybils + " slots");
                assertEquals(HONEST, openHonest, "control: every honest peer kept");
            } finally {
                answering.interrupt();
                for (final SelectionKey k : selector.keys()) {
                    k.channel().close();
                }
            }
            for (final DaemonProcess d : daemons) {
                assertEquals(0, d.terminate(10_000), d.logText());
            }
        }
    }

    private static Peer peer(final String ip, final Selector selector) throws IOException {
        final DatagramChannel c = DatagramChannel.open();
        c.bind(new InetSocketAddress(InetAddress.getByName(ip), 0));
        c.configureBlocking(false);
        final Peer p = new Peer(c, NodeId.random());
        c.register(selector, SelectionKey.OP_READ, p);
        return p;
    }

    /** A PING from {@code p} to each daemon: the daemon answers and verifies the new sender with a PING of its own. */
    private static void introduce(final Peer p, final List<InetSocketAddress> targets) throws IOException {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[64]);
        final int n = new PingFlyweight().wrap(b, 0).encode();
        for (final InetSocketAddress t : targets) {
            new HeaderFlyweight().wrap(b, 0).encode(MessageType.PING, 0, System.nanoTime(), p.id());
            p.channel().send(ByteBuffer.wrap(b.byteArray(), 0, n), t);
        }
    }

    /**
     * The fake peers' side, as honest nodes would answer: PONG to a PING, an empty NODES to FIND_NODE and
     * FIND_VALUE (so no request of the daemon times out and counts as a failure of the contact).
     */
    private static void answer(final Selector selector) {
        final ByteBuffer in = ByteBuffer.allocate(65_536);
        final UnsafeBuffer view = new UnsafeBuffer(in.array());
        final UnsafeBuffer out = new UnsafeBuffer(new byte[128]);
        final HeaderFlyweight h = new HeaderFlyweight();
        try {
            while (!Thread.currentThread().isInterrupted()) {
                selector.select(100);
                for (final SelectionKey key : selector.selectedKeys()) {
                    final Peer p = (Peer) key.attachment();
                    in.clear();
                    final SocketAddress from = p.channel().receive(in);
                    if (from == null || in.position() < HeaderFlyweight.LENGTH) {
                        continue;
                    }
                    h.wrap(view, 0);
                    final int n;
                    final int type;
                    if (h.type() == MessageType.PING) {
                        final InetSocketAddress f = (InetSocketAddress) from;
                        n = new PongFlyweight().wrap(out, 0).encode(f.getAddress().getAddress(), f.getPort());
                        type = MessageType.PONG;
                    } else if (h.type() == MessageType.FIND_NODE || h.type() == MessageType.FIND_VALUE) {
                        n = new NodesFlyweight().wrap(out, 0).encode(0, 0, 0);
                        type = MessageType.NODES;
                    } else {
                        continue;
                    }
                    new HeaderFlyweight().wrap(out, 0).encode(type, 0, h.transactionId(), p.id());
                    p.channel().send(ByteBuffer.wrap(out.byteArray(), 0, n), from);
                }
                selector.selectedKeys().clear();
            }
        } catch (final IOException | java.nio.channels.ClosedSelectorException e) {
            // the test closed the sockets: done
        }
    }

    /** Contacts of {@code d}'s routing table whose address starts with {@code ipPrefix}, read by {@code chisme peers --json}. */
    private static int held(final DaemonProcess d, final String ipPrefix) {
        final CliRunner.Result r = CliRunner.run("peers", "--json", "--data", d.dataDir.toString());
        assertEquals(0, r.code(), r.toString());
        int n = 0;
        for (final Object o : JsonTree.array(r.out().trim())) {
            @SuppressWarnings("unchecked") final Map<String, Object> p = (Map<String, Object>) o;
            n += String.valueOf(p.get("address")).startsWith(ipPrefix) ? 1 : 0;
        }
        return n;
    }

    private static long counter(final DaemonProcess d, final String name) {
        final CliRunner.Result r = CliRunner.run("stats", "--json", "--data", d.dataDir.toString());
        assertEquals(0, r.code(), r.toString());
        final Map<String, Object> stats = new HashMap<>(JsonTree.object(r.out().trim()));
        final Object v = stats.get(name);
        return v instanceof Number num ? num.longValue() : -1;
    }
}
