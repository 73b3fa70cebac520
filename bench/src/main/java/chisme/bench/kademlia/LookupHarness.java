package chisme.bench.kademlia;

import chisme.node.event.EventLog;
import chisme.node.host.NodeHost;
import chisme.node.kademlia.KademliaConfig;
import chisme.node.kademlia.KademliaEngine;
import chisme.node.kademlia.LookupResult;
import chisme.node.metrics.Counters;
import chisme.node.rpc.RpcConfig;
import chisme.store.InMemoryTupleStore;
import chisme.store.StoreConfig;
import chisme.wire.HeaderFlyweight;
import chisme.wire.MessageType;
import chisme.wire.NodeId;
import chisme.wire.NodesFlyweight;
import chisme.wire.PongFlyweight;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * One iterative FIND_NODE of the production {@link KademliaEngine} (its {@code Lookup}, the real dispatcher and
 * RPC tracker) against a synthetic network answered in process: what a lookup costs on the node thread per
 * NODES reply it merges (decode, shortlist merge, choosing the k closest by the diversity rule, the next
 * requests). {@value #NETWORK} nodes in 100 IPv4 /24s, each on its own IP; each knows {@value #KNOWS} random others and answers
 * the k of them closest to the target, so a lookup walks several rounds, as on a real network. The engine
 * starts with {@value #TABLE} of them verified in its table. Requests are queued and answered in order; PINGs
 * (the engine verifying contacts) are answered too, so no call is left pending (the clock stands still and
 * no timer fires). Every lookup has the same target: after the first, the work per lookup is the same.
 */
public final class LookupHarness {
    static final int NETWORK = 1_000;
    static final int KNOWS = 60;
    static final int TABLE = 100;
    private static final int PENDING = 4_096;

    private final QueueTransport transport = new QueueTransport();
    private final KademliaEngine engine;
    private final NodeId target;
    private final NodeId[] ids = new NodeId[NETWORK];
    private final InetSocketAddress[] addresses = new InetSocketAddress[NETWORK];
    private final byte[][] addressBytes = new byte[NETWORK][];
    private final Map<InetSocketAddress, Integer> indexOf = new HashMap<>();
    /** answers[i]: the k contacts node i returns for the target, nearest first. */
    private final int[][] answers = new int[NETWORK][];
    private final UnsafeBuffer reply = new UnsafeBuffer(new byte[2_048]);
    private final NodesFlyweight nodes = new NodesFlyweight();
    private final PongFlyweight pong = new PongFlyweight();
    private final byte[] observedAddress = {10, 0, 0, 1};
    private final Consumer<LookupResult> onDone = r -> lastResult = r;
    private LookupResult lastResult;
    private long lookups;
    private long replies;

    public LookupHarness() {
        final SplittableRandom random = new SplittableRandom(12);
        final KademliaConfig config = new KademliaConfig()
            .rpc(RpcConfig.DEFAULT.withRate(1 << 30, 1 << 30).withTotalRate(1 << 30, 1 << 30));
        engine = new KademliaEngine(config, NodeHost.simulated(NodeId.random(random), transport, new IdleScheduler(),
            () -> 1_000_000L, new Counters(), random, config.conclude().rpc()),
            new InMemoryTupleStore(new StoreConfig().maxTuples(100)), new EventLog(100));
        engine.start();
        target = NodeId.random(random);
        for (int i = 0; i < NETWORK; i++) {
            ids[i] = NodeId.random(random);
            // /24 number i % 100 (10.P.Q.0, P and Q spread), host part distinct per node: every node its own IP.
            final int prefix = i % 100;
            addressBytes[i] = new byte[] {10, (byte) (prefix * 7), (byte) (prefix * 53), (byte) (1 + i / 100 * 23)};
            try {
                addresses[i] = new InetSocketAddress(InetAddress.getByAddress(addressBytes[i]), 4000);
            } catch (final UnknownHostException e) {
                throw new IllegalStateException(e);
            }
            indexOf.put(addresses[i], i);
        }
        final int k = config.k();
        for (int i = 0; i < NETWORK; i++) {
            final Integer[] known = new Integer[KNOWS];
            for (int j = 0; j < KNOWS; j++) {
                known[j] = random.nextInt(NETWORK);
            }
            Arrays.sort(known, (a, b) -> target.compareDistance(ids[a], ids[b]));
            answers[i] = Arrays.stream(known).distinct().limit(k).mapToInt(Integer::intValue).toArray();
        }
        for (int i = 0; i < TABLE; i++) {
            introduce(i);
        }
        lookup(); // the table settles (contacts met in the first lookup enter it); later lookups repeat one another
        lookups = 0;
        replies = 0;
    }

    /** A PING from node {@code i}; {@link #pump()} answers the engine's verify PING: i enters the table verified. */
    private void introduce(final int i) {
        new HeaderFlyweight().wrap(reply, 0).encode(MessageType.PING, 0, 1, ids[i]);
        transport.handler.onDatagram(reply, 0, HeaderFlyweight.LENGTH, addresses[i]);
        pump();
    }

    /** One iterative FIND_NODE for the target, answered to its end; returns how many contacts it found. */
    public int lookup() {
        lastResult = null;
        engine.lookup(target, false, onDone);
        pump();
        if (lastResult == null) {
            throw new IllegalStateException("the lookup did not finish with every request answered");
        }
        lookups++;
        return lastResult.closest().size();
    }

    /** Answers queued requests (and those their answers cause) until none is left. */
    private void pump() {
        while (transport.head < transport.tail) {
            final int slot = transport.head++ % PENDING;
            final int node = indexOf.get(transport.destinations[slot]);
            final long tx = transport.transactions[slot];
            final int length;
            if (transport.types[slot] == MessageType.PING) {
                length = pong.wrap(reply, 0).header(0, tx, ids[node]).encode(observedAddress, 4000);
            } else if (transport.types[slot] == MessageType.FIND_NODE) {
                final int[] answer = answers[node];
                nodes.wrap(reply, 0).header(0, tx, ids[node]);
                length = nodes.encode(7, answer.length, 0);
                for (int c = 0; c < answer.length; c++) {
                    final NodeId id = ids[answer[c]];
                    nodes.putContact(c, id.hi(), id.mid(), id.lo(), addressBytes[answer[c]], 4000);
                }
                replies++;
            } else {
                continue;
            }
            transport.handler.onDatagram(reply, 0, length, addresses[node]);
        }
        transport.head = 0;
        transport.tail = 0;
    }

    /** NODES replies merged per lookup so far (after the settling lookup). */
    public double repliesPerLookup() {
        return lookups == 0 ? 0 : (double) replies / lookups;
    }

    /** Keeps the type, destination and transaction of every datagram sent, for {@link #pump()}. */
    private static final class QueueTransport extends HarnessTransport {
        final InetSocketAddress[] destinations = new InetSocketAddress[PENDING];
        final int[] types = new int[PENDING];
        final long[] transactions = new long[PENDING];
        int head;
        int tail;
        private final HeaderFlyweight header = new HeaderFlyweight();

        @Override
        public boolean send(final DirectBuffer buffer, final int offset, final int length, final InetSocketAddress destination) {
            if (tail - head == PENDING) {
                throw new IllegalStateException("more than " + PENDING + " requests pending");
            }
            header.wrap(buffer, offset);
            final int slot = tail++ % PENDING;
            destinations[slot] = destination;
            types[slot] = header.type();
            transactions[slot] = header.transactionId();
            return true;
        }
    }
}
