package chisme.node.daemon;

import chisme.node.config.NodeConfig;
import chisme.store.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A daemon whose node thread dies logs the cause, tells its FatalHandler, and never marks its stores clean. */
class NodeDaemonFaultTest {
    @TempDir
    Path dir;

    @Test
    void shouldReportTheDeathOnceAndLeaveTheStoresForRecovery() throws Exception {
        final ByteArrayOutputStream log = new ByteArrayOutputStream();
        final CompletableFuture<String> fatal = new CompletableFuture<>();
        final NodeConfig config = new NodeConfig().dataDir(dir).bind("127.0.0.1").port(0);
        try (NodeDaemon d = NodeDaemon.start(config, new PrintStream(log, true, StandardCharsets.UTF_8),
            (reason, cause) -> fatal.complete(reason + ": " + cause))) {
            d.node().scheduler().execute(() -> {
                throw new InternalError("a fault occurred in an unsafe memory access operation");
            });
            assertEquals("node thread died: java.lang.InternalError: a fault occurred in an unsafe memory access operation",
                fatal.get(5, TimeUnit.SECONDS));
            assertTrue(d.fatalReason().startsWith("node thread died"), d.fatalReason());
            d.close();
            assertFalse(d.stoppedCleanly());
        }
        final String text = log.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("ERROR FATAL node thread died: java.lang.InternalError") && text.contains("\tat "), text);
        assertTrue(text.contains("node thread died: stores left for recovery"), text);
        assertFalse(Files.exists(dir.resolve("store").resolve(Stores.CLEAN_SHUTDOWN_FILE)), "stores not marked clean");
    }

    @Test
    void shouldCloseItselfWithoutAFatalHandler() throws Exception {
        final NodeConfig config = new NodeConfig().dataDir(dir).bind("127.0.0.1").port(0).persistent(false);
        try (NodeDaemon d = NodeDaemon.start(config, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
            d.node().scheduler().execute(() -> {
                throw new StackOverflowError("deep");
            });
            final Thread waiter = Thread.ofVirtual().start(() -> {
                try {
                    d.awaitStop();
                } catch (final InterruptedException ignored) {
                    // ends the thread
                }
            });
            waiter.join(5_000);
            assertFalse(waiter.isAlive(), "the daemon stopped by itself");
            assertTrue(d.fatalReason().contains("StackOverflowError"), d.fatalReason());
        }
    }
}
