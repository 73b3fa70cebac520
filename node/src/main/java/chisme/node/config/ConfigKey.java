package chisme.node.config;

import chisme.node.discovery.DiscoveryConfig;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Every setting of {@code chisme node}: the same name is a line {@code name = value} in the config file
 * and a flag {@code --name value}. Each key parses and range-checks its own value (one-line
 * {@link IllegalArgumentException}); docs/configuration.md lists them all.
 */
public enum ConfigKey {
    BIND("bind", false, "::", "address the UDP port binds to (:: = every IPv6 and IPv4 address)"),
    PORT("port", false, "4200", "UDP port for both Kademlia and shared-state (0 = any free port)"),
    DATA("data", false, "$CHISME_DATA or ~/.chisme/data", "data directory: stores, node id, contacts, admin socket"),
    JOIN("join", true, "(none)", "bootstrap node HOST:PORT, repeatable; without any the node rejoins through saved contacts"),
    NEIGHBOUR("neighbour", true, "(none)", "static shared-state neighbour HOST:PORT, repeatable"),
    HOOKS("hooks", true, "/etc/shared-state/hooks (libremesh) and /usr/share/shared-state/hooks (data) where they exist, else DATA/hooks",
        "hooks directory [FORMAT:]DIR laid out as DIR/SHELF/, repeatable; FORMAT 'libremesh' or 'data' (default: hook-format)"),
    PUBLISHERS("publishers", true, "/etc/shared-state/publishers and /usr/share/shared-state/publishers where they exist, else DATA/publishers",
        "publishers directory, repeatable (executables run at start and every publish-interval-s)"),
    ADMIN_SOCKET("admin-socket", false, "DATA/admin.sock", "admin Unix socket; the CLI finds it through the system config file (/etc/chisme/chisme.conf)"),
    UCI_CONFIG("uci-config", false, "/etc/config/shared-state", "LibreMesh UCI file whose 'config dataType' sections (name, ttl, update_interval) set shelf ttl-s and sync-interval-s at start"),
    ASYNC_REGISTRY("async-registry", false, "/tmp/shared-state/shared-state-async.conf", "shared-state-async's type registry (written by 'shared-state-async register'), read at start"),
    START_HOOKS_DELAY_S("start-hooks-delay-s", false, "5", "after start, every shelf's hooks run once after this settle time (rebuilds files a reboot wiped)"),
    LUA_DATA_DIR("lua-data-dir", false, "(none)", "keep the Lua shared-state library's data files DIR/TYPE.json (LibreMesh: /var/shared-state/data) equal to the shelves, for code that reads them directly (rpcd shared-state, network-nodes.lua)"),
    LUA_PERSISTENT_DIR("lua-persistent-dir", false, "(none)", "the Lua library's shared-state-multiwriter files DIR/TYPE.json (LibreMesh: /etc/shared-state/persistent-data): each makes TYPE a multiwriter shelf, is kept equal to it, and what Lua code writes there is merged in (network-nodes.lua, Pirania's portal page)"),
    NAME("name", false, "kernel host name", "author name written into books (LibreMesh's 'author')"),
    K("k", false, String.valueOf(Defaults.KADEMLIA.k()), "Kademlia bucket size and replication factor (1..32)"),
    ALPHA("alpha", false, String.valueOf(Defaults.KADEMLIA.alpha()), "Kademlia lookup parallelism (1..k)"),
    RPC_TIMEOUT_MS("rpc-timeout-ms", false, String.valueOf(Defaults.KADEMLIA.rpcTimeoutMs()), "timeout of one request"),
    LOOKUP_STALL_MS("lookup-stall-ms", false, String.valueOf(Defaults.KADEMLIA.lookupStallMs()), "upper bound of the lookup stall, which follows measured round trips (RFC 6298, at least 20 ms): a request unanswered that long frees its alpha slot"),
    JOIN_RETRY_MIN_MS("join-retry-min-ms", false, String.valueOf(Defaults.KADEMLIA.joinRetryMinMs()), "first wait after a failed join attempt; doubles per failure (with up to half again of jitter)"),
    JOIN_RETRY_MAX_MS("join-retry-max-ms", false, String.valueOf(Defaults.KADEMLIA.joinRetryMaxMs()), "longest wait between join attempts; a joined node checks its table this often"),
    FIRST_CONTACT_TIMEOUT_MS("first-contact-timeout-ms", false, String.valueOf(Defaults.KADEMLIA.firstContactTimeoutMs()), "timeout of a bootstrap PING (a node still starting answers late)"),
    MERGE_COOLDOWN_MS("merge-cooldown-ms", false, String.valueOf(Defaults.KADEMLIA.mergeCooldownMs()), "least time between two self-lookups caused by contacts in new ranges (island merge)"),
    HANDOFF_STORES_PER_S("handoff-stores-per-s", false, String.valueOf(Defaults.HANDOFF_STORES_PER_S), "STOREs per second handing values to newly learnt closer nodes (Kademlia paper 2.5)"),
    CONTACTS_PER_IP_PER_BUCKET("contacts-per-ip-per-bucket", false, String.valueOf(Defaults.KADEMLIA.contactLimits().perIpPerBucket()), "routing table: most contacts of one IP in one bucket, replacement cache included (0 = no limit; issue 12, Sybils)"),
    CONTACTS_PER_IP("contacts-per-ip", false, String.valueOf(Defaults.KADEMLIA.contactLimits().perIp()), "routing table: most contacts of one IP in the whole table (0 = no limit)"),
    CONTACTS_PER_PREFIX_PER_BUCKET("contacts-per-prefix-per-bucket", false, String.valueOf(Defaults.KADEMLIA.contactLimits().perPrefixPerBucket()), "routing table: most contacts of one IPv4 /24 or IPv6 /64 in one bucket (0 = no limit)"),
    CONTACTS_PER_PREFIX("contacts-per-prefix", false, String.valueOf(Defaults.KADEMLIA.contactLimits().perPrefix()), "routing table: most contacts of one /24 or /64 in the whole table (0 = no limit)"),
    LOOKUP_MAX_PER_IP("lookup-max-per-ip", false, String.valueOf(Defaults.KADEMLIA.lookupMaxPerIp()), "candidates of one IP a lookup keeps (0 = no limit)"),
    LOOKUP_MAX_PER_PREFIX("lookup-max-per-prefix", false, String.valueOf(Defaults.KADEMLIA.lookupMaxPerPrefix()), "of the k a lookup considers and a STORE goes to, how many one /24 or /64 may take while other prefixes have candidates (a soft cap in tiers; 0 = plain XOR order)"),
    STORE_SHARE_PER_PREFIX_PERCENT("store-share-per-prefix-percent", false, String.valueOf(Math.round(Defaults.KADEMLIA.remoteStoreSharePerPrefix() * 100)), "percent of the remote value-store space (what the 20% local reserve leaves) the values one /24 or /64 added may take (100 = no per-prefix limit)"),
    REFRESH_INTERVAL_S("refresh-interval-s", false, String.valueOf(Defaults.seconds(Defaults.KADEMLIA.refreshIntervalMs())), "tRefresh: idle buckets get a lookup"),
    REPLICATE_INTERVAL_S("replicate-interval-s", false, String.valueOf(Defaults.seconds(Defaults.KADEMLIA.replicateIntervalMs())), "tReplicate: values are re-stored to the k closest"),
    REPUBLISH_INTERVAL_S("republish-interval-s", false, String.valueOf(Defaults.seconds(Defaults.KADEMLIA.republishIntervalMs())), "tRepublish: the publisher re-stores its values"),
    EXPIRE_AFTER_S("expire-after-s", false, String.valueOf(Defaults.seconds(Defaults.KADEMLIA.expireAfterMs())), "tExpire: a value expires this long after publication"),
    MAX_VALUE_BYTES("max-value-bytes", false, String.valueOf(Defaults.KADEMLIA.maxValueBytes()), "largest DHT value accepted (1..65536)"),
    STORE("store", false, "chronicle", "'chronicle' (persistent, in DATA) or 'memory' (lost at exit)"),
    MAX_TUPLES("max-tuples", false, "20000", "most DHT values held"),
    MAX_BOOKS("max-books", false, "20000", "most shared-state books held over all shelves"),
    MAX_BOOK_DATA_BYTES("max-book-data-bytes", false, "16384", "largest book data (canonical JSON) accepted (4..65536)"),
    SHELF_TTL_S("shelf-ttl-s", false, "3600", "lifetime of an inserted book unless re-inserted (LibreMesh: ~1 h)"),
    SHELF("shelf", true, "(none)", "a setting for one shelf: NAME.KEY=VALUE with KEY one of ttl-s, sync-interval-s, max-books, max-book-data-bytes, merge-policy, writers (open, author or key ids), hook-format; in the file also 'shelf.NAME.KEY = VALUE'"),
    MAX_VERSION_AHEAD_S("max-version-ahead-s", false, "3600", "a remote book dated more than this past our clock is refused and counted (drop_version_ahead); 1..31536000"),
    BOOK_SIGNING("book-signing", false, "on", "'on': books are signed with the node's Ed25519 key (DATA/book-signing.key) and shelves default to writers=author; 'off': unsigned, writers=open"),
    SHELF_MAX_BOOKS("shelf-max-books", false, "10000", "most books (tombstones included) one shelf holds"),
    MERGE_POLICY("merge-policy", false, "lww", "how shelves merge concurrent edits: 'lww' (versioned last writer wins), 'content' (content-addressed, Pirania style) or 'multiwriter' (LibreMesh shared-state-multiwriter)"),
    WRITERS("writers", false, "(by book-signing)", "who may write a book of any shelf without its own 'writers': 'open' (anyone, LibreMesh's semantics), 'author' (the key's first author; default when book-signing is on) or key ids; docs/security.md"),
    HOOK_FORMAT("hook-format", false, "data", "stdin of hooks in directories given without FORMAT: 'data' ({key: data}, shared-state-async) or 'libremesh' ({key: {bleachTTL, author, data}}, Lua)"),
    DISCOVERY_COMMAND("discovery-command", false, "(none)", "command printing one neighbour host[%iface][:port] per line, e.g. shared-state-get_candidates_neigh"),
    SYNC_INTERVAL_S("sync-interval-s", false, "60", "how often each shelf is reconciled with the neighbours"),
    PUBLISH_INTERVAL_S("publish-interval-s", false, "300", "how often the publishers run (LibreMesh cron: 5 min)"),
    DISCOVERY("discovery", false, "contacts", "gossip neighbours: 'contacts' (--neighbour, discovery-command, link neighbours and the Kademlia contacts) or 'static' (the same without the Kademlia contacts)"),
    LINK_DISCOVERY("link-discovery", false, "on", "'on': find nodes on the links by multicast announcements (each verified by a PING) and join through them; 'off': never announce or listen"),
    LINK_DISCOVERY_INTERFACE("link-discovery-interface", true, "every up, multicast, non-loopback interface", "interface to announce and listen on, repeatable (loopback only when named); with a single bind address only interfaces holding it"),
    LINK_DISCOVERY_GROUP4("link-discovery-group4", false, DiscoveryConfig.DEFAULT_GROUP4, "IPv4 multicast group of the announcements (224.0.0.0/24 or 239.255.0.0/16; sent with TTL 1)"),
    LINK_DISCOVERY_GROUP6("link-discovery-group6", false, DiscoveryConfig.DEFAULT_GROUP6, "IPv6 multicast group of the announcements (link-local scope ff02::/16)"),
    LINK_DISCOVERY_PORT("link-discovery-port", false, Integer.toString(DiscoveryConfig.DEFAULT_PORT), "UDP port the announcements are sent to and heard on (shared by every node on a host)"),
    LINK_DISCOVERY_INTERVAL_S("link-discovery-interval-s", false, "30", "mean time between two announcements on each link (+-25% jitter; the first goes out within a second of start)"),
    LOG_LEVEL("log-level", false, "info", "error, warn, info or debug (debug echoes every event to stderr)"),
    EVENT_LOG_CAPACITY("event-log-capacity", false, String.valueOf(Defaults.KADEMLIA.eventLogCapacity()), "recent events kept for 'chisme logs'"),
    MIN_FREE_DISK_MB("min-free-disk-mb", false, "4", "writes are refused with 'disk full' while the data directory's file system has less free space (MiB)"),
    WATCHDOG_S("watchdog-s", false, "30", "a node thread making no progress this long ends the process (non-zero exit) for a restart"),
    ADMIN_IDLE_TIMEOUT_S("admin-idle-timeout-s", false, "60", "admin connections idle this long are closed"),
    RESET_STORE("reset-store", false, "false", "create a missing map file empty instead of refusing to start (its records are lost)"),
    NEW_IDENTITY("new-identity", false, "false", "make a new node id instead of refusing a damaged or missing node-id (old one kept as node-id.old)");

