package chisme.node.sim;

import chisme.node.event.EventLog;
import chisme.node.kademlia.KademliaConfig;
import chisme.node.kademlia.KademliaEngine;
import chisme.node.kademlia.LookupResult;
import chisme.node.metrics.CounterId;
import chisme.node.metrics.Counters;
import chisme.node.routing.Contact;
import chisme.node.routing.ContactLimits;
import chisme.node.rpc.Dispatcher;
import chisme.node.rpc.RpcConfig;
import chisme.store.InMemoryTupleStore;
import chisme.store.StoreStatus;
import chisme.store.Tuple;
import chisme.store.TupleMeta;
import chisme.store.TupleStore;
import chisme.wire.MessageFlyweight;
import chisme.wire.MessageType;
import chisme.wire.NodeId;
import chisme.wire.NodesFlyweight;
import chisme.wire.PongFlyweight;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12 item 7 on the simulator, each attack with its control (the same attack on nodes without the
 * limits): 300 Sybil ids from one IP, an eclipse of one key by 25 ids next to SHA-1(V) from one IP, and a
 * peer whose NODES replies name fake contacts. Each test states what the attacker got and what honest
 * traffic still got.
 */
class SybilResistanceTest {
    private static final KademliaConfig PROTECTED = new KademliaConfig().rpcTimeoutMs(1_000);
    private static final KademliaConfig UNPROTECTED = new KademliaConfig().rpcTimeoutMs(1_000)
        .contactLimits(ContactLimits.NONE).lookupMaxPerIp(Integer.MAX_VALUE).lookupMaxPerPrefix(Integer.MAX_VALUE);
    /** The defences with only the lookup's per-prefix rule off: the control of the one-subnet eclipse. */
    private static final KademliaConfig NO_PREFIX_RULE = new KademliaConfig().rpcTimeoutMs(1_000)
        .lookupMaxPerPrefix(Integer.MAX_VALUE);

    private final SplittableRandom random = new SplittableRandom(1207);

