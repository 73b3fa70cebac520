package chisme.bench.kademlia;

import chisme.node.event.EventLog;
import chisme.node.host.NodeHost;
import chisme.node.kademlia.KademliaConfig;
import chisme.node.kademlia.KademliaEngine;
import chisme.node.metrics.Counters;
import chisme.node.rpc.RpcConfig;
import chisme.node.transport.Clock;
import chisme.store.StoreStatus;
import chisme.store.Tuple;
import chisme.store.TupleStore;
import chisme.wire.FindNodeFlyweight;
import chisme.wire.FindValueFlyweight;
import chisme.wire.HeaderFlyweight;
import chisme.wire.MessageType;
import chisme.wire.NodeId;
import chisme.wire.NodesFlyweight;
import chisme.wire.PongFlyweight;
import chisme.wire.StoreFlyweight;
import chisme.wire.StoreResultFlyweight;
import chisme.wire.StoreResultStatus;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.SplittableRandom;

/**
 * The production {@link KademliaEngine} behind its real {@code Dispatcher}, fed request datagrams directly:
 * what one answered FIND_NODE, FIND_VALUE or STORE costs on the node thread, from the datagram handler to
 * the reply handed to the transport (decode, rate budget, routing update, handler, encode). The transport
 * keeps the last reply; the scheduler never runs anything and the clock stands still (no token rotation,
 * no expiry), so every request gets the same answer. The table holds {@code contacts} verified peers,
 * each let in by answering the engine's verify PING, as on a real network; the requester is one of them.
 */
public final class HandlerHarness {
    /** Bytes of the value served by FIND_VALUE and stored by STORE (one datagram). */
    public static final int VALUE_BYTES = 200;

    private final CapturingTransport transport = new CapturingTransport();
    private final KademliaEngine engine;
    private final Counters counters = new Counters();
    private final InetSocketAddress requester;
    private final NodeId requesterId;
    private final UnsafeBuffer findNode = new UnsafeBuffer(new byte[2048]);
    private final UnsafeBuffer findValue = new UnsafeBuffer(new byte[2048]);
    private final UnsafeBuffer store = new UnsafeBuffer(new byte[2048]);
    private final int findNodeLength;
    private final int findValueLength;
    private final int storeLength;

    public HandlerHarness(final TupleStore tuples, final int contacts) {
        final SplittableRandom random = new SplittableRandom(15);
        final KademliaConfig config = new KademliaConfig()
            .rpc(RpcConfig.DEFAULT.withRate(1 << 30, 1 << 30).withTotalRate(1 << 30, 1 << 30));
        engine = new KademliaEngine(config, NodeHost.simulated(NodeId.random(random), transport, new IdleScheduler(),
            () -> 1_000_000L, counters, random, config.conclude().rpc()), tuples, new EventLog(100));
        engine.start();
        NodeId lastId = null;
        InetSocketAddress lastAddress = null;
        for (int i = 0; i < contacts; i++) {
            lastId = NodeId.random(random);
            lastAddress = address(10, i >> 8 & 0xFF, i & 0xFF, 4000);
            introduce(lastId, lastAddress);
        }
        requesterId = lastId;
        requester = lastAddress;
        final byte[] value = new byte[VALUE_BYTES];
        random.nextBytes(value);
        final NodeId key = NodeId.sha1(value);
        if (tuples.put(new Tuple(key, value, requesterId, 0, Long.MAX_VALUE, false, 0)) != StoreStatus.OK) {
            throw new IllegalStateException("cannot store the served value");
        }
        findNodeLength = new FindNodeFlyweight().wrap(findNode, 0).header(0, 7, requesterId).encode(NodeId.random(random));
        findValueLength = new FindValueFlyweight().wrap(findValue, 0).header(0, 8, requesterId).encode(key);
        // A STORE needs a token from a reply to this requester (BEP 5): take it from a NODES answer.
        findNode();
        final long token = new NodesFlyweight().wrap(transport.last, 0).token();
        final byte[] other = new byte[VALUE_BYTES];
        random.nextBytes(other);
        storeLength = new StoreFlyweight().wrap(store, 0).header(0, 9, requesterId)
            .encode(NodeId.sha1(other), token, requesterId, 3_600, other);
        store();
        if (transport.lastType() != MessageType.STORE_RESULT
            || new StoreResultFlyweight().wrap(transport.last, 0).status() != StoreResultStatus.OK) {
            throw new IllegalStateException("the harness STORE was not accepted");
        }
        findValue();
        if (transport.lastType() != MessageType.VALUE) {
            throw new IllegalStateException("the harness FIND_VALUE was not answered with VALUE");
        }
    }

    /** A PING from a new peer, then its PONG to the engine's verify PING: the peer enters the table verified. */
    private void introduce(final NodeId id, final InetSocketAddress from) {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[256]);
        new HeaderFlyweight().wrap(b, 0).encode(MessageType.PING, 0, 1, id);
        transport.handler.onDatagram(b, 0, HeaderFlyweight.LENGTH, from);
        if (!from.equals(transport.lastPingDestination)) {
            throw new IllegalStateException("no verify PING to " + from + " (last PING to " + transport.lastPingDestination + ")");
        }
        final long tx = transport.lastPingTransaction;
        final int pongLength = new PongFlyweight().wrap(b, 0).header(0, tx, id).encode(new byte[] {10, 0, 0, 1}, 4000);
        transport.handler.onDatagram(b, 0, pongLength, from);
    }

    private static InetSocketAddress address(final int a, final int b, final int c, final int port) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, 1}), port);
        } catch (final UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One FIND_NODE answered (NODES with k contacts); returns the reply's length. */
    public int findNode() {
        transport.handler.onDatagram(findNode, 0, findNodeLength, requester);
        return transport.lastLength;
    }

    /** One FIND_VALUE answered with the stored value (VALUE); returns the reply's length. */
    public int findValue() {
        transport.handler.onDatagram(findValue, 0, findValueLength, requester);
        return transport.lastLength;
    }

    /** One STORE of a value the node already holds (a replication round's re-store), answered OK. */
    public int store() {
        transport.handler.onDatagram(store, 0, storeLength, requester);
        return transport.lastLength;
    }

    public int lastReplyType() {
        return transport.lastType();
    }

    public Counters counters() {
        return counters;
    }

    /** Keeps the last datagram sent (a copy) and where it went. */
    private static final class CapturingTransport extends HarnessTransport {
        final UnsafeBuffer last = new UnsafeBuffer(new byte[70_000]);
        int lastLength;
        InetSocketAddress lastDestination;
        InetSocketAddress lastPingDestination;
        long lastPingTransaction;
        private final HeaderFlyweight header = new HeaderFlyweight();

        @Override
        public boolean send(final DirectBuffer buffer, final int offset, final int length, final InetSocketAddress destination) {
            last.putBytes(0, buffer, offset, length);
            lastLength = length;
            lastDestination = destination;
            if (header.wrap(buffer, offset).type() == MessageType.PING) {
                lastPingDestination = destination;
                lastPingTransaction = header.transactionId();
            }
            return true;
        }

        int lastType() {
            return header.wrap(last, 0).type();
        }
    }
}