    private final String key;
    private final boolean repeatable;
    private final String defaultText;
    private final String description;

    ConfigKey(final String key, final boolean repeatable, final String defaultText, final String description) {
        this.key = key;
        this.repeatable = repeatable;
        this.defaultText = defaultText;
        this.description = description;
    }

    /** Name in the file and, with "--", as a flag. */
    public String key() {
        return key;
    }

    public boolean repeatable() {
        return repeatable;
    }

    public String defaultText() {
        return defaultText;
    }

    public String description() {
        return description;
    }

    /** Parses {@code value} into {@code config}; throws {@link IllegalArgumentException} with a one-line reason. */
    public void apply(final NodeConfig config, final String value) {
        if (value == null) {
            throw new IllegalArgumentException("missing value");
        }
        set(config, value);
    }

    /**
     * One case per key, not a lambda per key: with class data sharing off (the router profile) every lambda is a
     * class spun at start, 64 of them before the node could read its first flag (issue 16, session 7).
     */
    private void set(final NodeConfig c, final String v) {
        switch (this) {
            case BIND -> c.bind(v.trim());
            case PORT -> c.port(intIn(v, 0, 65_535));
            case DATA -> c.dataDir(Path.of(nonEmpty(v)));
            case JOIN -> c.joins().add(HostPort.parse(v));
            case NEIGHBOUR -> c.neighbours().add(HostPort.parse(v));
            case HOOKS -> c.hookDir(nonEmpty(v));
            case PUBLISHERS -> c.publisherDir(Path.of(nonEmpty(v)));
            case ADMIN_SOCKET -> c.adminSocket(Path.of(nonEmpty(v)));
            case UCI_CONFIG -> c.uciConfig(Path.of(nonEmpty(v)));
            case ASYNC_REGISTRY -> c.asyncRegistry(Path.of(nonEmpty(v)));
            case START_HOOKS_DELAY_S -> c.startHooksDelayS(longIn(v, 0, 3_600));
            case LUA_DATA_DIR -> c.luaDataDir(Path.of(nonEmpty(v)));
            case LUA_PERSISTENT_DIR -> c.luaPersistentDir(Path.of(nonEmpty(v)));
            case NAME -> c.name(nonEmpty(v));
            case K -> c.k(intIn(v, 1, 32));
            case ALPHA -> c.alpha(intIn(v, 1, 32));
            case RPC_TIMEOUT_MS -> c.rpcTimeoutMs(longIn(v, 1, 600_000));
            case LOOKUP_STALL_MS -> c.lookupStallMs(longIn(v, 1, 600_000));
            case JOIN_RETRY_MIN_MS -> c.joinRetryMinMs(longIn(v, 1, 3_600_000));
            case JOIN_RETRY_MAX_MS -> c.joinRetryMaxMs(longIn(v, 1, 86_400_000));
            case FIRST_CONTACT_TIMEOUT_MS -> c.firstContactTimeoutMs(longIn(v, 1, 600_000));
            case MERGE_COOLDOWN_MS -> c.mergeCooldownMs(longIn(v, 0, 3_600_000));
            case HANDOFF_STORES_PER_S -> c.handoffStoresPerS(intIn(v, 1, 100_000));
            case CONTACTS_PER_IP_PER_BUCKET -> c.contactsPerIpPerBucket(intIn(v, 0, 1_000_000));
            case CONTACTS_PER_IP -> c.contactsPerIp(intIn(v, 0, 1_000_000));
            case CONTACTS_PER_PREFIX_PER_BUCKET -> c.contactsPerPrefixPerBucket(intIn(v, 0, 1_000_000));
            case CONTACTS_PER_PREFIX -> c.contactsPerPrefix(intIn(v, 0, 1_000_000));
            case LOOKUP_MAX_PER_IP -> c.lookupMaxPerIp(intIn(v, 0, 1_000_000));
            case LOOKUP_MAX_PER_PREFIX -> c.lookupMaxPerPrefix(intIn(v, 0, 1_000_000));
            case STORE_SHARE_PER_PREFIX_PERCENT -> c.storeSharePerPrefixPercent(intIn(v, 1, 100));
            case REFRESH_INTERVAL_S -> c.refreshIntervalS(longIn(v, 1, 31_536_000));
            case REPLICATE_INTERVAL_S -> c.replicateIntervalS(longIn(v, 1, 31_536_000));
            case REPUBLISH_INTERVAL_S -> c.republishIntervalS(longIn(v, 1, 31_536_000));
            case EXPIRE_AFTER_S -> c.expireAfterS(longIn(v, 1, 31_536_000));
            case MAX_VALUE_BYTES -> c.maxValueBytes(intIn(v, 1, 65_536));
            case STORE -> c.persistent(oneOf(v, "chronicle", "memory").equals("chronicle"));
            case MAX_TUPLES -> c.maxTuples(intIn(v, 1, 10_000_000));
            case MAX_BOOKS -> c.maxBooks(intIn(v, 1, 10_000_000));
            case MAX_BOOK_DATA_BYTES -> c.maxBookDataBytes(intIn(v, 4, 65_536));
            case SHELF_TTL_S -> c.shelfTtlS(longIn(v, 1, 4_294_967));
            case SHELF -> c.shelfSetting(v);
            case MAX_VERSION_AHEAD_S -> c.maxVersionAheadS(longIn(v, 1, 31_536_000));
            case BOOK_SIGNING -> c.bookSigning(oneOf(v, "on", "off").equals("on"));
            case SHELF_MAX_BOOKS -> c.shelfMaxBooks(intIn(v, 1, 10_000_000));
            case MERGE_POLICY -> c.mergePolicy(oneOf(v, "lww", "content"));
            case WRITERS -> c.writers(writePolicy(v));
            case HOOK_FORMAT -> c.hookFormat(chisme.node.sharedstate.HookFormat.parse(oneOf(v, "data", "libremesh")));
            case DISCOVERY_COMMAND -> c.discoveryCommand(nonEmpty(v));
            case SYNC_INTERVAL_S -> c.syncIntervalS(longIn(v, 1, 86_400));
            case PUBLISH_INTERVAL_S -> c.publishIntervalS(longIn(v, 1, 86_400));
            case DISCOVERY -> c.discoverContacts(oneOf(v, "contacts", "static").equals("contacts"));
            case LINK_DISCOVERY -> c.discoveryConfig().enabled(oneOf(v, "on", "off").equals("on"));
            case LINK_DISCOVERY_INTERFACE -> c.discoveryConfig().interfaces().add(DiscoveryConfig.interfaceName(v));
            case LINK_DISCOVERY_GROUP4 -> c.discoveryConfig().group4(DiscoveryConfig.literal(v));
            case LINK_DISCOVERY_GROUP6 -> c.discoveryConfig().group6(DiscoveryConfig.literal(v));
            case LINK_DISCOVERY_PORT -> c.discoveryConfig().port(intIn(v, 1, 65_535));
            case LINK_DISCOVERY_INTERVAL_S -> c.discoveryConfig().intervalMs(longIn(v, 1, 3_600) * 1000);
            case LOG_LEVEL -> c.logLevel(LogLevel.valueOf(oneOf(v, "error", "warn", "info", "debug").toUpperCase(Locale.ROOT)));
            case EVENT_LOG_CAPACITY -> c.eventLogCapacity(intIn(v, 1, 1_000_000));
            case MIN_FREE_DISK_MB -> c.minFreeDiskMb(longIn(v, 1, 1_000_000));
            case WATCHDOG_S -> c.watchdogS(longIn(v, 1, 3_600));
            case ADMIN_IDLE_TIMEOUT_S -> c.adminIdleTimeoutS(longIn(v, 1, 86_400));
            case RESET_STORE -> c.resetStore(bool(v));
            case NEW_IDENTITY -> c.newIdentity(bool(v));
            default -> throw new IllegalStateException("no parser for " + key);
        }
    }

