package chisme.tools;

import chisme.node.config.NodeConfig;
import chisme.node.daemon.NodeDaemon;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI pieces that need no separate daemon process: demo, shell, LibreMesh peer forms, help. */
class CliTest {
    @TempDir
    Path tmp;

    @Test
    void shouldRunTheDemoAndCleanUp() {
        final long t0 = System.nanoTime();
        final CliRunner.Result r = CliRunner.run("demo", "--nodes", "5");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("node 4 got \"hola desde la red mesh\""), r.out());
        assertTrue(r.out().contains("every node's shelf demo-hosts is identical"), r.out());
        assertTrue(System.nanoTime() - t0 < 60_000_000_000L, "demo took over a minute");
        final String dir = r.out().replaceAll("(?s).*\\(data in ([^)]*)\\).*", "$1");
        assertFalse(Files.exists(Path.of(dir)), "temporary directory left: " + dir);
    }

    @Test
    void shouldRunCommandsInTheShell() throws Exception {
        final NodeConfig config = new NodeConfig().dataDir(tmp.resolve("node")).bind("127.0.0.1").port(0).persistent(false);
        final ByteArrayOutputStream daemonLog = new ByteArrayOutputStream();
        try (NodeDaemon d = NodeDaemon.start(config, new PrintStream(daemonLog, true, StandardCharsets.UTF_8))) {
            final CliRunner.Result r = CliRunner.runWithStdin("status\npublish from-the-shell\nget zz\nnode\nexit\n",
                "shell", "--data", tmp.resolve("node").toString());
            assertEquals(0, r.code(), r.toString());
            assertTrue(r.out().contains("id        " + d.node().id().toHex()), r.out());
            assertTrue(r.out().contains(d.node().id().toHex()), r.out());
            assertTrue(r.out().contains("chisme: invalid key 'zz'") && r.out().contains("(exit status 2)"), r.out());
            assertTrue(r.out().contains("'node' is not available inside the shell"), r.out());

        }
    }

    @Test
    void shouldManageNetworkKeysWithoutARestart() throws Exception {
        final Path data = tmp.resolve("keyed");
        final NodeConfig config = new NodeConfig().dataDir(data).bind("127.0.0.1").port(0).persistent(false);
        final ByteArrayOutputStream daemonLog = new ByteArrayOutputStream();
        try (NodeDaemon d = NodeDaemon.start(config, new PrintStream(daemonLog, true, StandardCharsets.UTF_8))) {
            final String dir = data.toString();
            assertTrue(daemonLog.toString(StandardCharsets.UTF_8).contains("the node runs OPEN"), daemonLog.toString(StandardCharsets.UTF_8));
            assertTrue(CliRunner.run("keys", "list", "--data", dir).out().contains("runs open"));
            assertTrue(CliRunner.run("status", "--data", dir).out().contains("OPEN: no network key"));
            final String key = CliRunner.run("keys", "generate", "--bare").out().trim();
            final CliRunner.Result installed = CliRunner.runWithStdin(key + "\n", "keys", "install", "-", "--data", dir);
            assertEquals(0, installed.code(), installed.toString());
            final String id = installed.out().trim().substring(0, 2);
            assertTrue(installed.out().contains(id + "  use"), installed.out());
            assertFalse(installed.out().contains(key), "key bytes are never printed back");
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(data.resolve("network.keys"))));
            assertTrue(CliRunner.run("status", "--data", dir).out().contains("key " + id + " seals"));
            assertFalse(d.node().networkKeyring().open(), "the running node seals from now on");
            assertEquals(2, CliRunner.run("keys", "use", "zz", "--data", dir).code());
            assertEquals(0, CliRunner.run("keys", "remove", id, "--data", dir).code());
            assertTrue(d.node().networkKeyring().open());
            assertFalse(Files.exists(data.resolve("network.keys")));
        }
    }

    @Test
    void shouldRefuseTheShellWithoutANode() {
        final CliRunner.Result r = CliRunner.run("shell", "--data", tmp.toString());
        assertEquals(3, r.code(), r.toString());
    }

    @Test
    void shouldMapLibremeshSyncTargetsToChismePeers() {
        assertEquals("[fe80::1%wlan0]:4200", SharedStateCommand.peer("http://[fe80::1%wlan0]/cgi-bin/shared-state/hosts"));
        assertEquals("10.5.0.1:4200", SharedStateCommand.peer("http://10.5.0.1/cgi-bin/shared-state/hosts"));
        assertEquals("10.5.0.1:4200", SharedStateCommand.peer("10.5.0.1"));
        assertEquals("10.5.0.1:4300", SharedStateCommand.peer("10.5.0.1:4300"));
        assertEquals("[fe80::2]:4200", SharedStateCommand.peer("fe80::2"));
        assertThrows(CliException.class, () -> SharedStateCommand.peer("10.5.0.1:notaport"));
    }

    @Test
    void shouldPrintHelpAndUsageErrors() {
        final CliRunner.Result help = CliRunner.run("--help");
        assertEquals(0, help.code());
        for (final String cmd : new String[] {"node", "join", "publish", "get", "logs", "status", "peers", "stats", "shelf", "keys", "shell", "demo", "shared-state"}) {
            assertTrue(help.out().contains("  " + cmd + " "), cmd);
        }
        final CliRunner.Result nodeHelp = CliRunner.run("node", "--help");
        assertTrue(nodeHelp.out().contains("--join=HOST:PORT") && nodeHelp.out().contains("--sync-interval-s"), nodeHelp.out());
        // 'chisme node' builds only its own command (the daemon keeps less loaded): same help, version and errors.
        assertTrue(nodeHelp.out().startsWith("Usage: chisme node"), nodeHelp.out());
        assertEquals("chisme 0.1.0", CliRunner.run("node", "--version").out().trim());
        final CliRunner.Result badNode = CliRunner.run("node", "--nosuchoption");
        assertEquals(2, badNode.code(), badNode.toString());
        assertEquals("chisme: Unknown option: '--nosuchoption' (try 'chisme node --help')", badNode.err().trim());
        assertEquals(2, CliRunner.run().code());
        assertEquals(2, CliRunner.run("shelf").code());
        assertEquals(2, CliRunner.run("get").code());
        assertEquals(2, CliRunner.run("demo", "--nodes", "1").code());
        for (final String[] bad : new String[][] {{"nosuchcommand"}, {"status", "--nosuchoption"}, {"logs", "-n", "-1"}}) {
            final CliRunner.Result r = CliRunner.run(bad);
            assertEquals(2, r.code(), r.toString());
            assertEquals(1, r.err().lines().count(), "one line, as docs/cli.md promises: " + r);
        }
    }

    @Test
    void shouldLetFlagsOverrideTheConfigFile() throws Exception {
        final Path conf = tmp.resolve("chisme.conf");
        Files.writeString(conf, "port = 4300\nk = 8\njoin = 10.0.0.1:4200\nlog-level = warn\n");
        final picocli.CommandLine cl = Chisme.commandLine(new CliContext(java.io.InputStream.nullInputStream(), System.out, System.err));
        cl.parseArgs("node", "--config", conf.toString(), "--port", "4301", "--join", "10.0.0.2:4200", "--data", tmp.toString());
        final NodeConfig c = ((NodeCommand) cl.getSubcommands().get("node").getCommand()).config();
        assertEquals(4301, c.port());
        assertEquals(8, c.k());
        assertEquals(2, c.joins().size());
        assertEquals(chisme.node.config.LogLevel.WARN, c.logLevel());
        assertEquals(tmp.toAbsolutePath(), c.dataDir());
    }

    @Test
    void shouldCompleteCommandsAndSubcommandsInTheShell() {
        final picocli.CommandLine tree = Chisme.commandLine(CliContext.system());
        assertEquals(java.util.Set.of("stats", "status"), java.util.Set.copyOf(ShellCommand.complete(tree, java.util.List.of("sta"), 0, 3, 3)));
        assertEquals(java.util.List.of("insert"), ShellCommand.complete(tree, java.util.List.of("shelf", "ins"), 1, 3, 9));
        assertTrue(ShellCommand.complete(tree, java.util.List.of("logs", "--fo"), 1, 4, 9).contains("--follow"));
    }
}
