package chisme.node.sim;

import chisme.node.event.EventLog;
import chisme.node.kademlia.ContactInfo;
import chisme.node.kademlia.ContactsFile;
import chisme.node.kademlia.JoinResolver;
import chisme.node.kademlia.JoinState;
import chisme.node.kademlia.KademliaConfig;
import chisme.node.kademlia.KademliaEngine;
import chisme.node.metrics.CounterId;
import chisme.node.metrics.Counters;
import chisme.store.InMemoryTupleStore;
import chisme.store.StoreStatus;
import chisme.wire.NodeId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bootstrap that never gives up (issue 11): retries with backoff, late PONGs, discovered candidates, publishes while alone. */
class BootstrapTest {
    private final SplittableRandom random = new SplittableRandom(5);

    private KademliaEngine engine(final SimNetwork net, final SimNetwork.Host host, final KademliaConfig config) {
        final SplittableRandom r = random.split();
        return new KademliaEngine(config, host.nodeHost(NodeId.random(r), r, config.conclude().rpc()),
            InMemoryTupleStore.withCapacity(1_000, config.maxValueBytes()), new EventLog(100));
    }

    @Test
    void retriesWithBackoffUntilTheBootstrapNodeComesUp() {
        final SimNetwork net = new SimNetwork(1, 5, 20, 0);
        final SimNetwork.Host ha = net.addHost();
        final SimNetwork.Host hb = net.addHost();
        final KademliaEngine a = engine(net, ha, new KademliaConfig());
        final KademliaEngine b = engine(net, hb, new KademliaConfig());
        final List<Long> attemptTimes = new ArrayList<>();
        ha.execute(() -> {
            a.start();
            a.bootstrap(JoinResolver.of(List.of(hb.localAddress())), List.of());
        });
        // b is not running for the first 60 s: its datagrams are dropped.
        hb.schedule(60_000, b::start);
        long lastAttempts = 0;
        while (net.nowMs() < 60_000) {
            net.runUntil(net.nowMs() + 100);
            final long n = a.counters().get(CounterId.JOIN_ATTEMPTS);
            if (n != lastAttempts) {
                attemptTimes.add(net.nowMs());
                lastAttempts = n;
            }
        }
        final JoinState retrying = a.joinState();
        assertEquals(JoinState.Phase.RETRYING, retrying.phase(), retrying.toString());
        assertTrue(retrying.nextAttemptAtMs() > net.nowMs(), "next attempt scheduled: " + retrying);
        assertTrue(retrying.lastFailure().contains("no contact answered"), retrying.lastFailure());
        // 1 s doubling (plus up to half in jitter), each attempt waiting the 5 s first-contact timeout: 5-7 attempts in 60 s.
        assertTrue(attemptTimes.size() >= 4 && attemptTimes.size() <= 8, "attempts at " + attemptTimes);
        for (int i = 2; i < attemptTimes.size(); i++) {
            assertTrue(attemptTimes.get(i) - attemptTimes.get(i - 1) > attemptTimes.get(i - 1) - attemptTimes.get(i - 2) - 1_000,
                "gaps grow: " + attemptTimes);
        }
        net.runUntil(net.nowMs() + 200_000);
        final JoinState joined = a.joinState();
        assertEquals(JoinState.Phase.JOINED, joined.phase(), joined.toString());
        assertEquals(1, a.table().size());
        assertEquals(1, b.table().size(), "b learnt a from the join");
    }

    /** Issue 12 item 7 for the join's sources: saved contacts and discovered neighbours that are not routable unicast are never pinged. */
    @Test
    void unroutableSavedContactsAndCandidatesAreDroppedBeforeUse() throws Exception {
        final SimNetwork net = new SimNetwork(1, 5, 20, 0);
        final SimNetwork.Host ha = net.addHost();
        final SimNetwork.Host hb = net.addHost();
        final KademliaEngine a = engine(net, ha, new KademliaConfig());
        final KademliaEngine b = engine(net, hb, new KademliaConfig());
        final List<InetSocketAddress> saved = List.of(
            new InetSocketAddress(java.net.InetAddress.getByName("224.0.0.1"), 4000),
            new InetSocketAddress(java.net.InetAddress.getByName("0.0.0.0"), 4000),
            new InetSocketAddress(java.net.InetAddress.getByName("255.255.255.255"), 4000),
            new InetSocketAddress(java.net.InetAddress.getByName("10.1.2.3"), 0),
            hb.localAddress());
        final InetSocketAddress multicast = new InetSocketAddress(java.net.InetAddress.getByName("239.1.2.3"), 4000);
        hb.execute(b::start);
        ha.execute(() -> {
            a.start();
            a.bootstrap(JoinResolver.NONE, saved);
            a.offerCandidate(multicast);
        });
        net.runUntil(net.nowMs() + 30_000);
        assertEquals(JoinState.Phase.JOINED, a.joinState().phase(), a.joinState().toString());
        assertEquals(4, a.counters().get(CounterId.SEEDS_UNROUTABLE), "multicast, unspecified, broadcast and port 0 saved contacts dropped");
        assertEquals(1, a.counters().get(CounterId.CANDIDATES_DROPPED), "a multicast candidate dropped");
        assertEquals(0, net.droppedDatagrams(), "nothing was sent to an address that is not a node");
    }

