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
            .hookDir(dir.resolve("hooks").toString());
        c.neighbours().add(chisme.node.config.HostPort.parse("127.0.0.1:9"));
        for (final String shelf : List.of("x", "empty-later", "native", "order", "registered-empty")) {
            c.shelfSetting(shelf + ".ttl-s=3600");
        }
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
        final Process none = new ProcessBuilder(client.toString(), "--admin", dir.resolve("nobody.sock").toString(), "status").start();
        assertEquals(3, none.waitFor(), "no node: exit 3");
    }
}