    private static InetSocketAddress at(final String ip, final int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (final UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Node(KademliaEngine engine, SimNetwork.Host host) {
        void run(final Runnable task) {
            host.execute(task);
        }
    }

    private Node node(final SimNetwork net, final SimNetwork.Host host, final KademliaConfig config, final NodeId id,
                      final TupleStore store) {
        final KademliaEngine e = new KademliaEngine(config, host.nodeHost(id, random.split(), config.conclude().rpc()), store,
            new EventLog(16));
        host.execute(e::start);
        return new Node(e, host);
    }

    private Node honest(final SimNetwork net, final KademliaConfig config) {
        return honest(net, net.addHost(), config);
    }

    private Node honest(final SimNetwork net, final SimNetwork.Host host, final KademliaConfig config) {
        return node(net, host, config, NodeId.random(random), InMemoryTupleStore.withCapacity(1_000, 65_536));
    }

    private static void join(final SimNetwork net, final Node n, final Node via) {
        final boolean[] done = {false};
        n.run(() -> n.engine().join(List.of(via.engine().localAddress()), size -> done[0] = true));
        net.runWhile(() -> !done[0], net.nowMs() + 120_000, 10_000_000);
    }

    private static int heldAt(final KademliaEngine e, final InetAddress ip) {
        int n = 0;
        for (final Contact c : e.table().snapshot()) {
            n += c.address().getAddress().equals(ip) ? 1 : 0;
        }
        return n;
    }

    // ---------------------------------------------------------------- 300 Sybil ids from one IP

    /** 30 honest nodes, then 300 ids at 127.0.66.6 each introducing itself to the victim; returns {sybils, honest} held. */
    private int[] sybilFlood(final KademliaConfig config) {
        final SimNetwork net = new SimNetwork(12, 2, 10, 0.0);
        final Node victim = honest(net, config);
        final List<Node> others = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            final Node n = honest(net, config);
            join(net, n, victim);
            others.add(n);
        }
        net.runUntil(net.nowMs() + 10_000);
        final int honestBefore = victim.engine().table().size();
        for (int i = 0; i < 300; i++) {
            final Node s = node(net, net.addHost(at("127.0.66.6", 5000 + i)), config, NodeId.random(random),
                InMemoryTupleStore.withCapacity(10, 1_000));
            s.run(() -> s.engine().identify(victim.engine().localAddress(), id -> {
            }));
            if (i % 20 == 19) {
                net.runUntil(net.nowMs() + 3_000); // the victim verifies at most 64 senders at once
            }
        }
        net.runUntil(net.nowMs() + 10_000);
        final int sybils = heldAt(victim.engine(), at("127.0.66.6", 1).getAddress());
        final int honestAfter = victim.engine().table().size() - sybils;
        assertEquals(honestBefore, honestAfter, "honest contacts kept");
        return new int[] {sybils, honestAfter};
    }

    @Test
    void threeHundredSybilIdsFromOneIpGetAFewSlots() {
        final int[] guarded = sybilFlood(PROTECTED);
        final int[] open = sybilFlood(UNPROTECTED);
        System.out.printf("sybil flood: protected table holds %d sybils + %d honest; without limits %d sybils + %d honest%n",
            guarded[0], guarded[1], open[0], open[1]);
        assertTrue(guarded[0] <= 4, "the attacker got " + guarded[0] + " slots");
        assertTrue(open[0] >= 40, "control: without limits the attacker got only " + open[0] + " slots");
    }

    // ---------------------------------------------------------------- eclipse of one key

    /** A store that says OK to every STORE and keeps nothing: an attacker swallowing the copies it is given. */
    private static final class BlackHole implements TupleStore {
        @Override
        public StoreStatus put(final Tuple tuple) {
            return StoreStatus.OK;
        }

        @Override
        public StoreStatus put(final long hi, final long mid, final int lo, final DirectBuffer value, final int offset,
                               final int length, final long pHi, final long pMid, final int pLo, final long publishedAtMs,
                               final long expiresAtMs, final boolean original, final long lastStoreReceivedMs) {
            return StoreStatus.OK;
        }

        @Override
        public Tuple get(final NodeId key) {
            return null;
        }

        @Override
        public int getValue(final long hi, final long mid, final int lo, final long nowMs, final MutableDirectBuffer dst,
                            final int offset) {
            return -1;
        }

        @Override
        public int getValue(final long hi, final long mid, final int lo, final long nowMs, final MutableDirectBuffer dst,
                            final int offset, final TupleMeta meta) {
            return -1;
        }

        @Override
        public boolean readMeta(final long hi, final long mid, final int lo, final TupleMeta meta) {
            return false;
        }

        @Override
        public boolean remove(final NodeId key) {
            return false;
        }

        @Override
        public void forEach(final Consumer<Tuple> action) {
        }

        @Override
        public int expire(final long nowMs) {
            return 0;
        }

        @Override
        public int size() {
            return 0;
        }

        @Override
        public int maxValueBytes() {
            return 65_536;
        }

        @Override
        public void close() {
        }
    }

    /** Honest copies of V after the publish, and whether a get from another honest node found it. */
    private record Eclipse(int honestCopies, boolean found) {
    }

    /** Where the honest nodes (the i-th; null: the simulator's next 127.0.0.x) and the attacker's i-th id sit. */
    private record Layout(java.util.function.IntFunction<InetSocketAddress> honest, java.util.function.IntFunction<InetSocketAddress> attacker) {
        SimNetwork.Host honestHost(final SimNetwork net, final int i) {
            final InetSocketAddress a = honest.apply(i);
            return a == null ? net.addHost() : net.addHost(a);
        }
    }

    /** The simulator's default: honest nodes 127.0.0.x (one /24), the attacker's 25 ids at one IP. */
    private static final Layout ONE_IP = new Layout(i -> null, i -> at("127.0.66.6", 5000 + i));
    /** Honest nodes each in its own /24 (as LibreMesh's 10.13.x.y spread), the attacker's ids at 25 IPs of one /24. */
    private static final Layout ONE_SUBNET = new Layout(i -> at("127.1." + i + ".1", 4000), i -> at("127.0.66." + (i + 1), 5000));
    /** The honest nodes too in one /24 (127.0.0.x), the attacker's ids at 25 IPs of another /24. */
    private static final Layout TWO_SUBNETS = new Layout(i -> null, i -> at("127.0.66." + (i + 1), 5000));

    private Eclipse eclipse(final KademliaConfig config) {
        return eclipse(config, ONE_IP);
    }

    private Eclipse eclipse(final KademliaConfig config, final Layout layout) {
        final SimNetwork net = new SimNetwork(13, 2, 10, 0.0);
        final List<Node> honest = new ArrayList<>();
        honest.add(honest(net, layout.honestHost(net, 0), config));
        for (int i = 1; i < 40; i++) {
            final Node n = honest(net, layout.honestHost(net, i), config);
            join(net, n, honest.get(random.nextInt(honest.size())));
            honest.add(n);
        }
        final byte[] value = "the value the attacker wants gone".getBytes();
        final NodeId key = NodeId.sha1(value);
        for (int i = 0; i < 25; i++) {
            // Ids that differ from SHA-1(V) only in the last bits: nearer to the key than any honest node.
            final Node s = node(net, net.addHost(layout.attacker().apply(i)), config,
                new NodeId(key.hi(), key.mid(), key.lo() ^ (i + 1)), new BlackHole());
            join(net, s, honest.get(random.nextInt(honest.size())));
        }
        net.runUntil(net.nowMs() + 30_000);
        final Node publisher = honest.get(1);
        final int[] copies = {-1};
        publisher.run(() -> publisher.engine().publish(value, (local, c) -> copies[0] = c));
        net.runWhile(() -> copies[0] < 0, net.nowMs() + 120_000, 10_000_000);
        int held = 0;
        Node asker = null;
        for (final Node n : honest) {
            if (n != publisher && n.engine().store().get(key) != null) {
                held++;
            } else if (n != publisher && asker == null) {
                asker = n;
            }
        }
        final Node from = asker;
        final LookupResult[] got = new LookupResult[1];
        from.run(() -> from.engine().lookup(key, true, r -> got[0] = r));
        net.runWhile(() -> got[0] == null, net.nowMs() + 120_000, 10_000_000);
        return new Eclipse(held, got[0] != null && got[0].found());
    }

    @Test
    void twentyFiveIdsNextToAKeyFromOneIpCannotEclipseIt() {
        final Eclipse guarded = eclipse(PROTECTED);
        final Eclipse open = eclipse(UNPROTECTED);
        System.out.printf("eclipse: protected %d honest copies, get %s; without limits %d honest copies, get %s%n",
            guarded.honestCopies(), guarded.found() ? "found" : "failed", open.honestCopies(), open.found() ? "found" : "failed");
        assertTrue(guarded.honestCopies() >= 10, "only " + guarded.honestCopies() + " honest nodes got V");
        assertTrue(guarded.found(), "the get of V failed");
        assertTrue(open.honestCopies() <= 2, "control: without limits " + open.honestCopies() + " honest nodes got V");
    }

    @Test
    void twentyFiveIdsNextToAKeyFromOneSubnetCannotEclipseIt() {
        // 25 addresses of one /24: the per-IP cap does not apply, the lookup's per-prefix rule does.
        final Eclipse guarded = eclipse(PROTECTED, ONE_SUBNET);
        final Eclipse open = eclipse(NO_PREFIX_RULE, ONE_SUBNET);
        // The simulator's default layout puts the honest nodes in one /24 too: the two prefixes share the k places.
        final Eclipse shared = eclipse(PROTECTED, TWO_SUBNETS);
        System.out.printf("eclipse from one /24: protected %d honest copies, get %s; honest nodes in one /24 too: %d honest "
                + "copies, get %s; without the prefix rule %d honest copies, get %s%n", guarded.honestCopies(),
            guarded.found() ? "found" : "failed", shared.honestCopies(), shared.found() ? "found" : "failed",
            open.honestCopies(), open.found() ? "found" : "failed");
        final int perPrefix = PROTECTED.lookupMaxPerPrefix();
        assertTrue(guarded.honestCopies() >= PROTECTED.k() - perPrefix - 1,
            "only " + guarded.honestCopies() + " honest nodes got V (the subnet may take " + perPrefix + " of k)");
        assertTrue(guarded.found(), "the get of V failed");
        assertTrue(shared.honestCopies() >= 8, "two subnets: only " + shared.honestCopies() + " honest nodes got V");
        assertTrue(shared.found(), "two subnets: the get of V failed");
        assertTrue(open.honestCopies() <= 2, "control: without the prefix rule " + open.honestCopies() + " honest nodes got V");
        assertTrue(!open.found(), "control: without the prefix rule the get still found V");
    }

    // ---------------------------------------------------------------- fake contacts in NODES replies

    /** Datagrams each fake destination received, and the querier's counters. */
    private record FakeContacts(int toVictim, int toJunk, int liarReplies, Counters counters) {
    }

    private FakeContacts fakeContacts(final KademliaConfig config) {
        final SimNetwork net = new SimNetwork(14, 2, 10, 0.0);
        // The victim: 16 ports of one address the liar wants flooded. Junk: addresses never to be sent to.
        final int[] toVictim = {0};
        final int[] toJunk = {0};
        final List<InetSocketAddress> victims = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            final InetSocketAddress v = at("127.0.88.8", 6000 + i);
            net.addHost(v).start((b, o, l, s) -> toVictim[0]++);
            victims.add(v);
        }
        final List<InetSocketAddress> junk = List.of(at("224.0.0.1", 4000), at("255.255.255.255", 4000), at("0.0.0.0", 4000));
        for (final InetSocketAddress j : junk) {
            net.addHost(j).start((b, o, l, s) -> toJunk[0]++);
        }
        // The liar answers PING with PONG and every FIND_* with NODES naming the victims and the junk.
        final SimNetwork.Host liarHost = net.addHost();
        final NodeId liarId = NodeId.random(random);
        final Dispatcher liar = new Dispatcher(liarId, liarHost, liarHost, net.clock(), new Counters(), random.split(), RpcConfig.DEFAULT);
        liar.registerRequestHandler(MessageType.PING, (h, b, o, l, src, r) ->
            r.reply(MessageType.PONG, new PongFlyweight().wrap(r.buffer(), 0).encode(src.getAddress().getAddress(), src.getPort())
                - MessageFlyweight.BODY_OFFSET));
        final int[] replies = {0};
        final NodesReply reply = (src, r) -> {
            final NodesFlyweight out = new NodesFlyweight().wrap(r.buffer(), 0);
            final int length = out.encode(1, victims.size() + junk.size() + 1, 0);
            int i = 0;
            final SplittableRandom ids = new SplittableRandom(99);
            for (final InetSocketAddress v : victims) {
                final NodeId id = NodeId.random(ids);
                out.putContact(i++, id.hi(), id.mid(), id.lo(), v.getAddress().getAddress(), v.getPort());
            }
            for (final InetSocketAddress j : junk) {
                final NodeId id = NodeId.random(ids);
                out.putContact(i++, id.hi(), id.mid(), id.lo(), j.getAddress().getAddress(), j.getPort());
            }
            final NodeId id = NodeId.random(ids);
            out.putContact(i, id.hi(), id.mid(), id.lo(), victims.get(0).getAddress().getAddress(), 0); // port 0
            if (r.reply(MessageType.NODES, length - MessageFlyweight.BODY_OFFSET)) {
                replies[0]++; // sent: not refused by the amplification guard (issue 12 item 5)
            }
        };
        // A NODES reply is over 3x its request: the liar must first prove the querier's address, as a node does
        // (KademliaEngine pings unproven requesters); the querier's tracker then asks again.
        liar.onUnprovenRequester(addr -> liar.tracker().call(addr, MessageType.PING, 0, 1_000, new chisme.node.rpc.ResponseListener() {
            @Override
            public void onResponse(final chisme.wire.HeaderFlyweight h, final DirectBuffer b, final int o, final int l,
                                   final InetSocketAddress s) {
            }

            @Override
            public void onTimeout() {
            }
        }));
        liar.registerRequestHandler(MessageType.FIND_NODE, (h, b, o, l, src, r) -> reply.answer(src, r));
        liar.registerRequestHandler(MessageType.FIND_VALUE, (h, b, o, l, src, r) -> reply.answer(src, r));
        liarHost.execute(liar::start);
        final Node querier = honest(net, config);
        final NodeId[] identified = new NodeId[1];
        querier.run(() -> querier.engine().identify(liarHost.localAddress(), id -> identified[0] = id));
        net.runUntil(net.nowMs() + 5_000);
        assertEquals(liarId, identified[0]);
        final LookupResult[] got = new LookupResult[1];
        querier.run(() -> querier.engine().lookup(NodeId.random(random), true, r -> got[0] = r));
        net.runWhile(() -> got[0] == null, net.nowMs() + 120_000, 10_000_000);
        net.runUntil(net.nowMs() + 5_000);
        return new FakeContacts(toVictim[0], toJunk[0], replies[0], querier.engine().counters());
    }