    @Test
    void aPongLaterThanTheRpcTimeoutStillJoins() {
        // 1.5 s each way: the PONG comes 3 s after the PING, later than the 2 s RPC timeout that used to drop it.
        final SimNetwork net = new SimNetwork(2, 1_500, 1_500, 0);
        final SimNetwork.Host ha = net.addHost();
        final SimNetwork.Host hb = net.addHost();
        final KademliaEngine a = engine(net, ha, new KademliaConfig());
        final KademliaEngine b = engine(net, hb, new KademliaConfig());
        hb.execute(b::start);
        ha.execute(() -> {
            a.start();
            a.bootstrap(JoinResolver.of(List.of(hb.localAddress())), List.of());
        });
        net.runUntil(20_000);
        assertEquals(JoinState.Phase.JOINED, a.joinState().phase(), a.joinState().toString());
        // The first attempt joined: none failed, joined within its 5 s first-contact timeout plus the self-lookup.
        // (Later attempts are top-ups: with fewer than k contacts the node keeps looking itself up, backing off.)
        assertEquals(0, a.counters().get(CounterId.JOIN_ATTEMPTS_FAILED), a.joinState().toString());
        assertTrue(a.joinState().joinedAtMs() > 0 && a.joinState().joinedAtMs() < 10_000, a.joinState().toString());
    }

    @Test
    void aLoneNodeWaitsForACandidateAndItsPublishReachesTheNetworkOnceJoined() {
        final SimNetwork net = new SimNetwork(3, 5, 20, 0);
        final SimNetwork.Host ha = net.addHost();
        final SimNetwork.Host hb = net.addHost();
        final KademliaEngine a = engine(net, ha, new KademliaConfig());
        final KademliaEngine b = engine(net, hb, new KademliaConfig());
        hb.execute(b::start);
        final byte[] value = "published while alone".getBytes();
        final StoreStatus[] local = new StoreStatus[1];
        final int[] copies = {-1};
        ha.execute(() -> {
            a.start();
            a.bootstrap(JoinResolver.NONE, List.of());
            a.publish(value, (l, c) -> {
                local[0] = l;
                copies[0] = c;
            });
        });
        net.runUntil(10_000);
        assertEquals(StoreStatus.OK, local[0]);
        assertEquals(0, copies[0], "alone: no remote copy, and it says so");
        assertEquals(JoinState.Phase.ALONE, a.joinState().phase(), a.joinState().toString());
        // Discovery offers b (and junk: our own address, twice the same address).
        ha.execute(() -> {
            a.offerCandidate(ha.localAddress());
            a.offerCandidate(hb.localAddress());
            a.offerCandidate(hb.localAddress());
        });
        net.runUntil(20_000);
        assertEquals(JoinState.Phase.JOINED, a.joinState().phase(), a.joinState().toString());
        assertEquals(3, a.counters().get(CounterId.CANDIDATES_OFFERED));
        assertEquals(2, a.counters().get(CounterId.CANDIDATES_DROPPED), "own address and the duplicate dropped");
        assertNotNull(b.store().get(NodeId.sha1(value)), "the original reached b once a joined");
        assertEquals(1, a.counters().get(CounterId.UNSTORED_ORIGINALS_RESTORED));
    }

    @Test
    void savedContactsNeverShrinkOnAFailedJoin(@TempDir final Path dir) throws Exception {
        final List<ContactInfo> good = new ArrayList<>();
        for (int i = 1; i <= 19; i++) {
            good.add(new ContactInfo(NodeId.random(random), new InetSocketAddress("127.0.0." + i, 4200), 0, 0, 0));
        }
        ContactsFile.save(dir, good);
        assertEquals(19, ContactsFile.load(dir).size());
        // A restart while every neighbour is down: the table is empty when the node saves.
        ContactsFile.save(dir, List.of());
        assertEquals(19, ContactsFile.load(dir).size(), "the 19 lines that answered before are kept");
        // Something new answers: it comes first, the old lines stay after it.
        final ContactInfo fresh = new ContactInfo(NodeId.random(random), new InetSocketAddress("127.0.0.100", 4200), 0, 0, 0);
        ContactsFile.save(dir, List.of(fresh, good.get(3)));
        final List<InetSocketAddress> after = ContactsFile.load(dir);
        assertEquals(20, after.size());
        assertEquals(fresh.address(), after.get(0));
        assertEquals(20, Files.readAllLines(dir.resolve("contacts")).size(), "no duplicate lines");
    }
}
