package chisme.node.config;

import chisme.node.sharedstate.WritePolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigFileTest {
    @TempDir
    Path dir;

    private Path write(final String text) throws IOException {
        final Path f = dir.resolve("chisme.conf");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void shouldAcceptAByteOrderMark() throws IOException {
        final NodeConfig c = ConfigFile.load(write("\uFEFFport = 4301\n"), new NodeConfig().dataDir(dir));
        assertEquals(4301, c.port());
    }

    @Test
    void shouldUseEmbeddedDefaults() {
        final NodeConfig c = new NodeConfig().dataDir(dir).conclude();
        assertEquals(4200, c.port());
        assertEquals(20, c.k());
        assertEquals(3, c.alpha());
        assertEquals(dir.resolve("hooks"), c.hooksDir());
        assertEquals(dir.resolve("admin.sock"), c.adminSocket());
        assertTrue(c.persistent());
    }

    @Test
    void shouldReadEveryKindOfLine() throws IOException {
        final Path f = write("""
            # a comment
            port = 4300
            bind = 127.0.0.1

            join = 10.0.0.1:4200
            join = [fe80::1%wlan0]:4200
            neighbour = localhost:4200
            k = 8
            alpha = 2
            store = memory
            log-level = debug
            shelf-ttl-s = 600
            """);
        final NodeConfig c = ConfigFile.load(f, new NodeConfig().dataDir(dir)).conclude();
        assertEquals(4300, c.port());
        assertEquals("127.0.0.1", c.bind());
        assertEquals(2, c.joins().size());
        assertEquals(new HostPort("fe80::1%wlan0", 4200), c.joins().get(1));
        assertEquals(new HostPort("localhost", 4200), c.neighbours().get(0));
        assertEquals(8, c.kademliaConfig().k());
        assertEquals(2, c.kademliaConfig().alpha());
        assertEquals(false, c.persistent());
        assertEquals(LogLevel.DEBUG, c.logLevel());
        assertEquals(600, c.shelfTtlS());
    }

    @Test
    void shouldNameFileLineAndKeyOnBadValue() throws IOException {
        final Path f = write("port = 4200\n\nk = 99\n");
        final ConfigException e = assertThrows(ConfigException.class, () -> ConfigFile.load(f, new NodeConfig()));
        assertEquals(f + ":3: k: 99 not in 1..32", e.getMessage());
    }

    @Test
    void shouldRejectUnknownKeyRepeatedKeyAndMissingEquals() throws IOException {
        assertTrue(assertThrows(ConfigException.class, () -> ConfigFile.load(write("prot = 1\n"), new NodeConfig()))
            .getMessage().endsWith(":1: prot: unknown key (see docs/configuration.md)"));
        assertTrue(assertThrows(ConfigException.class, () -> ConfigFile.load(write("port = 1\nport = 2\n"), new NodeConfig()))
            .getMessage().endsWith(":2: port: set twice"));
        assertTrue(assertThrows(ConfigException.class, () -> ConfigFile.load(write("port 1\n"), new NodeConfig()))
            .getMessage().endsWith(":1: expected 'key = value', got 'port 1'"));
        assertTrue(assertThrows(ConfigException.class, () -> ConfigFile.load(write("join = nohost\n"), new NodeConfig()))
            .getMessage().contains(":1: join: expected HOST:PORT"));
        assertTrue(assertThrows(ConfigException.class, () -> ConfigFile.load(dir.resolve("missing.conf"), new NodeConfig()))
            .getMessage().endsWith("missing.conf: no such config file"));
    }

    @Test
    void shouldRejectAlphaAboveK() {
        final ConfigException e = assertThrows(ConfigException.class, () -> new NodeConfig().dataDir(dir).k(2).alpha(3).conclude());
        assertEquals("alpha: 3 is larger than k (2)", e.getMessage());
    }

    @Test
    void shouldParseHostPortForms() {
        assertEquals(new HostPort("10.0.0.1", 1), HostPort.parse("10.0.0.1:1"));
        assertEquals(new HostPort("::1", 4200), HostPort.parse("[::1]:4200"));
        assertEquals("[::1]:4200", HostPort.parse("[::1]:4200").toString());
        for (final String bad : new String[] {"", "host", "host:", ":4200", "host:0", "host:65536", "host:x", "::1:4200", "[::1]4200", "a b:1"}) {
            assertThrows(IllegalArgumentException.class, () -> HostPort.parse(bad), bad);
        }
    }

    @Test
    void shouldReadPerShelfSettings() throws IOException {
        final Path f = write("shelf.pirania.ttl-s = 86400\nshelf.pirania.merge-policy = content\nshelf-ttl-s = 600\n");
        final NodeConfig c = ConfigFile.load(f, new NodeConfig().dataDir(dir)).conclude();
        final chisme.node.sharedstate.SharedStateConfig ss = c.sharedStateConfig();
        assertEquals(86_400_000L, ss.shelf("pirania").ttlMs());
        assertEquals(chisme.node.sharedstate.MergePolicy.CONTENT, ss.shelf("pirania").policy());
        assertEquals(600_000L, ss.shelf("other").ttlMs());
        assertTrue(assertThrows(ConfigException.class, () -> ConfigFile.load(write("shelf.pirania.colour = red\n"), new NodeConfig()))
            .getMessage().contains(":1: shelf.pirania.colour: unknown shelf setting 'colour'"));
        assertTrue(assertThrows(ConfigException.class, () -> ConfigFile.load(write("shelf.pirania.ttl-s = soon\n"), new NodeConfig()))
            .getMessage().contains(":1: shelf.pirania.ttl-s: bad value 'soon' for ttl-s"));
    }

    @Test
    void shouldReadTheNodeWideWritePolicyUnderPerShelfOnes() throws IOException {
        final WritePolicy signedDefault = new NodeConfig().dataDir(dir).conclude().sharedStateConfig().shelf("any").writers(true);
        assertEquals(WritePolicy.AUTHOR, signedDefault, "unset: author when signing");
        final Path f = write("writers = open\nshelf.own.writers = author\n");
        final chisme.node.sharedstate.SharedStateConfig ss = ConfigFile.load(f, new NodeConfig().dataDir(dir)).conclude().sharedStateConfig();
        assertEquals(WritePolicy.OPEN, ss.shelf("dnsmasq-leases").writers(true), "LibreMesh's semantics for every shelf");
        assertEquals(WritePolicy.AUTHOR, ss.shelf("own").writers(true), "a shelf's own setting wins");
        assertTrue(assertThrows(ConfigException.class, () -> ConfigFile.load(write("writers = everyone\n"), new NodeConfig()))
            .getMessage().contains(":1: writers: writers: 'open', 'author' or key ids"));
    }

    @Test
    void shouldReadTheSybilAndFairShareLimits() throws IOException {
        final Path f = write("contacts-per-ip-per-bucket = 3\ncontacts-per-ip = 0\ncontacts-per-prefix-per-bucket = 20\n"
            + "contacts-per-prefix = 80\nlookup-max-per-ip = 4\nlookup-max-per-prefix = 0\nstore-share-per-prefix-percent = 50\n");
        final chisme.node.kademlia.KademliaConfig k = ConfigFile.load(f, new NodeConfig().dataDir(dir)).conclude().kademliaConfig();
        assertEquals(new chisme.node.routing.ContactLimits(3, Integer.MAX_VALUE, 20, 80), k.contactLimits());
        assertEquals(4, k.lookupMaxPerIp());
        assertEquals(Integer.MAX_VALUE, k.lookupMaxPerPrefix(), "0 = no limit");
        assertEquals(0.5, k.remoteStoreSharePerPrefix(), 1e-9);
        assertTrue(assertThrows(ConfigException.class, () -> ConfigFile.load(write("store-share-per-prefix-percent = 0\n"),
            new NodeConfig())).getMessage().contains("store-share-per-prefix-percent"));
        assertTrue(assertThrows(ConfigException.class, () -> ConfigFile.load(write("lookup-max-per-ip = -1\n"),
            new NodeConfig())).getMessage().contains("lookup-max-per-ip"));
    }
}
