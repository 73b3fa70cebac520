package chisme.tools;

import chisme.node.config.NodeConfig;
import chisme.node.daemon.NodeDaemon;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * chisme's rpcd object shared-state-async (packaging/openwrt/chisme/files/shared-state-async.rpcd) run as
 * rpcd runs it on OpenWrt: `busybox sh OBJECT list` and `busybox sh OBJECT call METHOD` with the message on
 * stdin, over the jshn.sh and jsonfilter stand-ins (test resources, on jq) and bin/shared-state-async talking
 * to a running node through the native client. Replies are checked against the commands' own answers and
 * statuses; LibremeshScriptsTest compares them with LibreMesh's object when a lime-packages checkout is given.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RpcdSharedStateAsyncTest {
    static final Path OBJECT = Path.of("..", "packaging", "openwrt", "chisme", "files", "shared-state-async.rpcd").toAbsolutePath().normalize();
    static final Path HARNESS = Path.of("src", "test", "resources", "libremesh-harness").toAbsolutePath();
    private static final long CALL_S = 60;
    private static final List<String> PUBLISH_ALL = List.of("shared-state-publish-all", "shared-state-async-publish-all");

    private Path dir;
    private Path root;
    private Path bin;
    private NodeDaemon daemon;
    private String sock;
    private String skip;

    @BeforeAll
    void start() throws Exception {
        skip = whyNot();
        if (skip != null) {
            return;
        }
        dir = Files.createTempDirectory("chisme-rpcd-");
        final NodeConfig c = new NodeConfig().dataDir(dir.resolve("data")).port(0).bind("127.0.0.1").persistent(false)
            .discoverContacts(false).asyncRegistry(dir.resolve("registry.conf")).name("rpcd-node");
        c.neighbours().add(chisme.node.config.HostPort.parse("127.0.0.1:9"));
        c.shelfSetting("bat-hosts.ttl-s=3600");
        daemon = NodeDaemon.start(c, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        daemon.extraOps(new CliOp(c.adminSocket()));
        sock = c.adminSocket().toString();
        root = dir.resolve("root");
        bin = dir.resolve("bin");
        Files.createDirectories(root.resolve("usr/share/libubox"));
        Files.copy(HARNESS.resolve("share/libubox/jshn.sh"), root.resolve("usr/share/libubox/jshn.sh"), StandardCopyOption.REPLACE_EXISTING);
        Files.createDirectories(bin);
        Files.createSymbolicLink(bin.resolve("jsonfilter"), HARNESS.resolve("bin/jsonfilter"));
        Files.createSymbolicLink(bin.resolve("shared-state-async"), Path.of("..", "bin", "shared-state-async").toAbsolutePath().normalize());
        // The package's publish-all command under both names (one script; the name picks the folder).
        for (final String name : PUBLISH_ALL) {
            Files.createSymbolicLink(bin.resolve(name), Path.of("..", "bin", "shared-state-publish-all").toAbsolutePath().normalize());
        }
        final Path publishers = root.resolve("usr/share/shared-state/publishers");
        Files.createDirectories(publishers);
        // A publisher that inserts (as LibreMesh's do), one that fails, and a file that is not executable.
        script(publishers.resolve("shared-state-publish_bat-hosts"),
            "echo '{\"02:00:00:00:00:aa\": \"published\"}' | shared-state-async insert bat-hosts\necho ran >> " + dir.resolve("ran-ok") + "\n");
        script(publishers.resolve("shared-state-publish_fails"), "echo ran >> " + dir.resolve("ran-fails") + "\nexit 7\n");
        Files.writeString(publishers.resolve("README"), "not a publisher\n");
        // The Lua package's folder: a failing publisher, then one that succeeds and prints.
        final Path lua = root.resolve("etc/shared-state/publishers");
        Files.createDirectories(lua);
        script(lua.resolve("a-fails"), "echo ran >> " + dir.resolve("ran-lua-fails") + "\nexit 5\n");
        script(lua.resolve("b-ok"), "echo ran >> " + dir.resolve("ran-lua-ok") + "\necho published-b\n");
        // A root whose Lua folder ends with a file that is not executable, and one with neither folder.
        Files.createDirectories(dir.resolve("notes-root/etc/shared-state/publishers"));
        script(dir.resolve("notes-root/etc/shared-state/publishers/a-ok"), "exit 0\n");
        Files.writeString(dir.resolve("notes-root/etc/shared-state/publishers/z-notes"), "not a publisher\n");
        Files.createDirectories(dir.resolve("empty-root"));
    }

    private static String whyNot() {
        if (sh("busybox sh -c true") != 0) {
            return "needs busybox (OpenWrt's /bin/sh is busybox ash; apt-get install busybox)";
        }
        if (sh("jq --version") != 0) {
            return "needs jq (the jshn.sh and jsonfilter stand-ins)";
        }
        if (!Files.isExecutable(Path.of("target", "native", "chisme-client"))) {
            return "needs the native client (target/native/chisme-client), which bin/shared-state-async uses";
        }
        return null;
    }

    private static void script(final Path file, final String body) throws IOException {
        Files.writeString(file, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static int sh(final String command) {
        try {
            final Process p = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (final IOException | InterruptedException e) {
            return -1;
        }
    }

    @AfterAll
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
        if (dir != null) {
            DemoCommand.deleteTree(dir);
        }
    }

    /** `busybox sh OBJECT ARGS` with MESSAGE on stdin, as rpcd's exec plugin runs it; its stdout. */
    private String object(final String message, final String... args) throws Exception {
        final List<String> cmd = new java.util.ArrayList<>(List.of("busybox", "sh", OBJECT.toString()));
        cmd.addAll(List.of(args));
        final ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().put("IPKG_INSTROOT", root.toString());
        pb.environment().put("CHISME_ADMIN", sock);
        final Process p = pb.start();
        p.getOutputStream().write(message.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(CALL_S, TimeUnit.SECONDS), "object " + args[0] + " did not finish");
        assertEquals(0, p.exitValue(), "rpcd object exit status (" + String.join(" ", args) + "): " + out);
        return out;
    }

    private Map<String, Object> call(final String method, final String message) throws Exception {
        return JsonTree.object(object(message, "call", method));
    }

    private static long error(final Map<String, Object> reply) {
        return ((Number) reply.get("error")).longValue();
    }

    @Test
    void shouldListLibremeshsMethodsAndArguments() throws Exception {
        Assumptions.assumeTrue(skip == null, skip);
        assertEquals(Map.of("sync", Map.of("data_type", "str", "peers_ip", "str"), "get", Map.of("data_type", "str"),
            "publish", Map.of("data_type", "str"), "publish_all", Map.of(), "insert", Map.of("data_type", "str", "json", "str")),
            JsonTree.object(object("", "list")));
    }

    @Test
    void shouldInsertAndGetThroughTheCommand() throws Exception {
        Assumptions.assumeTrue(skip == null, skip);
        assertEquals(0, error(call("insert", "{\"data_type\": \"bat-hosts\", \"json\": {\"02:cc:00:00:00:09\": \"rpcd_añadido\"}}")));
        // LuCI's signature says "str": a JSON text in a string is inserted as its object, as jsonfilter prints it raw.
        assertEquals(0, error(call("insert", "{\"data_type\": \"bat-hosts\", \"json\": \"{\\\"02:cc:00:00:00:0a\\\": \\\"as-text\\\"}\"}")));
        final Map<String, Object> got = call("get", "{\"data_type\": \"bat-hosts\"}");
        assertEquals(0, error(got), got.toString());
        final Map<?, ?> data = (Map<?, ?>) got.get("data");
        assertEquals("rpcd_añadido", data.get("02:cc:00:00:00:09"));
        assertEquals("as-text", data.get("02:cc:00:00:00:0a"));
        final CliRunner.Result cli = CliRunner.run("shared-state-async", "--admin", sock, "get", "bat-hosts");
        assertEquals(JsonTree.object(cli.out()), data, "data is the command's get");
    }

    @Test
    void shouldReplyWithTheCommandsExitStatus() throws Exception {
        Assumptions.assumeTrue(skip == null, skip);
        final Map<String, Object> unknown = call("get", "{\"data_type\": \"never-inserted\"}");
        assertEquals(Map.of("data", Map.of(), "error", 208L), Map.of("data", unknown.get("data"), "error", error(unknown)));
        assertEquals(208, error(call("insert", "{\"data_type\": \"not-registered\", \"json\": {\"k\": 1}}")));
        assertEquals(22, error(call("insert", "{\"data_type\": \"bat-hosts\"}")), "no json member: empty input, as the async cron line");
        assertEquals(234, error(call("get", "{}")), "no data_type");
        assertEquals(22, error(call("get", "not json")), "a message that is no JSON object");
        assertEquals("Method not found", call("frobnicate", "{}").get("error"));
    }

    @Test
    void shouldSyncWithTheNamedPeersOrAll() throws Exception {
        Assumptions.assumeTrue(skip == null, skip);
        for (final String message : List.of("{\"data_type\": \"bat-hosts\"}", "{\"data_type\": \"bat-hosts\", \"peers_ip\": []}",
            "{\"data_type\": \"bat-hosts\", \"peers_ip\": [\"127.0.0.1\", \"::1\"]}", "{\"data_type\": \"bat-hosts\", \"peers_ip\": \"127.0.0.1 ::1\"}",
            "{\"data_type\": \"bat-hosts\", \"peers_ip\": \"\"}")) {
            assertEquals(0, error(call("sync", message)), message);
        }
        assertEquals(242, error(call("sync", "{\"data_type\": \"bat-hosts\", \"peers_ip\": [\"not an address!\"]}")), "the command's bad peer");
        assertEquals(242, error(call("sync", "{\"data_type\": \"bat-hosts\", \"peers_ip\": [\"--admin\"]}")), "no option through a peer");
    }

    @Test
    void shouldRunPublishers() throws Exception {
        Assumptions.assumeTrue(skip == null, skip);
        assertEquals(0, error(call("publish", "{\"data_type\": \"bat-hosts\"}")));
        assertEquals("published", JsonTree.object(daemon.sharedState().get("bat-hosts")).get("02:00:00:00:00:aa"), "the publisher inserted");
        assertEquals(7, error(call("publish", "{\"data_type\": \"fails\"}")), "the publisher's status");
        assertEquals(127, error(call("publish", "{\"data_type\": \"none\"}")), "no such publisher");
        assertEquals(127, error(call("publish", "{\"data_type\": \"../publishers/shared-state-publish_fails\"}")), "a path is no type");
        final long okBefore = runs("ran-ok");
        final long failsBefore = runs("ran-fails");
        assertEquals(7, error(call("publish_all", "{}")), "the last (failing) publisher's status, as shared-state-async-publish-all's");
        assertEquals(okBefore + 1, runs("ran-ok"), "publish_all ran every executable publisher");
        assertEquals(failsBefore + 1, runs("ran-fails"));
    }

    /** How many times a test publisher recorded a run in FILE. */
    private long runs(final String file) throws IOException {
        final Path f = dir.resolve(file);
        return Files.exists(f) ? Files.readAllLines(f).size() : 0;
    }

    /** `busybox sh BIN/NAME` (a cron line's call) under IPKG_INSTROOT=root; its exit status and stdout. */
    private CliRunner.Result publishAll(final String name, final Path instRoot) throws Exception {
        final ProcessBuilder pb = new ProcessBuilder("busybox", "sh", bin.resolve(name).toString()).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().put("IPKG_INSTROOT", instRoot.toString());
        pb.environment().put("CHISME_ADMIN", sock);
        final Process p = pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(CALL_S, TimeUnit.SECONDS), name + " did not finish");
        return new CliRunner.Result(p.exitValue(), out, "");
    }

    @Test
    void shouldPublishAllWithLibremeshsExitStatus() throws Exception {
        Assumptions.assumeTrue(skip == null, skip);
        // The async command runs /usr/share/shared-state/publishers: the last entry (the failing one) gives the status.
        // (shouldRunPublishers runs the same publishers, in either order: count this command's runs.)
        final long okBefore = runs("ran-ok");
        final long failsBefore = runs("ran-fails");
        assertEquals(7, publishAll("shared-state-async-publish-all", root).code(), "the last publisher's status");
        assertEquals(failsBefore + 1, runs("ran-fails"));
        assertEquals(okBefore + 1, runs("ran-ok"));
        assertEquals("published", JsonTree.object(daemon.sharedState().get("bat-hosts")).get("02:00:00:00:00:aa"), "the publisher inserted");
        // The Lua command runs /etc/shared-state/publishers: an earlier failure does not show, as in LibreMesh.
        final CliRunner.Result lua = publishAll("shared-state-publish-all", root);
        assertEquals(0, lua.code(), "the last publisher succeeded");
        assertEquals("published-b", lua.out().strip(), "a publisher's output passes through (cron discards it)");
        assertEquals(List.of("ran"), Files.readAllLines(dir.resolve("ran-lua-fails")), "the failing one ran too");
        assertEquals(List.of("ran"), Files.readAllLines(dir.resolve("ran-lua-ok")));
        assertEquals(1, publishAll("shared-state-publish-all", dir.resolve("notes-root")).code(), "last entry not executable: `[ -x ]` fails");
        for (final String name : PUBLISH_ALL) {
            assertEquals(1, publishAll(name, dir.resolve("empty-root")).code(), name + ": a missing folder (the unexpanded pattern)");
        }
    }
}
