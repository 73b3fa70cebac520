package chisme.node.config;

import chisme.node.sharedstate.HookDir;
import chisme.node.sharedstate.HookFormat;
import chisme.node.sharedstate.SharedStateConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 14's configuration: hook/publisher lists, per-shelf hook format, UCI dataTypes, async registry, paths, author. */
class LibremeshConfigTest {
    private static NodeConfig base(final Path dir) {
        return new NodeConfig().dataDir(dir).uciConfig(dir.resolve("no-uci")).asyncRegistry(dir.resolve("no-registry"));
    }

    @Test
    void shouldTakeSeveralHookDirectoriesEachWithItsFormat(@TempDir final Path dir) throws IOException {
        final Path conf = dir.resolve("c.conf");
        Files.writeString(conf, """
            hooks = libremesh:/etc/shared-state/hooks
            hooks = /usr/share/shared-state/hooks
            publishers = /etc/shared-state/publishers
            publishers = /usr/share/shared-state/publishers
            shelf.bat-hosts.hook-format = data
            shelf.dnsmasq-hosts.hook-format = libremesh
            admin-socket = /run/x/admin.sock
            """);
        final NodeConfig c = ConfigFile.load(conf, base(dir)).conclude();
        assertEquals(List.of(new HookDir(Path.of("/etc/shared-state/hooks"), HookFormat.LIBREMESH),
            new HookDir(Path.of("/usr/share/shared-state/hooks"), HookFormat.DATA)), c.hookDirs());
        assertEquals(List.of(Path.of("/etc/shared-state/publishers"), Path.of("/usr/share/shared-state/publishers")), c.publisherDirs());
        final SharedStateConfig ss = c.sharedStateConfig();
        assertEquals(HookFormat.DATA, ss.hookFormat("bat-hosts", ss.hookDirs().get(0)));
        assertEquals(HookFormat.LIBREMESH, ss.hookFormat("dnsmasq-hosts", ss.hookDirs().get(1)));
        assertEquals(HookFormat.LIBREMESH, ss.hookFormat("other", ss.hookDirs().get(0)));
        assertEquals(Path.of("/run/x/admin.sock"), c.adminSocket());
        assertEquals(Path.of("/run/x/admin.sock"), ss.adminSocket());
    }

    @Test
    void shouldRefuseBadHookFormats(@TempDir final Path dir) {
        assertThrows(IllegalArgumentException.class, () -> new NodeConfig().shelfSetting("bat-hosts.hook-format=lua"));
        assertThrows(IllegalArgumentException.class, () -> ConfigKey.HOOKS.apply(new NodeConfig(), "yaml:/x"));
        // Without hooks and without the LibreMesh trees on this machine: DATA/hooks in the default format.
        if (HookDir.libremeshDefaults().isEmpty()) {
            final NodeConfig c = base(dir);
            ConfigKey.HOOK_FORMAT.apply(c, "libremesh");
            assertEquals(List.of(new HookDir(dir.resolve("hooks"), HookFormat.LIBREMESH)), c.conclude().hookDirs());
        }
    }

    @Test
    void shouldReadUciDataTypesAndLetTheFileWin(@TempDir final Path dir) throws IOException {
        final Path uci = dir.resolve("shared-state");
        Files.writeString(uci, """
            config dataType 'net_stats'
            \toption name 'net-stats'
            \toption scope 'community'
            \toption ttl '1200'
            \toption update_interval '120'

            config other 'x'
            \toption name 'ignored'

            config dataType
            \toption name "bat-hosts"
            \toption ttl 2400
            \toption update_interval 'soon'
            """);
        final List<String> problems = new ArrayList<>();
        assertEquals(Map.of("net-stats", Map.of("ttl-s", "1200", "sync-interval-s", "120"), "bat-hosts", Map.of("ttl-s", "2400")),
            UciDataTypes.read(uci, problems));
        assertEquals(1, problems.size(), problems.toString());
        final NodeConfig c = base(dir).uciConfig(uci).shelfSetting("bat-hosts.ttl-s=60").conclude();
        final SharedStateConfig ss = c.sharedStateConfig();
        assertEquals(1_200_000, ss.shelf("net-stats").ttlMs());
        assertEquals(120_000, ss.shelf("net-stats").syncIntervalMs());
        assertEquals(60_000, ss.shelf("bat-hosts").ttlMs(), "the config file's shelf setting wins over UCI");
        assertEquals(1, c.warnings().size());
    }

