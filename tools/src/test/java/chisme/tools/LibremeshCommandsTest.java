package chisme.tools;

import chisme.node.config.NodeConfig;
import chisme.node.daemon.NodeDaemon;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The LibreMesh commands against a running node: shared-state-async's {@code get} and {@code dump} in the
 * real tool's format (RapidJSON PrettyWriter through libretroshare, read from app/shared_state_cli.cc),
 * the Lua tool's {@code get} (json-c, one line), their leniency and exit statuses, register, discover,
 * UTF-8 whatever the locale, and the same answers through the native client.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LibremeshCommandsTest {
    private Path dir;
    private NodeDaemon daemon;
    private String sock;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("chisme-lm-");
        // shared-state-async insert needs a registered type: "fmt" by a UCI dataType section (as packages'
        // uci-defaults write it), "x", "empty-later" and "native" by chisme.conf lines.
        Files.writeString(dir.resolve("uci"), "config dataType 'fmt_type'\n\toption name 'fmt'\n\toption scope 'community'\n"
            + "\toption ttl '3600'\n\toption update_interval '30'\n");
        final NodeConfig c = new NodeConfig().dataDir(dir.resolve("data")).port(0).bind("127.0.0.1").persistent(false)
            .discoverContacts(false).uciConfig(dir.resolve("uci")).asyncRegistry(dir.resolve("registry.conf")).name("node-a")
            .hookDir(dir.resolve("hooks").toString()).luaPersistentDir(dir.resolve("persistent"));
        c.neighbours().add(chisme.node.config.HostPort.parse("127.0.0.1:9"));
        for (final String shelf : List.of("x", "empty-later", "native", "order", "registered-empty")) {
            c.shelfSetting(shelf + ".ttl-s=3600");
        }
        c.shelfSetting("bridge.writers=open"); // a Lua post is unsigned: taken only where the shelf is open
        daemon = NodeDaemon.start(c, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        daemon.extraOps(new CliOp(c.adminSocket()));
        sock = c.adminSocket().toString();
    }

    @AfterAll
    void stop() {
        daemon.close();
        DemoCommand.deleteTree(dir);
    }

    private CliRunner.Result run(final String stdin, final String cmd, final String... args) {
        final List<String> all = new ArrayList<>(List.of(cmd, "--admin", sock));
        all.addAll(List.of(args));
        return CliRunner.runWithStdin(stdin, all.toArray(String[]::new));
    }

    @Test
    void shouldPrintAsyncGetAndDumpInTheRealToolsFormat() {
        assertEquals(0, run("{\"zeta\": 1, \"a/b\": \"José Peña\", \"é\": {\"e\": [], \"n\": [1, 2.5, {}]}, \"ctl\": \"x\\u001fy\"}",
            "shared-state-async", "insert", "fmt").code());
        final CliRunner.Result get = run("", "shared-state-async", "get", "fmt");
        assertEquals(0, get.code(), get.toString());
        // std::map order (UTF-8 bytes: "é" = C3 A9 sorts last), 4-space indent, "key": value, '/' and
        // non-ASCII raw, control characters as upper-case \\uXXXX, one element per line, [] and {} when empty.
        assertEquals("""
            {
                "a/b": "José Peña",
                "ctl": "x\\u001Fy",
                "zeta": 1,
                "é": {
                    "e": [],
                    "n": [
                        1,
                        2.5,
                        {}
                    ]
                }
            }
            """, get.out());
        final CliRunner.Result dump = run("", "shared-state-async", "dump", "fmt");
        assertEquals(0, dump.code(), dump.toString());
        final String ttl = dump.out().replaceAll("(?s).*?\"xint64\": (\\d+).*", "$1");
        final long ttlS = Long.parseLong(ttl);
        assertTrue(ttlS > 3_500 && ttlS <= 3_600, "remaining TTL in seconds: " + ttlS);
        final String entry = "    {\n        \"key\": \"%s\",\n        \"value\": {\n            \"mAuthor\": \"node-a\",\n"
            + "            \"mTtl\": {\n                \"xint64\": %s,\n                \"xstr64\": \"%s\"\n            },\n"
            + "            \"mData\": %s\n        }\n    }";
        final String expected = "[\n" + String.join(",\n",
            entry.formatted("a/b", ttl, ttl, "\"José Peña\""),
            entry.formatted("ctl", ttl, ttl, "\"x\\u001Fy\""),
            entry.formatted("zeta", ttl, ttl, "1"),
            entry.formatted("é", ttl, ttl, "{\n                \"e\": [],\n                \"n\": [\n                    1,\n"
                + "                    2.5,\n                    {}\n                ]\n            }")) + "\n]\n";
        assertEquals(expected, dump.out().replaceAll("\"xint64\": \\d+", "\"xint64\": " + ttl).replaceAll("\"xstr64\": \"\\d+\"", "\"xstr64\": \"" + ttl + "\""));
    }

    @Test
    void shouldPrintNestedMembersInTheInsertedOrderAsTheRealToolDoes() {
        // RapidJSON keeps member order (insert: entry.mData.CopyFrom; get: PrettyWriter), only the top-level
        // keys come out in std::map order. A links_info-like value whose members are not in sorted order:
        assertEquals(0, run("{\"zz-node\": {\"src_loc\": {\"long\": \"-64.42\", \"lat\": \"-31.80\"}, \"links\": {\"b2\": "
            + "{\"tx_rate\": 144400, \"iface\": \"wlan0-mesh\", \"chains\": [-40, -35], \"dst_mac\": null}}}, \"aa-node\": {\"z\": true, \"a\": false}}",
            "shared-state-async", "insert", "order").code());
        final CliRunner.Result get = run("", "shared-state-async", "get", "order");
        assertEquals("""
            {
                "aa-node": {
                    "z": true,
                    "a": false
                },
                "zz-node": {
                    "src_loc": {
                        "long": "-64.42",
                        "lat": "-31.80"
                    },
                    "links": {
                        "b2": {
                            "tx_rate": 144400,
                            "iface": "wlan0-mesh",
                            "chains": [
                                -40,
                                -35
                            ],
                            "dst_mac": null
                        }
                    }
                }
            }
            """, get.out(), get.toString());
        final CliRunner.Result dump = run("", "shared-state-async", "dump", "order");
        assertTrue(dump.out().contains("            \"mData\": {\n                \"z\": true,\n                \"a\": false\n            }\n"), dump.out());
        // A publisher re-inserting the same data with members in another order (Lua's pairs()) changes nothing.
        assertEquals(0, run("{\"aa-node\": {\"a\": false, \"z\": true}}", "shared-state-async", "insert", "order").code());
        assertEquals(get.out(), run("", "shared-state-async", "get", "order").out());
    }

    @Test
    void shouldExitAsSharedStateAsyncDoes() {
        final CliRunner.Result unknown = run("", "shared-state-async", "get", "never-inserted");
        assertEquals(208, unknown.code(), unknown.toString());
        assertEquals(208, run("", "shared-state-async", "dump", "never-inserted").code());
        assertEquals(22, run("{not json", "shared-state-async", "insert", "x").code());
        // The net-stats cron line (shared-state-async's uci-defaults) inserts /tmp/shared-state/network_statistics.json,
        // which nothing in lime-packages 8b5ebdb writes: empty stdin, RapidJSON's kParseErrorDocumentEmpty, EINVAL.
        assertEquals(22, run("", "shared-state-async", "insert", "x").code());
        // An unregistered type: 208 before stdin is looked at (app/shared_state_cli.cc checks mStates first),
        // and nothing is stored; the Lua tool's insert stays lenient (it has no registration).
        final CliRunner.Result unregistered = run("{\"k\": 1}", "shared-state-async", "insert", "not-registered");
        assertEquals(208, unregistered.code(), unregistered.toString());
        assertTrue(unregistered.err().contains("not-registered"), unregistered.err());
        assertEquals(208, run("{not json", "shared-state-async", "insert", "not-registered").code());
        assertEquals(208, run("", "shared-state-async", "get", "not-registered").code(), "nothing was stored");
        assertEquals(0, run("{\"k\": 1}", "shared-state", "insert", "lua-unregistered").code());
        // Registered but never inserted: the real tool's state exists, empty ({} from get and from dump).
        assertEquals("{}\n", run("", "shared-state-async", "get", "registered-empty").out());
        assertEquals("{}\n", run("", "shared-state-async", "dump", "registered-empty").out());
        assertEquals(0, run("[]", "shared-state-async", "insert", "x").code(), "luci.jsonc's empty table");
        assertEquals(234, run("", "shared-state-async", "frobnicate", "x").code());
        assertEquals(234, run("", "shared-state-async", "get").code());
        assertEquals(234, run("", "shared-state-async", "register", "x", "community").code());
        assertEquals(0, run("", "shared-state-async", "sync", "x").code());
        // The rpcd object passes its peers as one word, "IP1 IP2 ", or "" when the call named none.
        assertEquals(0, run("", "shared-state-async", "sync", "x", "").code());
        assertEquals(0, run("", "shared-state-async", "sync", "x", "127.0.0.1 127.0.0.2 ").code());
        assertEquals(0, run("{\"k\": 1}", "shared-state-async", "insert", "empty-later").code());
        final CliRunner.Result d = run("", "shared-state-async", "discover");
        assertEquals("127.0.0.1:9\n", d.out(), d.toString());
    }

    @Test
    void shouldRegisterAShelfAtOnceAndForTheNextStart() throws Exception {
        assertEquals(0, run("", "shared-state-async", "register", "net-stats", "community", "120", "1200").code());
        assertEquals(1_200_000, daemon.sharedState().config().shelf("net-stats").ttlMs());
        assertEquals(120_000, daemon.sharedState().config().shelf("net-stats").syncIntervalMs());
        assertTrue(Files.readString(dir.resolve("registry.conf")).contains("\"mBleachTTL\":{\"xint64\":1200,\"xstr64\":\"1200\"}"));
    }

    @Test
    void shouldPrintTheLuaFormatAndBeAsLenientAsTheLuaTool() {
        assertEquals(0, run("{\"http://x/y\": \"a/b\"}", "shared-state", "insert", "lua").code());
        final CliRunner.Result get = run("", "shared-state", "get", "lua");
        assertEquals("{\"http:\\/\\/x\\/y\":{\"bleachTTL\":30,\"author\":\"node-a\",\"data\":\"a\\/b\"}}\n", get.out());
        assertEquals("[]\n", run("", "shared-state", "get", "nobody-inserted").out());
        assertEquals(0, run("not json at all", "shared-state", "insert", "lua").code());
        assertEquals(0, run("[]", "shared-state", "insert", "lua").code());
        assertEquals(0, run("{}", "shared-state", "remove", "lua").code());
        assertEquals(234, run("", "shared-state", "frob", "lua").code());
        assertEquals(234, run("", "shared-state", "get").code());
        assertEquals(0, run("", "shared-state", "bleach", "lua").code());
        final CliRunner.Result req = run("{\"k\": {\"bleachTTL\": 12, \"author\": \"lua-b\", \"data\": 7}, \"z\": {\"bleachTTL\": 0, \"author\": \"lua-b\", \"data\": 1}}",
            "shared-state", "reqsync", "bridge");
        assertEquals("{\"k\":{\"bleachTTL\":12,\"author\":\"lua-b\",\"data\":7}}\n", req.out(), req.toString());
        // Under the lww default (writers author, signing on) a post is refused and counted; the answer is our shelf.
        final CliRunner.Result refused = run("{\"k\": {\"bleachTTL\": 12, \"author\": \"lua-b\", \"data\": 7}}", "shared-state", "reqsync", "bridge_signed");
        assertEquals(0, refused.code(), refused.toString());
        assertEquals("[]\n", refused.out(), refused.toString());
        assertTrue(daemon.sharedState().counters().get(chisme.node.sharedstate.SharedStateCounter.LUA_REFUSED_UNSIGNED) >= 1);
    }

    @Test
    void shouldRunSharedStateMultiWriterAsTheLuaToolDoes() throws Exception {
        final java.util.regex.Pattern oneEntry = java.util.regex.Pattern.compile(
            "\\{\"node-b\":\\{\"lastModified\":(\\d+),\"changes\":(\\d+),\"fortune\":(\\d+),\"author\":\"node-a\",\"data\":(.*)}}\n");
        final long before = System.currentTimeMillis() / 1000;
        assertEquals(0, run("{\"node-b\": {\"hostname\": \"node-b\", \"url\": \"http://b/\"}}", "shared-state-multiwriter", "insert", "mw_nodes").code());
        final CliRunner.Result get = run("", "shared-state-multiwriter", "get", "mw_nodes");
        java.util.regex.Matcher m = oneEntry.matcher(get.out());
        assertTrue(m.matches(), get.toString());
        assertTrue(Long.parseLong(m.group(1)) >= before, "lastModified is os.time() of the insert");
        assertEquals("0", m.group(2), "a new key starts at changes 0");
        assertTrue(Integer.parseInt(m.group(3)) >= 1 && Integer.parseInt(m.group(3)) <= 100_000, "fortune as math.random(1, 100000)");
        assertEquals("{\"hostname\":\"node-b\",\"url\":\"http:\\/\\/b\\/\"}", m.group(4), "json-c: one line, '/' as '\\/'");
        // Equal data is no edit (utils.deepcompare); other data bumps changes.
        assertEquals(0, run("{\"node-b\": {\"url\": \"http://b/\", \"hostname\": \"node-b\"}}", "shared-state-multiwriter", "insert", "mw_nodes").code());
        assertEquals(get.out(), run("", "shared-state-multiwriter", "get", "mw_nodes").out());
        assertEquals(0, run("{\"node-b\": {\"hostname\": \"node-b\", \"member\": false}}", "shared-state-multiwriter", "insert", "mw_nodes").code());
        m = oneEntry.matcher(run("", "shared-state-multiwriter", "get", "mw_nodes").out());
        assertTrue(m.matches());
        assertEquals("1", m.group(2));
        // Leniency and exit statuses as usr/bin/shared-state-multiwriter: JSON.parse(...) or {}, os.exit(-22).
        assertEquals("[]\n", run("", "shared-state-multiwriter", "get", "mw_nobody").out());
        assertEquals(0, run("not json", "shared-state-multiwriter", "insert", "mw_nodes").code());
        assertEquals(0, run("[]", "shared-state-multiwriter", "insert", "mw_nodes").code());
        assertEquals(234, run("", "shared-state-multiwriter", "frob", "mw_nodes").code());
        assertEquals(234, run("", "shared-state-multiwriter", "get").code());
        assertEquals(0, run("", "shared-state-multiwriter", "sync", "mw_nodes").code(), "nobody answers: exit 0");
        final CliRunner.Result bad = run("{not json", "shared-state-multiwriter", "reqsync", "mw_nobody");
        assertEquals(0, bad.code(), bad.toString());
        assertEquals("[]\n", bad.out());
        // reqsync (the CGI bridge for Lua nodes): more changes wins and keeps its author; fewer changes loses.
        final CliRunner.Result req = run("{\"node-b\": {\"lastModified\": 5, \"changes\": 9, \"fortune\": 3, \"author\": \"lua-c\", \"data\": {\"m\": 1}},"
            + " \"node-c\": {\"lastModified\": 6, \"changes\": 0, \"fortune\": 4, \"author\": \"lua-c\", \"data\": \"Peña\"}}", "shared-state-multiwriter", "reqsync", "mw_nodes");
        assertEquals("{\"node-b\":{\"lastModified\":5,\"changes\":9,\"fortune\":3,\"author\":\"lua-c\",\"data\":{\"m\":1}},"
            + "\"node-c\":{\"lastModified\":6,\"changes\":0,\"fortune\":4,\"author\":\"lua-c\",\"data\":\"Peña\"}}\n", req.out(), req.toString());
        final CliRunner.Result older = run("{\"node-c\": {\"lastModified\": 7, \"changes\": 0, \"fortune\": 2, \"author\": \"lua-d\", \"data\": 0}}",
            "shared-state-multiwriter", "reqsync", "mw_nodes");
        assertEquals(req.out(), older.out(), "same changes, smaller fortune: ours stays");
        // An LWW shelf holding ordinary books is not silently turned into a multiwriter one.
        assertEquals(0, run("{\"k\": 1}", "shared-state", "insert", "mw_lww").code());
        assertEquals(2, run("", "shared-state-multiwriter", "get", "mw_lww").code());

        // The Lua library's persistent file: written with the shelf, and what Lua code writes there is merged.
        final Path file = dir.resolve("persistent").resolve("mw_nodes.json");
        awaitFile(file, req.out().strip());
        final Path portal = dir.resolve("persistent").resolve("pirania_persistent.json");
        Files.writeString(portal, "{ \"portal\": { \"lastModified\": 1732900000, \"changes\": 2, \"fortune\": 77, \"author\": \"lua-e\", "
            + "\"data\": { \"title\": \"Bienvenida\" } } }");
        final String expected = "{\"portal\":{\"lastModified\":1732900000,\"changes\":2,\"fortune\":77,\"author\":\"lua-e\",\"data\":{\"title\":\"Bienvenida\"}}}";
        final long deadline = System.nanoTime() + 20_000_000_000L;
        while (!run("", "shared-state-multiwriter", "get", "pirania_persistent").out().equals(expected + "\n") && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(expected + "\n", run("", "shared-state-multiwriter", "get", "pirania_persistent").out(), "a file written by Lua code is merged");
        // A stale write-back (the library saves what it read before our last write) is corrected in the file.
        Files.writeString(file, "[]");
        awaitFile(file, req.out().strip());
    }

    private static void awaitFile(final Path file, final String expected) throws Exception {
        final long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline && !(Files.exists(file) && Files.readString(file).equals(expected.replace("\\/", "/")))) {
            Thread.sleep(100);
        }
        assertEquals(expected.replace("\\/", "/"), Files.exists(file) ? Files.readString(file) : "(missing)", file.toString());
    }

    @Test
    void shouldWriteUtf8WhateverTheLocale() {
        // The JVM's own System.out follows the locale (ANSI_X3.4-1968 without LANG: "Jos? Pe?a").
        assertEquals(StandardCharsets.UTF_8, CliContext.system().out().charset());
        assertEquals(StandardCharsets.UTF_8, CliContext.system().err().charset());
    }

    @Test
    void shouldAnswerTheSameThroughTheNativeClient() throws Exception {
        final Path client = Path.of("target", "native", "chisme-client").toAbsolutePath();
        Assumptions.assumeTrue(Files.isExecutable(client), "native client not built (-Dchisme.native.skip=true or no C compiler)");
        assertEquals(0, run("{\"m\": \"Peña\"}", "shared-state-async", "insert", "native").code());
        final ProcessBuilder pb = new ProcessBuilder(client.toString(), "shared-state-async", "get", "native");
        pb.environment().put("CHISME_ADMIN", sock);
        pb.environment().put("LANG", "C");
        pb.environment().remove("LC_ALL");
        final Process p = pb.start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor());
        assertEquals(run("", "shared-state-async", "get", "native").out(), out);
        final ProcessBuilder ins = new ProcessBuilder(client.toString(), "shared-state", "insert", "native2");
        ins.environment().put("CHISME_ADMIN", sock);
        final Process pi = ins.start();
        pi.getOutputStream().write("{\"ñ\": \"\\\"q\\\" \\\\ \\n\"}".getBytes(StandardCharsets.UTF_8));
        pi.getOutputStream().close();
        assertEquals(0, pi.waitFor());
        assertEquals("{\"ñ\":\"\\\"q\\\" \\\\ \\n\"}", daemon.sharedState().get("native2"), "stdin crosses the client intact");
        final ProcessBuilder unregistered = new ProcessBuilder(client.toString(), "shared-state-async", "insert", "not-registered-native");
        unregistered.environment().put("CHISME_ADMIN", sock);
        final Process pu = unregistered.start();
        pu.getOutputStream().write("{\"k\": 1}".getBytes(StandardCharsets.UTF_8));
        pu.getOutputStream().close();
        assertEquals(208, pu.waitFor(), "unregistered type through the native client");
        final ProcessBuilder mw = new ProcessBuilder(client.toString(), "shared-state-multiwriter", "insert", "mw_native");
        mw.environment().put("CHISME_ADMIN", sock);
        final Process pm = mw.start();
        pm.getOutputStream().write("{\"n\": \"Peña\"}".getBytes(StandardCharsets.UTF_8));
        pm.getOutputStream().close();
        assertEquals(0, pm.waitFor(), "multiwriter insert through the native client");
        final ProcessBuilder mwGet = new ProcessBuilder(client.toString(), "shared-state-multiwriter", "get", "mw_native");
        mwGet.environment().put("CHISME_ADMIN", sock);
        final Process pg = mwGet.start();
        final String mwOut = new String(pg.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, pg.waitFor());
        assertEquals(run("", "shared-state-multiwriter", "get", "mw_native").out(), mwOut);
        assertTrue(mwOut.contains("\"data\":\"Peña\""), mwOut);
        final Process none = new ProcessBuilder(client.toString(), "--admin", dir.resolve("nobody.sock").toString(), "status").start();
        assertEquals(3, none.waitFor(), "no node: exit 3");
    }
}
