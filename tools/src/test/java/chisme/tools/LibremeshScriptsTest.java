package chisme.tools;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Issue 14's proof: LibreMesh's real publishers and hooks, installed as opkg installs them, run unchanged
 * on three chisme nodes, and the files their hooks write are the expected ones, also after one node
 * reboots with /tmp and /var wiped (and the hook-written files in /etc removed).
 * <p>
 * The scripts are not in this repository: the test reads them from a lime-packages checkout named by
 * $CHISME_LIME_PACKAGES (or -Dchisme.lime-packages) and is skipped without one. Each node runs in its own
 * mount and UTS namespace (node-boot.sh: own host name, overlays over /etc and /usr, /tmp as /tmp and
 * /var, a fake /sys/class/net), so it needs root, unshare and overlayfs, and Lua 5.1 with dkjson for the
 * stand-ins of OpenWrt's luci.jsonc, uci and nixio.fs (test resources, ours; stubs only for what is
 * OpenWrt-only). Packages used: shared-state-dnsmasq_hosts, -dnsmasq_leases, -dnsmasq_servers,
 * -babeld_hosts (Lua hooks, /etc/shared-state), -bat_hosts (async hooks, /usr/share/shared-state),
 * -pirania with pirania (vouchers: created with Pirania's own `voucher` command on one node, invalidated on
 * another), and the Lua libraries these load from lime-system and shared-state. The packages'
 * uci-defaults run at first boot (they register bat-hosts, which shared-state-async insert requires).
 * Session 6: shared-state-network_nodes and Pirania's portal page (multiwriter types written through the
 * Lua library's files), a Lua multiwriter node syncing through the package's CGI, and the rpcd objects
 * shared-state (multiwriter methods) and shared-state-async (over jshn.sh / jsonfilter stand-ins on jq),
 * and chisme's own rpcd shared-state-async object's replies compared with LibreMesh's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LibremeshScriptsTest {
    static final List<String> PACKAGES = List.of("shared-state-dnsmasq_hosts", "shared-state-dnsmasq_leases",
        "shared-state-dnsmasq_servers", "shared-state-babeld_hosts", "shared-state-bat_hosts", "shared-state-pirania", "pirania",
        "shared-state-network_nodes");
    /** Lua libraries only (not the packages' commands or init scripts): Pirania's modules require them. */
    static final List<String> LUA_LIBRARIES = List.of("lime-system/files/usr/lib/lua/lime", "shared-state/files/usr/lib/lua/shared-state.lua");
    /** The Lua shared-state's rpcd object (lime-app's getFromSharedState), which reads the library's data files. */
    static final String RPCD_SHARED_STATE = "shared-state/files/usr/libexec/rpcd/shared-state";
    /** shared-state-async's rpcd object (a shell script over jshn.sh and jsonfilter), which calls the command. */
    static final String RPCD_SHARED_STATE_ASYNC = "shared-state-async/files/usr/libexec/rpcd/shared-state-async";
    private static final long READY_MS = 120_000;
    private static final long CONVERGE_MS = 90_000;
    private static final int NODES = 3;

    private Path lime;
    private Path run;
    /** Why this machine cannot run the test, or null; checked in the test so the report counts it as skipped. */
    private String skip;
    private final List<Process> nodes = new ArrayList<>(List.of());
    private final int[] ports = new int[NODES];

    @BeforeAll
    void prepare() throws Exception {
        skip = whyNot();
        if (skip != null) {
            return;
        }
        // Outside /tmp and /var, which each node's namespace replaces.
        run = Path.of("target", "libremesh-run").toAbsolutePath();
        DemoCommand.deleteTree(run);
        for (int i = 0; i < NODES; i++) {
            ports[i] = DaemonProcess.freePort();
        }
        for (int i = 0; i < NODES; i++) {
            install(i);
        }
    }

    /** The reason this machine cannot run the test, or null. */
    private String whyNot() {
        final String where = System.getProperty("chisme.lime-packages", System.getenv("CHISME_LIME_PACKAGES"));
        if (where == null || where.isBlank()) {
            return "set CHISME_LIME_PACKAGES to a libremesh/lime-packages checkout to run LibreMesh's real scripts";
        }
        lime = Path.of(where).toAbsolutePath();
        if (!Files.isDirectory(lime.resolve("packages/shared-state-dnsmasq_hosts"))) {
            return lime + " is not a lime-packages checkout (no packages/shared-state-dnsmasq_hosts)";
        }
        if (sh("unshare --mount --uts --fork sh -c 'mount -t tmpfs t /mnt && hostname x'") != 0) {
            return "needs root with unshare (mount and UTS namespaces)";
        }
        if (sh("jq --version") != 0 || sh("bash --version") != 0) {
            return "needs jq (the jshn.sh and jsonfilter stand-ins) and bash (runs the rpcd shared-state-async object)";
        }
        if (sh("lua5.1 -e 'require(\"dkjson\")'") != 0) {
            return "needs lua5.1 and lua-dkjson (apt-get install lua5.1 lua-dkjson)";
        }
        if (!Files.isExecutable(Path.of("target", "native", "chisme-client"))) {
            return "needs the native client (target/native/chisme-client)";
        }
        return null;
    }

    @AfterAll
    void stopAll() {
        final long t = System.nanoTime();
        for (final Process p : nodes) {
            stop(p);
        }
        System.out.printf("LibremeshScriptsTest: %d nodes stopped in %.1f s%n", nodes.size(), (System.nanoTime() - t) / 1e9);
    }

    private static String host(final int i) {
        return "lm-node-" + (i + 1);
    }

    private Path root(final int i) {
        return run.resolve(host(i));
    }

    /** opkg's job: each package's files/ tree into / (here: the node's /etc and /usr overlays), plus stubs and inputs. */
    private void install(final int i) throws IOException {
        final Path r = root(i);
        final Path etc = r.resolve("etc-upper");
        final Path usr = r.resolve("usr-upper");
        for (final String pkg : PACKAGES) {
            final Path files = lime.resolve("packages").resolve(pkg).resolve("files");
            copyTree(files.resolve("etc"), etc);
            copyTree(files.resolve("usr"), usr);
        }
        for (final String lib : LUA_LIBRARIES) {
            final Path from = lime.resolve("packages").resolve(lib);
            final Path to = usr.resolve("lib/lua").resolve(from.getFileName().toString());
            if (Files.isDirectory(from)) {
                copyTree(from, to);
            } else {
                Files.createDirectories(to.getParent());
                Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.createDirectories(usr.resolve("libexec/rpcd"));
        Files.copy(lime.resolve("packages").resolve(RPCD_SHARED_STATE), usr.resolve("libexec/rpcd/shared-state"),
            StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        Files.copy(lime.resolve("packages").resolve(RPCD_SHARED_STATE_ASYNC), usr.resolve("libexec/rpcd/shared-state-async"),
            StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        // chisme's own object (what the OpenWrt package installs in its place), beside it for the comparison.
        Files.copy(RpcdSharedStateAsyncTest.OBJECT, usr.resolve("libexec/rpcd/chisme-shared-state-async"),
            StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        final Path harness = Path.of("src", "test", "resources", "libremesh-harness").toAbsolutePath();
        copyTree(harness.resolve("share"), usr.resolve("share"));
        copyTree(harness.resolve("lua"), usr.resolve("share/lua/5.1"));
        copyTree(harness.resolve("bin"), usr.resolve("bin"));
        final Path bin = Path.of("..", "bin").toAbsolutePath().normalize();
        Files.createDirectories(usr.resolve("bin"));
        Files.createSymbolicLink(usr.resolve("bin/shared-state"), bin.resolve("shared-state"));
        Files.createSymbolicLink(usr.resolve("bin/shared-state-async"), bin.resolve("shared-state-async"));
        Files.createSymbolicLink(usr.resolve("bin/shared-state-multiwriter"), bin.resolve("shared-state-multiwriter"));
        // The package's publish-all commands (one script; the name picks the folder), which the cron lines call.
        Files.createSymbolicLink(usr.resolve("bin/shared-state-publish-all"), bin.resolve("shared-state-publish-all"));
        Files.createSymbolicLink(usr.resolve("bin/shared-state-async-publish-all"), bin.resolve("shared-state-publish-all"));
        // The OpenWrt package's CGI bridge, under the name a Lua multiwriter node posts to (for the mixed-network check).
        Files.createDirectories(r.resolve("www/cgi-bin"));
        Files.createSymbolicLink(r.resolve("www/cgi-bin/shared-state-multiwriter"),
            Path.of("..", "packaging", "openwrt", "chisme", "files", "shared-state.cgi").toAbsolutePath().normalize());
        // What network-nodes.lua reads about the node (utils.release_info, utils.current_board).
        write(etc.resolve("openwrt_release"), "DISTRIB_ID='LibreMesh'\nDISTRIB_RELEASE='test-" + (i + 1) + "'\n");
        write(r.resolve("board_name"), "test,board-" + (i + 1) + "\n");
        final int n = i + 1;
        write(etc.resolve("hosts"), "127.0.0.1 localhost\n::1 localhost ip6-localhost\nff02::1 ip6-allnodes\n"
            + "10.13.0." + n + " " + host(i) + " peña-" + n + "\n");
        write(etc.resolve("config/dhcp"), "config dnsmasq\n\toption local '/lan-" + n + "/'\n\toption domain 'lan-" + n + "'\n");
        write(etc.resolve("config/network"), "config interface 'lan'\n\toption ipaddr '10.13.0." + n + "'\n"
            + "\toption ip6addr 'fd13::" + n + "/64'\n\nconfig interface 'lm_net_br_lan_anygw_if'\n\toption ip6addr 'fd13:a::" + n + "/64'\n");
        write(etc.resolve("babeld-test-id"), "02:00:00:00:00:0" + n + "\n");
        final List<String> conf = new ArrayList<>(List.of("data = " + r.resolve("data"), "admin-socket = /var/run/chisme/admin.sock",
            "bind = 127.0.0.1", "port = " + ports[i], "discovery = static", "sync-interval-s = 1", "start-hooks-delay-s = 2",
            "publish-interval-s = 3600", "uci-config = /etc/config/shared-state", "lua-data-dir = /var/shared-state/data",
            "lua-persistent-dir = /etc/shared-state/persistent-data", "shelf.network_nodes.merge-policy = multiwriter",
            "shelf.pirania_persistent.merge-policy = multiwriter"));
        // -Dchisme.lime.start-hooks-delay-s=3600 shows the reboot check failing without the start hooks.
        conf.set(6, "start-hooks-delay-s = " + System.getProperty("chisme.lime.start-hooks-delay-s", "2"));
        for (int j = 0; j < NODES; j++) {
            if (j != i) {
                conf.add("neighbour = 127.0.0.1:" + ports[j]);
            }
        }
        write(etc.resolve("chisme/chisme.conf"), String.join("\n", conf) + "\n");
        for (final String[] iface : new String[][] {{"lo", "00:00:00:00:00:00"}, {"br-lan", "02:ab:00:00:0" + n + ":01"},
            {"wlan0-mesh", "02:ab:00:00:0" + n + ":02"}}) {
            write(r.resolve("net").resolve(iface[0]).resolve("address"), iface[1] + "\n");
        }
        write(r.resolve("dhcp.leases"), "1700000000 aa:bb:cc:00:00:0" + n + " 10.13.1." + n + " client-" + n + " *\n");
    }

    private Process boot(final int i) throws IOException {
        Files.createDirectories(root(i).resolve("tmp"));
        final ProcessBuilder pb = new ProcessBuilder("unshare", "--mount", "--uts", "--fork", "--kill-child=SIGTERM", "sh",
            Path.of("src/test/resources/libremesh-harness/node-boot.sh").toAbsolutePath().toString(), root(i).toString(), host(i))
            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(root(i).resolve("node.log").toFile()));
        pb.environment().put("CHISME_NODE_JAVA", String.join(" ", DaemonProcess.javaCommand()));
        return pb.start();
    }

    @Test
    void shouldRunLibremeshPublishersAndHooksUnchangedOnThreeNodes() throws Exception {
        Assumptions.assumeTrue(skip == null, skip);
        for (int i = 0; i < NODES; i++) {
            nodes.add(boot(i));
        }
        for (int i = 0; i < NODES; i++) {
            awaitSocket(i);
        }
        final long t0 = System.nanoTime();
        for (int i = 0; i < NODES; i++) {
            awaitFiles(i);
        }
        System.out.printf("LibremeshScriptsTest: all hook files of %d nodes as expected %.1f s after their admin sockets opened%n", NODES,
            (System.nanoTime() - t0) / 1e9);
        // Reboot node 2: /tmp and /var are empty afterwards (so are /etc/babeld-hosts and /etc/bat-hosts,
        // which the packages install as links into /tmp and /var); its books stay on "flash" (the data dir).
        stop(nodes.get(1));
        DemoCommand.deleteTree(root(1).resolve("tmp"));
        nodes.set(1, boot(1));
        awaitSocket(1);
        final long t1 = System.nanoTime();
        awaitFiles(1);
        System.out.printf("LibremeshScriptsTest: node 2's hook files rebuilt %.1f s after its admin socket opened%n", (System.nanoTime() - t1) / 1e9);
        for (int i = 0; i < NODES; i++) {
            assertEquals(expected(i), actual(i), host(i));
        }
        vouchersConvergeBothWays();
        networkNodesConverge();
        piraniaPortalPageConverges();
        luaMultiWriterNodeSyncsThroughTheCgi();
        rpcdSharedStateAsyncObject();
        for (int i = 0; i < NODES; i++) {
            rpcdSeesTheShelves(i, "dnsmasq-hosts");
            rpcdSeesTheShelves(i, "pirania-vouchers");
            rpcdSeesTheShelves(i, "bat-hosts");
        }
    }

    /**
     * LibreMesh's rpcd object `shared-state getFromSharedState` (what ubus/lime-app call) reads the Lua
     * library's data file, not the command: with lua-data-dir it answers the shelf's data, error 0.
     */
    private void rpcdSeesTheShelves(final int i, final String shelf) throws Exception {
        final String reply = inNode(i, "echo '{\"data_type\": \"" + shelf + "\"}' | /usr/libexec/rpcd/shared-state call getFromSharedState 2>/dev/null");
        final Map<String, Object> rpcd = JsonTree.object(reply);
        assertEquals(0L, ((Number) rpcd.get("error")).longValue(), host(i) + " rpcd " + shelf + ": " + reply);
        final Map<String, Object> expected = new LinkedHashMap<>();
        for (final Map.Entry<String, Object> e : JsonTree.object(inNode(i, "shared-state get " + shelf + " 2>/dev/null")).entrySet()) {
            expected.put(e.getKey(), ((Map<?, ?>) e.getValue()).get("data"));
        }
        assertTrue(!expected.isEmpty(), shelf + " is empty on " + host(i));
        final Map<?, ?> got = (Map<?, ?>) rpcd.get("data");
        assertEquals(expected.keySet(), got.keySet(), host(i) + " rpcd " + shelf);
        if (shelf.equals("dnsmasq-hosts")) {
            assertEquals(expected, got, host(i) + " rpcd " + shelf); // vouchers hold JSON nulls, which luci.jsonc drops
        }
    }

    /**
     * Pirania: a voucher made with Pirania's own `voucher add` on node 1 reaches every node's voucher
     * database (/etc/pirania/vouchers/ID.json, written by the generate_vouchers hook); invalidated with
     * `voucher invalidate` on node 3, the invalidation (mod_counter 2) reaches every node, node 1 included.
     */
    private void vouchersConvergeBothWays() throws Exception {
        final String added = inNode(0, "voucher add chisme-test 60");
        final String id = added.strip().split("\t")[0];
        assertTrue(id.matches("[A-Za-z0-9]{6}"), "voucher add printed: " + added);
        final long t0 = System.nanoTime();
        for (int i = 0; i < NODES; i++) {
            awaitVoucher(i, id, 1, false);
        }
        System.out.printf("LibremeshScriptsTest: voucher %s from %s in every node's database after %.1f s%n", id, host(0), (System.nanoTime() - t0) / 1e9);
        inNode(2, "voucher invalidate " + id);
        final long t1 = System.nanoTime();
        for (int i = 0; i < NODES; i++) {
            awaitVoucher(i, id, 2, true);
        }
        System.out.printf("LibremeshScriptsTest: its invalidation on %s in every node's database after %.1f s%n", host(2), (System.nanoTime() - t1) / 1e9);
    }

    /**
     * shared-state-network_nodes: each node's publisher (network-nodes.lua's publish(), which calls the Lua
     * library's SharedStateMultiWriter:insert and so writes /etc/shared-state/persistent-data/network_nodes.json
     * itself) ran at start; chisme read the file back and gossiped it: every node's `network-nodes` table
     * lists all three. `mark_nodes_as_gone` on node 3 (lime-app's rpcd call) reaches every node.
     */
    private void networkNodesConverge() throws Exception {
        final long t0 = System.nanoTime();
        for (int i = 0; i < NODES; i++) {
            final int node = i;
            awaitInNode(i, "network-nodes", out -> {
                for (int j = 0; j < NODES; j++) {
                    if (!out.contains(host(j)) || !out.contains("test-" + (j + 1))) {
                        return false;
                    }
                }
                return out.contains("10.13.0." + (node + 1));
            });
        }
        System.out.printf("LibremeshScriptsTest: network-nodes lists all %d nodes on every node %.1f s after the check began%n", NODES,
            (System.nanoTime() - t0) / 1e9);
        for (int i = 0; i < NODES; i++) {
            final Map<String, Object> got = JsonTree.object(inNode(i, "shared-state-multiwriter get network_nodes 2>/dev/null"));
            assertEquals(NODES, got.size(), host(i) + ": " + got);
            final Map<?, ?> own = (Map<?, ?>) got.get(host(i));
            assertEquals(host(i), own.get("author"), "the publisher's entry has its node as author");
            assertEquals(0L, ((Number) own.get("changes")).longValue());
        }
        inNode(2, "lua5.1 -e \"require('network-nodes').mark_nodes_as_gone({'" + host(0) + "'})\"");
        final long t1 = System.nanoTime();
        for (int i = 0; i < NODES; i++) {
            awaitInNode(i, "shared-state-multiwriter get network_nodes", out -> {
                final Map<?, ?> e = (Map<?, ?>) JsonTree.object(out).get(host(0));
                return e != null && ((Number) e.get("changes")).longValue() == 1 && host(2).equals(e.get("author"))
                    && Boolean.FALSE.equals(((Map<?, ?>) e.get("data")).get("member"));
            });
            // network-nodes.lua reads the persistent file: the node is no longer listed as a member.
            awaitInNode(i, "network-nodes", out -> !out.contains(host(0) + " "));
        }
        System.out.printf("LibremeshScriptsTest: mark_nodes_as_gone on %s reached every node after %.1f s%n", host(2), (System.nanoTime() - t1) / 1e9);
        assertEquals("", inNode(1, "shared-state-multiwriter sync network_nodes >/dev/null 2>&1; echo -n").strip(), "the cron line's sync");
        // The rpcd shared-state object's multiwriter methods (lime-app), through the Lua library and its file.
        inNode(1, "echo '{\"data_type\": \"network_nodes\", \"json\": {\"rpcd-node\": {\"hostname\": \"rpcd-node\"}}}'"
            + " | /usr/libexec/rpcd/shared-state call insertIntoSharedStateMultiWriter");
        for (int i = 0; i < NODES; i++) {
            awaitInNode(i, "echo '{\"data_type\": \"network_nodes\"}' | /usr/libexec/rpcd/shared-state call getFromSharedStateMultiWriter", out -> {
                final Map<String, Object> r = JsonTree.object(out);
                return ((Number) r.get("error")).longValue() == 0
                    && ((Map<?, ?>) r.get("data")).keySet().equals(new TreeSet<>(List.of(host(0), host(1), host(2), "rpcd-node")));
            });
        }
    }

    /** Pirania's portal page (pirania_persistent, a multiwriter type written through the Lua library) set on node 2 reaches nodes 1 and 3. */
    private void piraniaPortalPageConverges() throws Exception {
        inNode(1, "lua5.1 -e \"require('portal.portal').set_page_content('Hola red', 'Texto', 'logo', 'Más', 'http://x', '#fff')\"");
        final long t0 = System.nanoTime();
        for (int i = 0; i < NODES; i++) {
            awaitInNode(i, "lua5.1 -e \"print(require('portal.portal').get_page_content().title)\"", out -> out.strip().equals("Hola red"));
        }
        System.out.printf("LibremeshScriptsTest: Pirania's portal page from %s on every node after %.1f s%n", host(1), (System.nanoTime() - t0) / 1e9);
    }

    /**
     * A mixed network: a node still on the Lua library (the real SharedStateMultiWriter, its own data file)
     * runs its sync against node 1, whose answer comes from the OpenWrt package's CGI bridge
     * (shared-state-multiwriter reqsync): its entry enters chisme and reaches every node; chisme's entries
     * come back in the reply and land in the Lua node's file. Only the HTTP transport is replaced
     * (httpRequest runs the CGI as uhttpd would, with the POST body on stdin).
     */
    private void luaMultiWriterNodeSyncsThroughTheCgi() throws Exception {
        final String cgi = root(0).resolve("www/cgi-bin/shared-state-multiwriter").toString();
        final String lua = "local ss = require('shared-state'); ss.PERSISTENT_DATA_DIR = '/tmp/lua-node/'; "
            + "ss._getFortune = function() return 4242 end; "
            + "ss.SharedStateMultiWriter.httpRequest = function(url, body) "
            + "local f = io.open('/tmp/lua-node-body', 'w'); f:write(body); f:close(); "
            + "local p = io.popen('REQUEST_METHOD=POST PATH_INFO=/network_nodes " + cgi + " < /tmp/lua-node-body'); "
            + "local out = p:read('*a'); p:close(); return (out:gsub('^.-\\n\\n', '')) end; "
            + "local db = ss.SharedStateMultiWriter.new('network_nodes'); "
            + "db:insert({['lua-node'] = {hostname = 'lua-node', member = true}}); "
            + "db = ss.SharedStateMultiWriter.new('network_nodes'); db:sync({'http://[::1]/cgi-bin/shared-state-multiwriter/network_nodes'})";
        inNode(0, "lua5.1 -e \"" + lua + "\"");
        final long t0 = System.nanoTime();
        for (int i = 0; i < NODES; i++) {
            awaitInNode(i, "shared-state-multiwriter get network_nodes", out -> {
                final Map<?, ?> e = (Map<?, ?>) JsonTree.object(out).get("lua-node");
                return e != null && ((Number) e.get("fortune")).longValue() == 4242 && host(0).equals(e.get("author"));
            });
        }
        final Map<String, Object> luaFile = JsonTree.object(Files.readString(root(0).resolve("tmp/lua-node/network_nodes.json")));
        assertEquals(new TreeSet<>(List.of(host(0), host(1), host(2), "rpcd-node", "lua-node")), new TreeSet<>(luaFile.keySet()),
            "the Lua node's file after the sync");
        System.out.printf("LibremeshScriptsTest: a Lua multiwriter node's entry through the CGI bridge on every chisme node after %.1f s%n",
            (System.nanoTime() - t0) / 1e9);
    }

    /**
     * shared-state-async's rpcd object (what ubus and lime-app call): list, and call get / insert / sync as
     * rpcd runs it, the message on stdin. It sources OpenWrt's jshn.sh and calls jsonfilter (stand-ins over
     * jq, test resources). Run with bash: the script declares `local` outside any function, which busybox ash
     * (OpenWrt's /bin/sh) and dash refuse ("local: not in a function", exit 2) before reading the message;
     * bash only warns. What busybox does is printed when it is installed.
     */
    private void rpcdSharedStateAsyncObject() throws Exception {
        final String rpcd = "bash /usr/libexec/rpcd/shared-state-async";
        final Map<String, Object> list = JsonTree.object(inNode(0, rpcd + " list"));
        assertTrue(list.keySet().containsAll(List.of("get", "sync", "insert", "publish", "publish_all")), list.toString());
        for (int i = 0; i < NODES; i++) {
            final Map<String, Object> got = JsonTree.object(inNode(i, "echo '{\"data_type\": \"bat-hosts\"}' | " + rpcd + " call get 2>/dev/null"));
            assertEquals(0L, ((Number) got.get("error")).longValue(), host(i) + ": " + got);
            assertEquals(JsonTree.object(inNode(i, "shared-state-async get bat-hosts 2>/dev/null")), got.get("data"), host(i) + " rpcd get");
        }
        final Map<String, Object> ins = JsonTree.object(inNode(2, "echo '{\"data_type\": \"bat-hosts\", \"json\": {\"02:cc:00:00:00:09\": "
            + "\"rpcd_añadido\"}}' | " + rpcd + " call insert 2>/dev/null"));
        assertEquals(0L, ((Number) ins.get("error")).longValue(), "rpcd insert: " + ins);
        for (final String call : List.of("{\"data_type\": \"bat-hosts\"}", "{\"data_type\": \"bat-hosts\", \"peers_ip\": [\"127.0.0.1\", \"::1\"]}",
            "{\"data_type\": \"bat-hosts\", \"peers_ip\": \"127.0.0.1\"}")) {
            final Map<String, Object> sync = JsonTree.object(inNode(1, "echo '" + call + "' | " + rpcd + " call sync 2>/dev/null"));
            assertEquals(0L, ((Number) sync.get("error")).longValue(), "rpcd sync " + call + ": " + sync);
        }
        final long t0 = System.nanoTime();
        for (int i = 0; i < NODES; i++) {
            awaitInNode(i, "echo '{\"data_type\": \"bat-hosts\"}' | " + rpcd + " call get",
                out -> "rpcd_añadido".equals(((Map<?, ?>) JsonTree.object(out).get("data")).get("02:cc:00:00:00:09")));
        }
        System.out.printf("LibremeshScriptsTest: rpcd shared-state-async insert on %s seen by rpcd get on every node after %.1f s%n", host(2),
            (System.nanoTime() - t0) / 1e9);
        if (sh("busybox true") == 0) {
            System.out.println("LibremeshScriptsTest: the same rpcd get under busybox ash: "
                + inNode(0, "echo '{\"data_type\": \"bat-hosts\"}' | busybox sh /usr/libexec/rpcd/shared-state-async call get 2>&1; echo \"exit $?\"")
                .strip().replace('\n', ' '));
        }
        chismeRpcdObjectRepliesAsLibremeshs();
    }

    /**
     * chisme's rpcd object (packaging/openwrt/chisme/files/shared-state-async.rpcd), under busybox ash when
     * installed (OpenWrt's /bin/sh; else sh), gives the replies LibreMesh's object gives under bash, call by
     * call on the same node: list, get (kept data, an unknown type, no type), insert (a new key, no json),
     * sync (no peers, an array, a string), publish (a real publisher, a missing one), publish_all (both objects
     * run the package's shared-state-async-publish-all, which replaces the command of the removed package).
     */
    private void chismeRpcdObjectRepliesAsLibremeshs() throws Exception {
        final String real = "bash /usr/libexec/rpcd/shared-state-async";
        final String ours = (sh("busybox true") == 0 ? "busybox sh" : "sh") + " /usr/libexec/rpcd/chisme-shared-state-async";
        assertEquals(JsonTree.object(inNode(0, real + " list")), JsonTree.object(inNode(0, ours + " list")), "list");
        final List<String[]> calls = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            calls.add(new String[] {Integer.toString(i), "get", "{\"data_type\": \"bat-hosts\"}"});
        }
        calls.add(new String[] {"0", "get", "{\"data_type\": \"never-inserted\"}"});
        calls.add(new String[] {"0", "get", "{}"});
        calls.add(new String[] {"2", "insert", "{\"data_type\": \"bat-hosts\"}"});
        calls.add(new String[] {"1", "sync", "{\"data_type\": \"bat-hosts\"}"});
        calls.add(new String[] {"1", "sync", "{\"data_type\": \"bat-hosts\", \"peers_ip\": [\"127.0.0.1\", \"::1\"]}"});
        calls.add(new String[] {"1", "sync", "{\"data_type\": \"bat-hosts\", \"peers_ip\": \"127.0.0.1\"}"});
        calls.add(new String[] {"0", "publish", "{\"data_type\": \"bat_hosts\"}"});
        calls.add(new String[] {"0", "publish", "{\"data_type\": \"no-such-publisher\"}"});
        calls.add(new String[] {"0", "publish_all", "{}"});
        for (final String[] c : calls) {
            final int i = Integer.parseInt(c[0]);
            final String call = " call " + c[1] + " 2>/dev/null";
            assertEquals(JsonTree.object(inNode(i, "echo '" + c[2] + "' | " + real + call)), JsonTree.object(inNode(i, "echo '" + c[2] + "' | " + ours + call)),
                host(i) + " " + c[1] + " " + c[2]);
        }
        // Both objects insert a key on node 3; both keys reach chisme's object's get on every node.
        for (final String[] k : new String[][] {{real, "02:cc:00:00:00:0b", "por_lime"}, {ours, "02:cc:00:00:00:0c", "por_chisme"}}) {
            final Map<String, Object> ins = JsonTree.object(inNode(2, "echo '{\"data_type\": \"bat-hosts\", \"json\": {\"" + k[1] + "\": \""
                + k[2] + "\"}}' | " + k[0] + " call insert 2>/dev/null"));
            assertEquals(0L, ((Number) ins.get("error")).longValue(), k[0] + " insert: " + ins);
        }
        for (int i = 0; i < NODES; i++) {
            awaitInNode(i, "echo '{\"data_type\": \"bat-hosts\"}' | " + ours + " call get", out -> {
                final Map<?, ?> data = (Map<?, ?>) JsonTree.object(out).get("data");
                return "por_lime".equals(data.get("02:cc:00:00:00:0b")) && "por_chisme".equals(data.get("02:cc:00:00:00:0c"));
            });
        }
        // The cron lines' commands, as cron runs them (no environment): both folders' real publishers succeed last.
        for (final String command : List.of("shared-state-publish-all", "shared-state-async-publish-all")) {
            assertEquals("0", inNode(1, command + " >/dev/null 2>&1; echo -n $?").strip(), command);
        }
    }

    /** Runs {@code command} in node i until its output satisfies {@code ok} (bounded by CONVERGE_MS). */
    private void awaitInNode(final int i, final String command, final java.util.function.Predicate<String> ok) throws Exception {
        final long deadline = System.nanoTime() + CONVERGE_MS * 1_000_000;
        String out = "";
        while (System.nanoTime() < deadline) {
            out = inNode(i, command + " 2>/dev/null");
            try {
                if (ok.test(out)) {
                    return;
                }
            } catch (final RuntimeException notYet) {
                // e.g. `[]` before the first entry arrived
            }
            Thread.sleep(250);
        }
        fail(host(i) + ": `" + command + "` never as expected after " + CONVERGE_MS + " ms:\n" + out);
    }

    /** Runs a shell command inside node i's namespaces (as a user's ssh session would), with the node's Lua path. */
    private String inNode(final int i, final String command) throws Exception {
        final Path outFile = Files.createTempFile(run, "in-node-", ".out");
        final ProcessHandle daemon = nodes.get(i).children().findFirst().orElseThrow(() -> new AssertionError(host(i) + " has no daemon process"));
        final Process p = new ProcessBuilder("nsenter", "-t", Long.toString(daemon.pid()), "-m", "-u", "--", "sh", "-c",
            "export LUA_PATH='/usr/lib/lua/?.lua;/usr/share/lua/5.1/?.lua;/usr/share/lua/5.1/?/init.lua;;'; " + command)
            .redirectErrorStream(true).redirectOutput(outFile.toFile()).start();
        // Output to a file, not a pipe: Pirania's hooks go to the background and may hold a pipe open.
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(command + " on " + host(i) + " did not finish in 60 s");
        }
        final String out = Files.readString(outFile, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), command + " on " + host(i) + ":\n" + out);
        return out;
    }

    private void awaitVoucher(final int i, final String id, final int modCounter, final boolean invalidated) throws Exception {
        final Path file = hostPath(i, Path.of("/etc/pirania/vouchers/" + id + ".json"));
        final long deadline = System.nanoTime() + CONVERGE_MS * 1_000_000;
        String got = "<missing>";
        while (System.nanoTime() < deadline) {
            if (Files.isRegularFile(file)) {
                got = Files.readString(file, StandardCharsets.UTF_8);
                if (got.contains("\"mod_counter\":" + modCounter) && got.contains("\"invalidation_date\":") == invalidated) {
                    return;
                }
            }
            Thread.sleep(250);
        }
        fail(host(i) + ": voucher " + id + " not at mod_counter " + modCounter + (invalidated ? " (invalidated)" : "") + " after "
            + CONVERGE_MS + " ms: " + got + "\nshelf: " + inNode(i, "shared-state get pirania-vouchers"));
    }

    /** The files the real hooks write, as sets of lines (Lua's pairs() order is unspecified). */
    private Map<String, TreeSet<String>> expected(final int i) {
        final Map<String, TreeSet<String>> m = new LinkedHashMap<>();
        final TreeSet<String> hosts = new TreeSet<>();
        final TreeSet<String> remoteLeases = new TreeSet<>();
        final TreeSet<String> servers = new TreeSet<>();
        final TreeSet<String> babel = new TreeSet<>();
        final TreeSet<String> bat = new TreeSet<>();
        for (int j = 0; j < NODES; j++) {
            final int n = j + 1;
            // dnsmasq-hosts: /etc/hosts lines (publish_dnsmasq_hosts) and "IP NAME" of leases and own addresses (publish_dnsmasq_leases)
            hosts.add("10.13.0." + n + " " + host(j) + " peña-" + n);
            hosts.add("10.13.1." + n + " client-" + n);
            hosts.add("10.13.0." + n + " " + host(j));
            hosts.add("fd13::" + n + " " + host(j));
            if (j != i) {
                // generate_dnsmasq_leases: "MAC,IP" of other authors' IPv4 leases (own address included)
                remoteLeases.add("aa:bb:cc:00:00:0" + n + ",10.13.1." + n);
                remoteLeases.add("02:ab:00:00:0" + n + ":01,10.13.0." + n);
                // generate_dnsmasq_servers: other nodes' local domains
                servers.add("server=/lan-" + n + "/fd13:a::" + n);
            }
            babel.add("02:00:00:00:00:0" + n + " " + host(j));
            bat.add("02:ab:00:00:0" + n + ":01 lm_node_" + n + "_br_lan");
            bat.add("02:ab:00:00:0" + n + ":02 lm_node_" + n + "_wlan0_mesh");
        }
        m.put("/var/hosts/shared-state-dnsmasq_hosts", hosts);
        m.put("/tmp/dhcp.hosts_remote", remoteLeases);
        m.put("/var/shared-state/dnsmasq_servers", servers);
        m.put("/etc/babeld-hosts", babel);
        m.put("/etc/bat-hosts", bat);
        return m;
    }

    private Map<String, TreeSet<String>> actual(final int i) throws IOException {
        final Map<String, TreeSet<String>> m = new LinkedHashMap<>();
        for (final String f : expected(i).keySet()) {
            final Path p = hostPath(i, Path.of(f));
            final TreeSet<String> lines = new TreeSet<>();
            if (Files.isRegularFile(p)) {
                for (final String l : Files.readAllLines(p, StandardCharsets.UTF_8)) {
                    if (!l.isEmpty()) {
                        lines.add(l);
                    }
                }
            } else {
                lines.add("<missing>");
            }
            m.put(f, lines);
        }
        return m;
    }

    /**
     * Where a path inside node i's namespace is on this machine: /etc in its overlay's upper directory
     * (following the packages' links: /etc/bat-hosts -> ../var/bat-hosts), /tmp and /var in ROOT/tmp.
     */
    private Path hostPath(final int i, final Path inside) throws IOException {
        final String s = inside.normalize().toString();
        if (s.startsWith("/etc/")) {
            final Path upper = root(i).resolve("etc-upper").resolve(s.substring(5));
            if (Files.isSymbolicLink(upper)) {
                return hostPath(i, inside.getParent().resolve(Files.readSymbolicLink(upper)));
            }
            return upper;
        }
        if (s.startsWith("/tmp/") || s.startsWith("/var/")) {
            return root(i).resolve("tmp").resolve(s.substring(5)); // /var and /tmp are the same directory
        }
        throw new IllegalArgumentException("not a node path: " + inside);
    }

    /** JVM start is slow on a loaded machine: wait (bounded) for the admin socket before timing the hooks. */
    private void awaitSocket(final int i) throws Exception {
        final long deadline = System.nanoTime() + READY_MS * 1_000_000;
        while (!Files.exists(root(i).resolve("tmp/run/chisme/admin.sock"))) {
            if (!nodes.get(i).isAlive() || System.nanoTime() > deadline) {
                fail(host(i) + " did not start:\n" + Files.readString(root(i).resolve("node.log")));
            }
            Thread.sleep(200);
        }
    }

    private void awaitFiles(final int i) throws Exception {
        final long deadline = System.nanoTime() + CONVERGE_MS * 1_000_000;
        Map<String, TreeSet<String>> got = null;
        while (System.nanoTime() < deadline) {
            if (!nodes.get(i).isAlive()) {
                fail(host(i) + " died:\n" + Files.readString(root(i).resolve("node.log")));
            }
            got = actual(i);
            if (got.equals(expected(i))) {
                return;
            }
            Thread.sleep(250);
        }
        final CliRunner.Result logs = CliRunner.run("logs", "--admin", root(i).resolve("tmp/run/chisme/admin.sock").toString(), "-n", "200");
        fail(host(i) + ": hook files differ after " + CONVERGE_MS + " ms\nexpected " + expected(i) + "\nactual   " + got
            + "\nlog:\n" + Files.readString(root(i).resolve("node.log")) + "\nevents:\n" + logs.out() + logs.err());
    }

    private static void stop(final Process p) {
        final List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
        // SIGTERM to the daemon itself (unshare does not pass it on): it stops cleanly, stores closed.
        tree.forEach(ProcessHandle::destroy);
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            for (final ProcessHandle h : tree) {
                h.onExit().get(30, TimeUnit.SECONDS);
            }
        } catch (final Exception e) {
            tree.forEach(ProcessHandle::destroyForcibly);
        }
    }

    private static void copyTree(final Path from, final Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            return;
        }
        try (Stream<Path> s = Files.walk(from)) {
            for (final Path p : s.toList()) {
                final Path dst = to.resolve(from.relativize(p).toString());
                if (Files.isSymbolicLink(p)) {
                    Files.createDirectories(dst.getParent());
                    Files.deleteIfExists(dst);
                    Files.createSymbolicLink(dst, Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p)) {
                    Files.createDirectories(dst);
                } else {
                    Files.copy(p, dst, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static void write(final Path p, final String text) throws IOException {
        Files.createDirectories(p.getParent());
        Files.writeString(p, text, StandardCharsets.UTF_8);
    }

    private static int sh(final String cmd) {
        try {
            final Process p = new ProcessBuilder("sh", "-c", cmd).redirectErrorStream(true).start();
            try (InputStream in = p.getInputStream()) {
                in.readAllBytes();
            }
            return p.waitFor(20, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (final IOException | InterruptedException e) {
            return -1;
        }
    }
}
