package chisme.node.host;

import chisme.node.metrics.CounterId;
import chisme.node.metrics.Counters;
import chisme.node.metrics.DistinctErrorLog;
import chisme.node.rpc.RpcConfig;
import chisme.node.sim.SimNetwork;
import chisme.node.transport.UdpTransport;
import chisme.wire.HeaderFlyweight;
import chisme.wire.MessageType;
import chisme.wire.NodeId;
import chisme.wire.PingFlyweight;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 15 "errors vanish": every unexpected exception on the node thread is counted and logged once per kind with its stack. */
class NodeHostErrorsTest {
    private record Report(String message, Throwable error) {
    }

    private static void boom(final String what) {
        throw new IllegalStateException("bug in " + what);
    }

    @Test
    void aThrowingTaskOrTimerIsCountedLoggedOnceWithItsStackAndTheNodeGoesOn() throws Exception {
        final Counters counters = new Counters();
        final SplittableRandom r = new SplittableRandom(1);
        final List<Report> reports = new CopyOnWriteArrayList<>();
        try (NodeHost host = NodeHost.udp("errors", NodeId.random(r), UdpTransport.open(InetAddress.getLoopbackAddress(), 0, counters),
            counters, r, RpcConfig.DEFAULT)) {
            host.errors().sink((m, t) -> reports.add(new Report(m, t)));
            host.start();
            for (int i = 0; i < 3; i++) {
                host.execute(() -> boom("task"));
            }
            host.scheduler().schedule(1, () -> boom("timer"));
            Thread.sleep(50); // real thread, real timer: let the 1 ms timer fire
            assertEquals(42, (int) host.callNow(() -> 42), "the node thread still runs tasks");
            assertEquals(4, counters.get(CounterId.DROP_HANDLER_ERROR), "every throw counted");
            assertEquals(4, host.errors().errors());
            assertEquals(2, reports.size(), "one report per kind (three equal task throws, one timer throw): " + reports);
            assertEquals("bug in task", reports.get(0).error().getMessage());
            assertTrue(reports.get(0).error().getStackTrace()[0].getMethodName().equals("boom"), "the stack is kept");
            assertEquals("bug in timer", reports.get(1).error().getMessage());
        }
    }

    @Test
    void aThrowingRequestHandlerIsCountedAndLoggedAndTheDispatcherGoesOn() {
        final SimNetwork net = new SimNetwork(1, 1, 1, 0);
        final SimNetwork.Host sh = net.addHost();
        final SplittableRandom r = new SplittableRandom(2);
        final NodeHost host = sh.nodeHost(NodeId.random(r), r, RpcConfig.DEFAULT);
        final List<Report> reports = new CopyOnWriteArrayList<>();
        host.errors().sink((m, t) -> reports.add(new Report(m, t)));
        final int[] answered = {0};
        host.dispatcher().registerRequestHandler(MessageType.PING, (h, b, o, l, s, responder) -> {
            if (++answered[0] % 2 == 1) {
                boom("handler");
            }
        });
        host.start();
        final UnsafeBuffer ping = new UnsafeBuffer(new byte[PingFlyweight.LENGTH]);
        final NodeId peer = NodeId.random(r);
        final InetSocketAddress from = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);
        for (int i = 0; i < 4; i++) {
            new HeaderFlyweight().wrap(ping, 0).encode(MessageType.PING, 0, 100 + i, peer);
            host.dispatcher().onDatagram(ping, 0, PingFlyweight.LENGTH, from);
        }
        assertEquals(4, answered[0], "the dispatcher went on after each throw");
        assertEquals(2, host.counters().get(CounterId.DROP_HANDLER_ERROR));
        assertEquals(1, reports.size(), "the same fault twice: one report");
        assertEquals("bug in handler", reports.get(0).error().getMessage());
    }

    @Test
    void repeatsAreCountedAndReportedWithTheNextReportAfterTheQuietInterval() {
        final long[] now = {0};
        final List<Report> reports = new CopyOnWriteArrayList<>();
        final DistinctErrorLog log = new DistinctErrorLog(() -> now[0], (m, t) -> reports.add(new Report(m, t)));
        final IllegalStateException e = new IllegalStateException("bug");
        for (int i = 0; i < 100; i++) {
            log.accept(e);
        }
        assertEquals(1, log.written());
        log.accept(new IllegalArgumentException("another kind"));
        assertEquals(2, log.written(), "a different fault is its own kind");
        now[0] += DistinctErrorLog.QUIET_MS;
        log.accept(e);
        assertEquals(3, log.written());
        assertEquals(102, log.errors());
        assertTrue(reports.get(2).message().contains("99 more like it since the last report"), reports.get(2).message());
    }

    @Test
    void theBridgeHasOneTimeoutAndOneExceptionType() {
        final Counters counters = new Counters();
        final SplittableRandom r = new SplittableRandom(3);
        try (NodeHost host = NodeHost.udp("bridge", NodeId.random(r), UdpTransport.open(InetAddress.getLoopbackAddress(), 0, counters),
            counters, r, RpcConfig.DEFAULT)) {
            final NodeCallException notStarted = assertThrows(NodeCallException.class, () -> host.callNow(() -> 1));
            assertEquals(NodeCallException.Reason.NOT_RUNNING, notStarted.reason());
            host.start();
            host.closing(); // the closing timeout (2 s) keeps this test short; the timeout path is the same
            final NodeCallException timeout = assertThrows(NodeCallException.class, () -> host.call(f -> { }));
            assertEquals(NodeCallException.Reason.TIMEOUT, timeout.reason());
            final IllegalArgumentException passed = assertThrows(IllegalArgumentException.class,
                () -> host.callNow(() -> { throw new IllegalArgumentException("refused"); }));
            assertEquals("refused", passed.getMessage(), "what the operation threw reaches the caller as it is");
        }
    }
}
