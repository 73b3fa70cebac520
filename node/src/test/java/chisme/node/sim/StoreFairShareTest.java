package chisme.node.sim;

import chisme.node.event.EventLog;
import chisme.node.kademlia.KademliaConfig;
import chisme.node.kademlia.KademliaEngine;
import chisme.node.metrics.CounterId;
import chisme.store.InMemoryTupleStore;
import chisme.store.StoreStatus;
import chisme.wire.NodeId;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12 item 6 on the simulator: one source (a host) STOREs far more values at a node than its share of
 * the node's remote store space; honest sources and the node's own publishes must still store. The control
 * is the same attack on a node with the per-prefix share off (only the local-write reserve left).
 * <p>
 * Five nodes, so every publish goes to all of them (k = 20): the victim (a store of 100 values: 80 for remote
 * STOREs, 20 per source prefix at the default quarter), the attacker at one IP, and three honest publishers.
 */
class StoreFairShareTest {
    private static final int VICTIM_CAPACITY = 100;
    private static final int ATTACKER_VALUES = 120;
    private static final int HONEST_VALUES = 15;
    private static final int LOCAL_VALUES = 10;

    private final SplittableRandom random = new SplittableRandom(1206);

    private record Node(KademliaEngine engine, SimNetwork.Host host) {
    }

    /** Values at the victim published by the attacker, by honest nodes, and the victim's own publishes that stored. */
    private record Outcome(int attackerHeld, int honestHeld, int localStored, long refusedForShare) {
    }

    private static InetSocketAddress at(final String ip, final int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (final UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private Node node(final SimNetwork.Host host, final KademliaConfig config, final int capacity) {
        final KademliaEngine e = new KademliaEngine(config, host.nodeHost(NodeId.random(random), random.split(), config.conclude().rpc()),
            InMemoryTupleStore.withCapacity(capacity, 1_024), new EventLog(16));
        host.execute(e::start);
        return new Node(e, host);
    }

    private static void join(final SimNetwork net, final Node n, final Node via) {
        final boolean[] done = {false};
        n.host().execute(() -> n.engine().join(List.of(via.engine().localAddress()), size -> done[0] = true));
        net.runWhile(() -> !done[0], net.nowMs() + 60_000, 10_000_000);
    }

    /**
     * Publishes {@code count} distinct values from {@code n}, one after the other (all at once would also meet the
     * victim's per-IP request budget, a different defence); returns how many the local store accepted.
     */
    private static int publish(final SimNetwork net, final Node n, final String tag, final int count) {
        int local = 0;
        for (int i = 0; i < count; i++) {
            final byte[] value = (tag + " value " + i).getBytes(StandardCharsets.UTF_8);
            final StoreStatus[] status = new StoreStatus[1];
            n.host().execute(() -> n.engine().publish(value, (s, copies) -> status[0] = s));
            net.runWhile(() -> status[0] == null, net.nowMs() + 60_000, 10_000_000);
            assertTrue(status[0] != null, tag + ": publish " + i + " ended");
            local += status[0] == StoreStatus.OK ? 1 : 0;
        }
        return local;
    }

    private Outcome attack(final double share) {
        final KademliaConfig config = new KademliaConfig().rpcTimeoutMs(1_000).remoteStoreSharePerPrefix(share);
        final SimNetwork net = new SimNetwork(21, 2, 10, 0.0);
        final Node victim = node(net.addHost(), config, VICTIM_CAPACITY);
        final Node attacker = node(net.addHost(at("127.0.66.6", 5000)), config, 10_000);
        join(net, attacker, victim);
        final List<Node> honest = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            final Node h = node(net.addHost(), config, 10_000);
            join(net, h, victim);
            honest.add(h);
        }
        net.runUntil(net.nowMs() + 10_000);
        publish(net, attacker, "attacker", ATTACKER_VALUES);
        for (int i = 0; i < honest.size(); i++) {
            publish(net, honest.get(i), "honest " + i, HONEST_VALUES);
        }
        final int localStored = publish(net, victim, "victim", LOCAL_VALUES);
        final NodeId attackerId = attacker.engine().localId();
        final int[] held = {0, 0};
        victim.engine().store().forEach(t -> {
            if (t.publisher().equals(attackerId)) {
                held[0]++;
            } else if (!t.original()) {
                held[1]++;
            }
        });
        return new Outcome(held[0], held[1], localStored, victim.engine().counters().get(CounterId.STORE_REFUSED_PREFIX_SHARE));
    }

    @Test
    void oneSourceTakesAtMostItsShareAndHonestSourcesAndLocalPublishesStillStore() {
        final KademliaConfig defaults = new KademliaConfig();
        final Outcome guarded = attack(defaults.remoteStoreSharePerPrefix());
        final Outcome open = attack(1.0);
        System.out.printf("store fair share: attacker holds %d of %d remote slots (refused %d), honest %d of %d, local %d of %d; "
                + "without the per-prefix share attacker %d, honest %d, local %d%n", guarded.attackerHeld(),
            (int) (VICTIM_CAPACITY * 0.8), guarded.refusedForShare(), guarded.honestHeld(), 3 * HONEST_VALUES, guarded.localStored(),
            LOCAL_VALUES, open.attackerHeld(), open.honestHeld(), open.localStored());
        final int share = (int) (VICTIM_CAPACITY * 0.8 * defaults.remoteStoreSharePerPrefix());
        assertEquals(share, guarded.attackerHeld(), "the attacker's source holds exactly its share");
        assertTrue(guarded.refusedForShare() >= ATTACKER_VALUES - share, "refusals counted: " + guarded.refusedForShare());
        assertEquals(3 * HONEST_VALUES, guarded.honestHeld(), "every honest value stored at the victim");
        assertEquals(LOCAL_VALUES, guarded.localStored(), "every local publish stored");
        assertEquals((int) (VICTIM_CAPACITY * 0.8), open.attackerHeld(), "control: the attacker took the whole remote space");
        assertEquals(0, open.honestHeld(), "control: no honest value found room");
        assertEquals(LOCAL_VALUES, open.localStored(), "the local-write reserve holds in both");
    }
}