    @Test
    void shouldReadAndWriteTheAsyncRegistryInTheRealFormat(@TempDir final Path dir) throws IOException {
        final Path reg = dir.resolve("shared-state").resolve("shared-state-async.conf");
        AsyncRegistry.register(reg, new AsyncRegistry.Type("bat-hosts", "community", 30, 1200));
        AsyncRegistry.register(reg, new AsyncRegistry.Type("node_info", "community", 60, 2400));
        final String text = Files.readString(reg);
        assertTrue(text.contains("{\"key\":\"bat-hosts\",\"value\":{\"mName\":\"bat-hosts\",\"mScope\":\"community\","
            + "\"mUpdateInterval\":{\"xint64\":30,\"xstr64\":\"30\"},\"mBleachTTL\":{\"xint64\":1200,\"xstr64\":\"1200\"}}}"), text);
        // As the real tool writes it (libretroshare pretty print) and with bare numbers.
        Files.writeString(reg, "[\n    {\n        \"key\": \"pirania\",\n        \"value\": {\n            \"mName\": \"pirania\",\n"
            + "            \"mScope\": \"community\",\n            \"mUpdateInterval\": {\n                \"xint64\": 120,\n"
            + "                \"xstr64\": \"120\"\n            },\n            \"mBleachTTL\": 86400\n        }\n    }\n]\n");
        final NodeConfig c = base(dir).asyncRegistry(reg).conclude();
        assertEquals(86_400_000, c.sharedStateConfig().shelf("pirania").ttlMs());
        assertEquals(120_000, c.sharedStateConfig().shelf("pirania").syncIntervalMs());
        Files.writeString(reg, "{}\n");
        assertTrue(AsyncRegistry.read(reg, new ArrayList<>()).isEmpty(), "the async init script's empty registry");
    }

    @Test
    void shouldTakeTheKernelHostNameAsAuthor(@TempDir final Path dir) throws IOException {
        final Path h = dir.resolve("hostname");
        Files.writeString(h, "lm-node-7\n");
        assertEquals("lm-node-7", NodeConfig.kernelHostName(h));
        Files.writeString(h, "\n");
        assertNull(NodeConfig.kernelHostName(h));
        assertNull(NodeConfig.kernelHostName(dir.resolve("missing")));
        final Path proc = Path.of("/proc/sys/kernel/hostname");
        if (Files.isReadable(proc)) {
            assertEquals(Files.readString(proc).strip(), base(dir).conclude().name());
        }
    }

    @Test
    void shouldFindTheAdminSocketWithoutAnEnvironment(@TempDir final Path dir) throws IOException {
        final Path conf = dir.resolve("chisme.conf");
        Files.writeString(conf, "# system config\ndata = /var/lib/chisme\n");
        assertEquals(Path.of("/var/lib/chisme/admin.sock"), AdminPaths.clientSocket(Map.of("CHISME_CONFIG", conf.toString())));
        Files.writeString(conf, "data = /var/lib/chisme\nadmin-socket = /var/run/chisme/admin.sock\n");
        assertEquals(Path.of("/var/run/chisme/admin.sock"), AdminPaths.clientSocket(Map.of("CHISME_CONFIG", conf.toString())));
        assertEquals(dir.resolve("d").resolve("admin.sock"),
            AdminPaths.clientSocket(Map.of("CHISME_CONFIG", conf.toString(), "CHISME_DATA", dir.resolve("d").toString())));
        assertEquals(Path.of("/x/a.sock"), AdminPaths.clientSocket(Map.of("CHISME_ADMIN", "/x/a.sock", "CHISME_DATA", "/y")));
        if (System.getProperty(AdminPaths.CONFIG_PROPERTY) == null) {
            assertEquals(AdminPaths.SYSTEM_CONFIG, AdminPaths.systemConfig(Map.of()));
        }
    }
}