    /** The key called {@code name}, or null. */
    public static ConfigKey byName(final String name) {
        for (final ConfigKey k : values()) {
            if (k.key.equals(name)) {
                return k;
            }
        }
        return null;
    }

    /** True for the flags that may be given without a value ({@code --reset-store}). */
    public boolean flag() {
        return this == RESET_STORE || this == NEW_IDENTITY;
    }

    private static chisme.node.sharedstate.WritePolicy writePolicy(final String v) {
        try {
            return chisme.node.sharedstate.WritePolicy.parse(v);
        } catch (final chisme.node.sharedstate.SharedStateException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    private static boolean bool(final String v) {
        return oneOf(v, "true", "false").equals("true");
    }

    private static String nonEmpty(final String v) {
        if (v.isBlank()) {
            throw new IllegalArgumentException("empty value");
        }
        return v.trim();
    }

    private static long longIn(final String v, final long min, final long max) {
        final long n;
        try {
            n = Long.parseLong(v.trim().replace("_", ""));
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException("'" + v.trim() + "' is not a whole number");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(n + " not in " + min + ".." + max);
        }
        return n;
    }

    private static int intIn(final String v, final int min, final int max) {
        return (int) longIn(v, min, max);
    }

    private static String oneOf(final String v, final String... allowed) {
        final String s = v.trim().toLowerCase(Locale.ROOT);
        for (final String a : allowed) {
            if (a.equals(s)) {
                return a;
            }
        }
        throw new IllegalArgumentException("'" + v.trim() + "' is not one of " + String.join(", ", allowed));
    }
}
