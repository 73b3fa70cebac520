package chisme.node.daemon;

import chisme.node.config.LogLevel;
import chisme.node.metrics.Counters;
import chisme.node.transport.Clock;
import chisme.node.transport.NodeAgent;
import chisme.node.transport.UdpTransport;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** No silent death: the node thread's faults reach a handler, a stuck thread is noticed, errors are logged once. */
class WatchdogTest {
    private static NodeAgent agent(final Counters counters) {
        return new NodeAgent("test-node", Clock.SYSTEM, UdpTransport.open(InetAddress.getLoopbackAddress(), 0, counters), counters);
    }

    @Test
    void shouldHandAnErrorOnTheNodeThreadToTheDeathHandler() throws Exception {
        final Counters counters = new Counters();
        final NodeAgent a = agent(counters);
        final CompletableFuture<Throwable> died = new CompletableFuture<>();
        a.deathHandler(died::complete);
        a.start();
        a.execute(() -> {
            throw new InternalError("simulated mapped-write fault");
        });
        final Throwable t = died.get(5, TimeUnit.SECONDS);
        assertEquals("simulated mapped-write fault", t.getMessage());
        a.thread().join(2_000);
        assertTrue(!a.thread().isAlive() && !a.running());
        final AtomicBoolean stopping = new AtomicBoolean();
        assertTrue(new Watchdog(a, 1_000, stopping::get).check(0).startsWith("node thread ended: java.lang.InternalError"));
        a.close();
    }

    @Test
    void shouldReportExceptionsAndGoOn() throws Exception {
        final Counters counters = new Counters();
        final NodeAgent a = agent(counters);
        final CompletableFuture<Throwable> reported = new CompletableFuture<>();
        a.errorHandler(reported::complete);
        a.start();
        a.execute(() -> {
            throw new IllegalStateException("handler bug");
        });
        assertEquals("handler bug", reported.get(5, TimeUnit.SECONDS).getMessage());
        final CountDownLatch alive = new CountDownLatch(1);
        a.execute(alive::countDown);
        assertTrue(alive.await(5, TimeUnit.SECONDS), "the loop went on");
        a.close();
    }

    @Test
    void shouldNoticeANodeThreadThatMakesNoProgress() throws Exception {
        final Counters counters = new Counters();
        final NodeAgent a = agent(counters);
        a.start();
        final Watchdog w = new Watchdog(a, 10_000, () -> false);
        final CountDownLatch release = new CountDownLatch(1);
        assertNull(w.check(0));
        a.execute(() -> {
            try {
                release.await();
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Thread.sleep(200); // the thread is now blocked inside the task: progress stops advancing
        assertNull(w.check(1_000), "a progress change restarts the clock");
        assertNull(w.check(10_999));
        final String reason = w.check(11_000);
        assertTrue(reason != null && reason.startsWith("node thread made no progress for 10000 ms; stuck at "), reason);
        assertTrue(reason.contains("CountDownLatch.await") || reason.contains("park"), reason);
        release.countDown();
        a.close();
    }
}