    @FunctionalInterface
    private interface NodesReply {
        void answer(InetSocketAddress source, chisme.node.rpc.Responder r);
    }

    @Test
    void fakeContactsInNodesRepliesAreFilteredAndCapped() {
        final FakeContacts guarded = fakeContacts(PROTECTED);
        final FakeContacts open = fakeContacts(UNPROTECTED);
        System.out.printf("fake contacts: protected %d lying replies, %d requests to the victim IP, %d to junk, %d unroutable dropped, "
                + "%d capped; without the per-IP cap %d lying replies, %d requests to the victim IP%n", guarded.liarReplies(),
            guarded.toVictim(), guarded.toJunk(),
            guarded.counters().get(CounterId.LOOKUP_CONTACTS_UNROUTABLE), guarded.counters().get(CounterId.LOOKUP_CONTACTS_IP_CAPPED),
            open.liarReplies(), open.toVictim());
        // Each lookup that asks the liar (ours, and the merge watch's self-lookup when the liar entered the
        // table) gets one lying reply.
        // The merge watch's probe (one FIND_NODE to a newcomer, issue 11) also gets a lying reply; it is read by
        // the merge watch, not by a lookup, so it counts in neither lookup counter below.
        final int lies = guarded.liarReplies() - (int) guarded.counters().get(CounterId.MERGE_PROBES);
        assertTrue(lies >= 1);
        assertEquals(0, guarded.toJunk(), "multicast, broadcast and 0.0.0.0 never queried");
        assertEquals(4L * lies, guarded.counters().get(CounterId.LOOKUP_CONTACTS_UNROUTABLE), "3 junk addresses + 1 port 0 per reply, counted");
        assertTrue(guarded.toVictim() >= 1 && guarded.toVictim() <= 2 * lies, "victim IP got " + guarded.toVictim() + " requests");
        assertEquals(14L * lies, guarded.counters().get(CounterId.LOOKUP_CONTACTS_IP_CAPPED), "16 victim ports, 2 kept per lookup");
        assertTrue(open.toVictim() >= 10, "control: without the cap the victim IP got only " + open.toVictim());
        assertEquals(0, open.toJunk(), "junk is filtered with or without the cap");
    }
}
