package chisme.node.config;

import chisme.wire.ShelfName;
import chisme.node.discovery.DiscoveryConfig;
import chisme.node.kademlia.KademliaConfig;
import chisme.node.routing.ContactLimits;
import chisme.node.sharedstate.MergePolicy;
import chisme.node.sharedstate.SharedStateConfig;
import chisme.node.sharedstate.SharedStateException;
import chisme.node.sharedstate.ShelfConfig;
import chisme.store.StoreConfig;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything {@code chisme node} needs, with embedded defaults so a bare {@code chisme node} works.
 * Filled from the config file then the flags ({@link ConfigKey#apply}), validated once by
 * {@link #conclude()} (style.md habit 7). Accessors without get/set; durations carry their unit.
 */
public final class NodeConfig {
    /** Environment variable naming the data directory when neither --data nor the file sets it. */
    public static final String DATA_ENV = "CHISME_DATA";
    public static final int DEFAULT_PORT = 4200;

    private String bind = "::";
    private int port = DEFAULT_PORT;
    private Path dataDir;
    private final List<HostPort> joins = new ArrayList<>();
    private final List<HostPort> neighbours = new ArrayList<>();
    private final List<String> hookDirTexts = new ArrayList<>();
    private final List<Path> publisherDirs = new ArrayList<>();
    private List<chisme.node.sharedstate.HookDir> hookDirs;
    private Path adminSocket;
    private Path uciConfig = UciDataTypes.DEFAULT_PATH;
    private Path asyncRegistry = AsyncRegistry.DEFAULT_PATH;
    private long startHooksDelayS = 5;
    private Path luaDataDir;
    private Path luaPersistentDir;
    /** Problems found in UCI / registry files at conclude(): not fatal, the daemon logs them. */
    private final List<String> warnings = new ArrayList<>();
    private String name;
    // Kademlia defaults: one source, KademliaConfig (Defaults).
    private int k = Defaults.KADEMLIA.k();
    private int alpha = Defaults.KADEMLIA.alpha();
    private long rpcTimeoutMs = Defaults.KADEMLIA.rpcTimeoutMs();
    private long lookupStallMs = Defaults.KADEMLIA.lookupStallMs();
    private long joinRetryMinMs = Defaults.KADEMLIA.joinRetryMinMs();
    private long joinRetryMaxMs = Defaults.KADEMLIA.joinRetryMaxMs();
    private long firstContactTimeoutMs = Defaults.KADEMLIA.firstContactTimeoutMs();
    private long mergeCooldownMs = Defaults.KADEMLIA.mergeCooldownMs();
    private int handoffStoresPerS = Defaults.HANDOFF_STORES_PER_S;
    // Issue 12 item 7 and 6 (0 = no limit for the counts).
    private int contactsPerIpPerBucket = Defaults.KADEMLIA.contactLimits().perIpPerBucket();
    private int contactsPerIp = Defaults.KADEMLIA.contactLimits().perIp();
    private int contactsPerPrefixPerBucket = Defaults.KADEMLIA.contactLimits().perPrefixPerBucket();
    private int contactsPerPrefix = Defaults.KADEMLIA.contactLimits().perPrefix();
    private int lookupMaxPerIp = Defaults.KADEMLIA.lookupMaxPerIp();
    private int lookupMaxPerPrefix = Defaults.KADEMLIA.lookupMaxPerPrefix();
    private int storeSharePerPrefixPercent = (int) Math.round(Defaults.KADEMLIA.remoteStoreSharePerPrefix() * 100);
    private long refreshIntervalS = Defaults.seconds(Defaults.KADEMLIA.refreshIntervalMs());
    private long replicateIntervalS = Defaults.seconds(Defaults.KADEMLIA.replicateIntervalMs());
    private long republishIntervalS = Defaults.seconds(Defaults.KADEMLIA.republishIntervalMs());
    private long expireAfterS = Defaults.seconds(Defaults.KADEMLIA.expireAfterMs());
    private int maxValueBytes = Defaults.KADEMLIA.maxValueBytes();
    private boolean persistent = true;
    private int maxTuples = 20_000;
    private int maxBooks = 20_000;
    private int maxBookDataBytes = 16_384;
    private int shelfMaxBooks = 10_000;
    private String mergePolicy = "lww";
    /** Node-wide default of the shelves' write policy; null: by book-signing (ShelfConfig#writers(boolean)). */
    private chisme.node.sharedstate.WritePolicy writers;
    private chisme.node.sharedstate.HookFormat hookFormat = chisme.node.sharedstate.HookFormat.DATA;
    private String discoveryCommand;
    /** shelf name -> (setting -> value), validated when set. */
    private final java.util.Map<String, java.util.Map<String, String>> shelfSettings = new java.util.TreeMap<>();
    private long shelfTtlS = 3_600;
    private long maxVersionAheadS = 3_600;
    private boolean bookSigning = true;
    private long syncIntervalS = 60;
    private long publishIntervalS = 300;
    private boolean discoverContacts = true;
    private LogLevel logLevel = LogLevel.INFO;
    private final DiscoveryConfig discoveryConfig = new DiscoveryConfig();
    private int eventLogCapacity = Defaults.KADEMLIA.eventLogCapacity();
    private long minFreeDiskMb = StoreConfig.DEFAULT_MIN_FREE_DISK_BYTES >> 20;
    private long watchdogS = 30;
    private long adminIdleTimeoutS = 60;
    private boolean resetStore;
    private boolean newIdentity;

    /** The data directory used when none is configured: $CHISME_DATA, else ~/.chisme/data. */
    public static Path defaultDataDir() {
        final String env = System.getenv(DATA_ENV);
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), StoreConfig.DEFAULT_DIR_NAME, "data");
    }

    /** Cross-field checks and defaults that depend on other settings; throws {@link ConfigException}. */
    public NodeConfig conclude() {
        if (dataDir == null) {
            dataDir = defaultDataDir();
        }
        dataDir = dataDir.toAbsolutePath().normalize();
        hookDirs = new ArrayList<>();
        for (final String t : hookDirTexts) {
            hookDirs.add(chisme.node.sharedstate.HookDir.parse(t, hookFormat));
        }
        if (hookDirs.isEmpty()) {
            // A LibreMesh node has both trees (Lua and async hooks); elsewhere the data directory's.
            hookDirs.addAll(chisme.node.sharedstate.HookDir.libremeshDefaults());
            if (hookDirs.isEmpty()) {
                hookDirs.add(new chisme.node.sharedstate.HookDir(dataDir.resolve("hooks"), hookFormat));
            }
        }
        if (publisherDirs.isEmpty()) {
            publisherDirs.addAll(chisme.node.sharedstate.HookDir.libremeshPublisherDefaults());
            if (publisherDirs.isEmpty()) {
                publisherDirs.add(dataDir.resolve("publishers"));
            }
        }
        if (adminSocket == null) {
            adminSocket = dataDir.resolve(AdminPaths.SOCKET_NAME);
        }
        adminSocket = adminSocket.toAbsolutePath().normalize();
        if (name == null) {
            name = hostName();
        }
        if (alpha > k) {
            throw new ConfigException("alpha: " + alpha + " is larger than k (" + k + ")");
        }
        if (discoveryConfig.enabled() && port == discoveryConfig.port()) {
            throw new ConfigException("port: " + port + " is the link-discovery-port (change one, or set link-discovery = off)");
        }
        try {
            InetAddress.getByName(bind);
        } catch (final Exception e) {
            throw new ConfigException("bind: cannot resolve '" + bind + "'");
        }
        if (!bind.matches("[0-9A-Za-z.:%_-]+")) {
            throw new ConfigException("bind: '" + bind + "' is not an address");
        }
        try {
            kademliaConfig().conclude();
            sharedStateConfig().conclude();
            discoveryConfig.conclude();
        } catch (final IllegalArgumentException | SharedStateException e) {
            throw new ConfigException(e.getMessage());
        }
        return this;
    }

    /** The Kademlia settings derived from this configuration. */
    public KademliaConfig kademliaConfig() {
        return new KademliaConfig().k(k).alpha(alpha).rpcTimeoutMs(rpcTimeoutMs).lookupStallMs(lookupStallMs)
            .refreshIntervalMs(refreshIntervalS * 1000).replicateIntervalMs(replicateIntervalS * 1000)
            .republishIntervalMs(republishIntervalS * 1000).expireAfterMs(Math.max(1000, expireAfterS * 1000))
            .maxValueBytes(maxValueBytes).eventLogCapacity(eventLogCapacity)
            .joinRetryMinMs(joinRetryMinMs).joinRetryMaxMs(Math.max(joinRetryMinMs, joinRetryMaxMs))
            .firstContactTimeoutMs(firstContactTimeoutMs).mergeCooldownMs(mergeCooldownMs)
            .contactLimits(new ContactLimits(limit(contactsPerIpPerBucket), limit(contactsPerIp), limit(contactsPerPrefixPerBucket),
                limit(contactsPerPrefix)))
            .lookupMaxPerIp(limit(lookupMaxPerIp)).lookupMaxPerPrefix(limit(lookupMaxPerPrefix))
            .remoteStoreSharePerPrefix(storeSharePerPrefixPercent / 100.0)
            // 10 ticks a second; a rate under 10/s still sends one STORE per tick.
            .handoffTickMs(Defaults.HANDOFF_TICK_MS)
            .handoffStoresPerTick((int) Math.max(1, handoffStoresPerS * Defaults.HANDOFF_TICK_MS / 1000));
    }

    /** A count limit of the config file: 0 means none. */
    private static int limit(final int v) {
        return v == 0 ? Integer.MAX_VALUE : v;
    }

    /** The shared-state settings derived from this configuration (call after {@link #conclude()}). */
    public SharedStateConfig sharedStateConfig() {
        final SharedStateConfig c = new SharedStateConfig().nodeName(name)
            .defaultShelf(ShelfConfig.DEFAULT.ttlMs(Math.max(1_000, shelfTtlS * 1000)).syncIntervalMs(syncIntervalS * 1000)
                .policy(MergePolicy.parse(mergePolicy)).maxBooks(Math.min(shelfMaxBooks, maxBooks)).maxBookBytes(maxBookDataBytes)
                .writers(writers))
            .dataDir(dataDir).adminSocket(adminSocket).startHooksDelayMs(startHooksDelayS * 1000).luaDataDir(luaDataDir)
            .luaPersistentDir(luaPersistentDir)
            .publisherIntervalMs(publishIntervalS * 1000).routingTableNeighbours(discoverContacts)
            .maxVersionAheadMs(maxVersionAheadS * 1000).signing(bookSigning)
            .defaultPort(port == 0 ? DEFAULT_PORT : port);
        for (final chisme.node.sharedstate.HookDir d : hookDirs == null ? List.<chisme.node.sharedstate.HookDir>of() : hookDirs) {
            c.hookDir(d);
        }
        for (final Path p : publisherDirs) {
            c.publisherDir(p);
        }
        for (final HostPort n : neighbours) {
            c.staticNeighbour(n.toString());
        }
        for (final java.util.Map.Entry<String, java.util.Map<String, String>> e : effectiveShelfSettings().entrySet()) {
            ShelfConfig sc = c.defaultShelf();
            for (final java.util.Map.Entry<String, String> kv : e.getValue().entrySet()) {
                if (kv.getKey().equals("hook-format")) {
                    c.shelfHookFormat(e.getKey(), chisme.node.sharedstate.HookFormat.parse(kv.getValue()));
                } else {
                    sc = applyShelf(sc, kv.getKey(), kv.getValue());
                }
            }
            c.shelf(e.getKey(), sc);
        }
        if (discoveryCommand != null) {
            c.discoveryCommand(List.of(discoveryCommand.trim().split("\\s+")));
        }
        return c;
    }

    /** Settings one shelf may override (the shared-state-async "register" parameters, limits, hook format). */
    public static final List<String> SHELF_SETTINGS = List.of("ttl-s", "sync-interval-s", "max-books", "max-book-data-bytes",
        "merge-policy", "writers", "hook-format");

    /**
     * Per-shelf settings from, lowest first: UCI {@code config dataType} sections, the shared-state-async
     * registry ({@code register}), then this file's {@code shelf.NAME.KEY} lines. Problems in the first
     * two go to {@link #warnings()}.
     */
    java.util.Map<String, java.util.Map<String, String>> effectiveShelfSettings() {
        final java.util.Map<String, java.util.Map<String, String>> out = new java.util.TreeMap<>();
        warnings.clear();
        for (final java.util.Map.Entry<String, java.util.Map<String, String>> e : UciDataTypes.read(uciConfig, warnings).entrySet()) {
            out.computeIfAbsent(e.getKey(), k -> new java.util.LinkedHashMap<>()).putAll(e.getValue());
        }
        for (final AsyncRegistry.Type t : AsyncRegistry.read(asyncRegistry, warnings).values()) {
            final java.util.Map<String, String> m = out.computeIfAbsent(t.name(), k -> new java.util.LinkedHashMap<>());
            if (t.ttlS() <= 4_294_967) {
                m.put("ttl-s", Long.toString(t.ttlS()));
            }
            if (t.updateIntervalS() <= 86_400) {
                m.put("sync-interval-s", Long.toString(t.updateIntervalS()));
            }
        }
        for (final java.util.Map.Entry<String, java.util.Map<String, String>> e : shelfSettings.entrySet()) {
            out.computeIfAbsent(e.getKey(), k -> new java.util.LinkedHashMap<>()).putAll(e.getValue());
        }
        return out;
    }

    /** Problems found in the UCI file or the async registry (skipped entries), for the daemon's log. */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    /** Records {@code NAME.KEY=VALUE} for one shelf; throws {@link IllegalArgumentException} with a one-line reason. */
    public NodeConfig shelfSetting(final String text) {
        final int eq = text.indexOf('=');
        final int dot = text.lastIndexOf('.', eq < 0 ? text.length() : eq);
        if (eq < 0 || dot <= 0) {
            throw new IllegalArgumentException("expected SHELF.KEY=VALUE, got '" + text + "'");
        }
        final String shelf = text.substring(0, dot).trim();
        final String key = text.substring(dot + 1, eq).trim();
        final String value = text.substring(eq + 1).trim();
        if (!ShelfName.valid(shelf)) {
            throw new IllegalArgumentException("invalid shelf name '" + shelf + "': use " + ShelfName.RULE);
        }
        if (!SHELF_SETTINGS.contains(key)) {
            throw new IllegalArgumentException("unknown shelf setting '" + key + "' (one of " + String.join(", ", SHELF_SETTINGS) + ")");
        }
        final ShelfConfig probe = key.equals("hook-format") ? hookFormatProbe(value) : applyShelf(ShelfConfig.DEFAULT, key, value);
        if (probe == null) {
            throw new IllegalArgumentException("bad value '" + value + "' for " + key);
        }
        shelfSettings.computeIfAbsent(shelf, k -> new java.util.LinkedHashMap<>()).put(key, value);
        return this;
    }

    /** Per-shelf settings as given (shelf -> key -> value). */
    public java.util.Map<String, java.util.Map<String, String>> shelfSettings() {
        return shelfSettings;
    }

    private static ShelfConfig hookFormatProbe(final String value) {
        try {
            chisme.node.sharedstate.HookFormat.parse(value);
            return ShelfConfig.DEFAULT;
        } catch (final IllegalArgumentException e) {
            return null;
        }
    }

    private static ShelfConfig applyShelf(final ShelfConfig base, final String key, final String value) {
        try {
            return switch (key) {
                case "ttl-s" -> base.ttlMs(Math.multiplyExact(Long.parseLong(value), 1000L));
                case "sync-interval-s" -> base.syncIntervalMs(Math.multiplyExact(Long.parseLong(value), 1000L));
                case "max-books" -> base.maxBooks(Integer.parseInt(value));
                case "max-book-data-bytes" -> base.maxBookBytes(Integer.parseInt(value));
                case "merge-policy" -> base.policy(MergePolicy.parse(value));
                case "writers" -> base.writers(chisme.node.sharedstate.WritePolicy.parse(value));
                default -> null;
            };
        } catch (final RuntimeException e) {
            return null;
        }
    }

    /** The store settings derived from this configuration (stores under {@code DATA/store}). */
    public StoreConfig storeConfig() {
        return new StoreConfig().dataDir(dataDir.resolve("store")).maxTuples(maxTuples).maxValueBytes(maxValueBytes)
            .averageValueBytes(Math.min(256, maxValueBytes)).maxBooks(maxBooks).maxBookDataBytes(maxBookDataBytes)
            .averageBookDataBytes(Math.min(256, maxBookDataBytes))
            .maxTupleBytes(Math.max(16L << 20, 2L * (maxValueBytes + 256)))
            .maxBookBytes(Math.max(16L << 20, 2L * (maxBookDataBytes + 1024)))
            .minFreeDiskBytes(minFreeDiskMb << 20).resetStore(resetStore);
    }

    /** The admin socket: {@code admin-socket}, else inside the data directory. */
    public Path adminSocket() {
        return adminSocket != null ? adminSocket : dataDir.resolve(AdminPaths.SOCKET_NAME);
    }

    /**
     * The author name when none is configured: the kernel host name, which LibreMesh writes as author and
     * its hooks compare with {@code /proc/sys/kernel/hostname} (procd and cron run without HOSTNAME).
     */
    static String hostName() {
        final String kernel = kernelHostName(Path.of("/proc/sys/kernel/hostname"));
        if (kernel != null) {
            return kernel;
        }
        final String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (final Exception e) {
            return "chisme";
        }
    }

    /** The first line of {@code file} when it holds a usable host name, else null. */
    static String kernelHostName(final Path file) {
        try {
            final List<String> lines = java.nio.file.Files.readAllLines(file, java.nio.charset.StandardCharsets.UTF_8);
            final String h = lines.isEmpty() ? "" : lines.get(0).strip();
            return h.isEmpty() || h.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255 ? null : h;
        } catch (final java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    public String bind() { return bind; }
    public NodeConfig bind(final String v) { bind = v; return this; }
    public int port() { return port; }
    public NodeConfig port(final int v) { port = v; return this; }
    public Path dataDir() { return dataDir; }
    public NodeConfig dataDir(final Path v) { dataDir = v; return this; }
    /** Bootstrap nodes (mutable list). */
    public List<HostPort> joins() { return joins; }
    /** Static gossip neighbours (mutable list). */
    public List<HostPort> neighbours() { return neighbours; }
    /** Hook directories after {@link #conclude()} (each with its format). */
    public List<chisme.node.sharedstate.HookDir> hookDirs() { return hookDirs == null ? List.of() : List.copyOf(hookDirs); }
    /** First hook directory after conclude() (single-directory setups). */
    public Path hooksDir() { return hookDirs == null || hookDirs.isEmpty() ? null : hookDirs.get(0).dir(); }
    /** Adds a hook directory {@code [FORMAT:]DIR} (repeatable). */
    public NodeConfig hookDir(final String v) { chisme.node.sharedstate.HookDir.parse(v, hookFormat); hookDirTexts.add(v); return this; }
    public List<Path> publisherDirs() { return publisherDirs; }
    public Path publishersDir() { return publisherDirs.isEmpty() ? null : publisherDirs.get(0); }
    public NodeConfig publisherDir(final Path v) { publisherDirs.add(v); return this; }
    public NodeConfig adminSocket(final Path v) { adminSocket = v; return this; }
    public Path uciConfig() { return uciConfig; }
    public NodeConfig uciConfig(final Path v) { uciConfig = v; return this; }
    public Path asyncRegistry() { return asyncRegistry; }
    public NodeConfig asyncRegistry(final Path v) { asyncRegistry = v; return this; }
    public Path luaDataDir() { return luaDataDir; }
    public NodeConfig luaDataDir(final Path v) { luaDataDir = v; return this; }
    public Path luaPersistentDir() { return luaPersistentDir; }
    public NodeConfig luaPersistentDir(final Path v) { luaPersistentDir = v; return this; }
    public long startHooksDelayS() { return startHooksDelayS; }
    public NodeConfig startHooksDelayS(final long v) { startHooksDelayS = v; return this; }
    public String name() { return name; }
    public NodeConfig name(final String v) { name = v; return this; }
    public int k() { return k; }
    public NodeConfig k(final int v) { k = v; return this; }
    public int alpha() { return alpha; }
    public NodeConfig alpha(final int v) { alpha = v; return this; }
    public long rpcTimeoutMs() { return rpcTimeoutMs; }
    public NodeConfig rpcTimeoutMs(final long v) { rpcTimeoutMs = v; return this; }
    public long joinRetryMinMs() { return joinRetryMinMs; }
    public NodeConfig joinRetryMinMs(final long v) { joinRetryMinMs = v; return this; }
    public long joinRetryMaxMs() { return joinRetryMaxMs; }
    public NodeConfig joinRetryMaxMs(final long v) { joinRetryMaxMs = v; return this; }
    public long firstContactTimeoutMs() { return firstContactTimeoutMs; }
    public NodeConfig firstContactTimeoutMs(final long v) { firstContactTimeoutMs = v; return this; }
    public long mergeCooldownMs() { return mergeCooldownMs; }
    public NodeConfig mergeCooldownMs(final long v) { mergeCooldownMs = v; return this; }
    public int handoffStoresPerS() { return handoffStoresPerS; }
    public NodeConfig handoffStoresPerS(final int v) { handoffStoresPerS = v; return this; }
    public int contactsPerIpPerBucket() { return contactsPerIpPerBucket; }
    public NodeConfig contactsPerIpPerBucket(final int v) { contactsPerIpPerBucket = v; return this; }
    public int contactsPerIp() { return contactsPerIp; }
    public NodeConfig contactsPerIp(final int v) { contactsPerIp = v; return this; }
    public int contactsPerPrefixPerBucket() { return contactsPerPrefixPerBucket; }
    public NodeConfig contactsPerPrefixPerBucket(final int v) { contactsPerPrefixPerBucket = v; return this; }
    public int contactsPerPrefix() { return contactsPerPrefix; }
    public NodeConfig contactsPerPrefix(final int v) { contactsPerPrefix = v; return this; }
    public int lookupMaxPerIp() { return lookupMaxPerIp; }
    public NodeConfig lookupMaxPerIp(final int v) { lookupMaxPerIp = v; return this; }
    public int lookupMaxPerPrefix() { return lookupMaxPerPrefix; }
    public NodeConfig lookupMaxPerPrefix(final int v) { lookupMaxPerPrefix = v; return this; }
    public int storeSharePerPrefixPercent() { return storeSharePerPrefixPercent; }
    public NodeConfig storeSharePerPrefixPercent(final int v) { storeSharePerPrefixPercent = v; return this; }
    public long lookupStallMs() { return lookupStallMs; }
    public NodeConfig lookupStallMs(final long v) { lookupStallMs = v; return this; }
    public long refreshIntervalS() { return refreshIntervalS; }
    public NodeConfig refreshIntervalS(final long v) { refreshIntervalS = v; return this; }
    public long replicateIntervalS() { return replicateIntervalS; }
    public NodeConfig replicateIntervalS(final long v) { replicateIntervalS = v; return this; }
    public long republishIntervalS() { return republishIntervalS; }
    public NodeConfig republishIntervalS(final long v) { republishIntervalS = v; return this; }
    public long expireAfterS() { return expireAfterS; }
    public NodeConfig expireAfterS(final long v) { expireAfterS = v; return this; }
    public int maxValueBytes() { return maxValueBytes; }
    public NodeConfig maxValueBytes(final int v) { maxValueBytes = v; return this; }
    /** True: Chronicle Map stores in the data directory; false: in memory. */
    public boolean persistent() { return persistent; }
    public NodeConfig persistent(final boolean v) { persistent = v; return this; }
    public int maxTuples() { return maxTuples; }
    public NodeConfig maxTuples(final int v) { maxTuples = v; return this; }
    public int maxBooks() { return maxBooks; }
    public NodeConfig maxBooks(final int v) { maxBooks = v; return this; }
    public int maxBookDataBytes() { return maxBookDataBytes; }
    public NodeConfig maxBookDataBytes(final int v) { maxBookDataBytes = v; return this; }
    public int shelfMaxBooks() { return shelfMaxBooks; }
    public NodeConfig shelfMaxBooks(final int v) { shelfMaxBooks = v; return this; }
    /** "lww" or "content". */
    public String mergePolicy() { return mergePolicy; }
    public NodeConfig mergePolicy(final String v) { mergePolicy = v; return this; }
    public chisme.node.sharedstate.WritePolicy writers() { return writers; }
    public NodeConfig writers(final chisme.node.sharedstate.WritePolicy v) { writers = v; return this; }
    /** Format of hook directories given without a FORMAT: prefix. */
    public chisme.node.sharedstate.HookFormat hookFormat() { return hookFormat; }
    public NodeConfig hookFormat(final chisme.node.sharedstate.HookFormat v) { hookFormat = v; return this; }
    /** True: hooks get the Lua format on stdin (directories without a prefix). */
    public boolean libremeshHooks() { return hookFormat == chisme.node.sharedstate.HookFormat.LIBREMESH; }
    /** Neighbour discovery command line (split on spaces), or null. */
    public String discoveryCommand() { return discoveryCommand; }
    public NodeConfig discoveryCommand(final String v) { discoveryCommand = v; return this; }
    /** Issue 12: how far in the future a remote book's version may be dated. */
    public long maxVersionAheadS() { return maxVersionAheadS; }
    /** Issue 12: sign books with DATA/book-signing.key and default shelves to the author write policy. */
    public boolean bookSigning() { return bookSigning; }
    public NodeConfig bookSigning(final boolean v) { bookSigning = v; return this; }
    public NodeConfig maxVersionAheadS(final long v) { maxVersionAheadS = v; return this; }
    public long shelfTtlS() { return shelfTtlS; }
    public NodeConfig shelfTtlS(final long v) { shelfTtlS = v; return this; }
    public long syncIntervalS() { return syncIntervalS; }
    public NodeConfig syncIntervalS(final long v) { syncIntervalS = v; return this; }
    public long publishIntervalS() { return publishIntervalS; }
    public NodeConfig publishIntervalS(final long v) { publishIntervalS = v; return this; }
    /** True: Kademlia contacts are gossip neighbours too; false: only the static ones. */
    public boolean discoverContacts() { return discoverContacts; }
    public NodeConfig discoverContacts(final boolean v) { discoverContacts = v; return this; }
    /** Link discovery settings (mutable; checked by {@link #conclude()}). */
    public DiscoveryConfig discoveryConfig() { return discoveryConfig; }
    public LogLevel logLevel() { return logLevel; }
    public NodeConfig logLevel(final LogLevel v) { logLevel = v; return this; }
    public int eventLogCapacity() { return eventLogCapacity; }
    public NodeConfig eventLogCapacity(final int v) { eventLogCapacity = v; return this; }
    /** Writes are refused with "disk full" while the data directory's file system has less free (MiB). */
    public long minFreeDiskMb() { return minFreeDiskMb; }
    public NodeConfig minFreeDiskMb(final long v) { minFreeDiskMb = v; return this; }
    /** A node thread making no progress this long is fatal (the process exits for a restart). */
    public long watchdogS() { return watchdogS; }
    public NodeConfig watchdogS(final long v) { watchdogS = v; return this; }
    /** Admin connections idle this long are closed. */
    public long adminIdleTimeoutS() { return adminIdleTimeoutS; }
    public NodeConfig adminIdleTimeoutS(final long v) { adminIdleTimeoutS = v; return this; }
    /** Create a missing map file empty instead of refusing to start. */
    public boolean resetStore() { return resetStore; }
    public NodeConfig resetStore(final boolean v) { resetStore = v; return this; }
    /** Make a new node id (the old one kept as node-id.old) instead of refusing a damaged or missing one. */
    public boolean newIdentity() { return newIdentity; }
    public NodeConfig newIdentity(final boolean v) { newIdentity = v; return this; }
}
