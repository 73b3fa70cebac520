package chisme.node.config;

import chisme.node.kademlia.KademliaConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Defaults are written once: what ConfigKey shows, NodeConfig uses, KademliaConfig gets and the docs list agree. */
class ConfigDefaultsTest {
    /** rpc-timeout-ms -> rpcTimeoutMs */
    private static String accessor(final String key) {
        final StringBuilder b = new StringBuilder();
        boolean upper = false;
        for (final char c : key.toCharArray()) {
            if (c == '-') {
                upper = true;
            } else {
                b.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return b.toString();
    }

    @Test
    void shouldShowTheNumericDefaultsNodeConfigUses() throws Exception {
        final NodeConfig fresh = new NodeConfig();
        int checked = 0;
        for (final ConfigKey key : ConfigKey.values()) {
            if (!key.defaultText().matches("-?[0-9]+")) {
                continue;
            }
            final Method m;
            try {
                m = NodeConfig.class.getMethod(accessor(key.key()));
            } catch (final NoSuchMethodException e) {
                continue; // a key stored elsewhere (discovery, store), shown by its own class
            }
            assertEquals(key.defaultText(), String.valueOf(m.invoke(fresh)), key.key());
            checked++;
        }
        assertTrue(checked >= 20, "checked " + checked);
    }

    @Test
    void shouldPassKademliaItsOwnDefaults() {
        final KademliaConfig own = new KademliaConfig();
        final KademliaConfig derived = new NodeConfig().kademliaConfig();
        assertEquals(own.k(), derived.k());
        assertEquals(own.alpha(), derived.alpha());
        assertEquals(own.rpcTimeoutMs(), derived.rpcTimeoutMs());
        assertEquals(own.lookupStallMs(), derived.lookupStallMs());
        assertEquals(own.refreshIntervalMs(), derived.refreshIntervalMs());
        assertEquals(own.replicateIntervalMs(), derived.replicateIntervalMs());
        assertEquals(own.republishIntervalMs(), derived.republishIntervalMs());
        assertEquals(own.expireAfterMs(), derived.expireAfterMs());
        assertEquals(own.maxValueBytes(), derived.maxValueBytes());
        assertEquals(own.joinRetryMinMs(), derived.joinRetryMinMs());
        assertEquals(own.joinRetryMaxMs(), derived.joinRetryMaxMs());
        assertEquals(own.firstContactTimeoutMs(), derived.firstContactTimeoutMs());
        assertEquals(own.mergeCooldownMs(), derived.mergeCooldownMs());
        assertEquals(own.handoffStoresPerTick(), derived.handoffStoresPerTick());
        assertEquals(own.handoffTickMs(), derived.handoffTickMs());
        assertEquals(own.eventLogCapacity(), derived.eventLogCapacity());
        assertEquals(own.contactLimits(), derived.contactLimits());
        assertEquals(own.lookupMaxPerIp(), derived.lookupMaxPerIp());
        assertEquals(own.lookupMaxPerPrefix(), derived.lookupMaxPerPrefix());
        assertEquals(own.remoteStoreSharePerPrefix(), derived.remoteStoreSharePerPrefix(), 1e-9);
    }

    @Test
    void shouldListEveryKeyWithItsDefaultInTheDocs() throws IOException {
        Path docs = Path.of("docs/configuration.md");
        if (!Files.exists(docs)) {
            docs = Path.of("../docs/configuration.md"); // surefire runs in the module directory
        }
        final List<String> lines = Files.readAllLines(docs);
        final List<String> wrong = new ArrayList<>();
        for (final ConfigKey key : ConfigKey.values()) {
            if (!key.defaultText().matches("-?[0-9]+")) {
                continue;
            }
            final String row = "| `" + key.key() + "` | `" + key.defaultText() + "` |";
            if (lines.stream().noneMatch(l -> l.startsWith(row))) {
                wrong.add(key.key() + " (expected a row starting " + row + ")");
            }
        }
        assertEquals(List.of(), wrong);
    }
}
