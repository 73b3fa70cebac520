package chisme.node.sharedstate;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Shared-state settings, validated once by {@link #conclude()} (Agrona context style). Setters return
 * this; after conclude() the config must not change.
 */
public final class SharedStateConfig {
    private String nodeName = "chisme";
    private ShelfConfig defaultShelf = ShelfConfig.DEFAULT;
    /** Concurrent: {@code shared-state-async register} changes a shelf's settings while the node runs. */
    private final Map<String, ShelfConfig> shelves = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<HookDir> hookDirs = new ArrayList<>();
    private final Map<String, HookFormat> shelfHookFormats = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<Path> publisherDirs = new ArrayList<>();
    private Path dataDir;
    private Path adminSocket;
    private long startHooksDelayMs = 5_000;
    private Path luaDataDir;
    private Path luaPersistentDir;
    private long luaPersistentPollMs = 2_000;
    private long hookTimeoutMs = 30_000;
    private long publisherIntervalMs = 300_000;
    private long publisherTimeoutMs = 60_000;
    private final List<String> staticNeighbours = new ArrayList<>();
    private List<String> discoveryCommand = List.of();
    private long discoveryIntervalMs = 30_000;
    private boolean routingTableNeighbours = true;
    private int defaultPort = 6881;
    private int roundBudgetBytes = 256 * 1024;
    private long callTimeoutMs = 1_000;
    private long expiryCheckMs = 1_000;
    private long pushDelayMs = 0;
    private long maxVersionAheadMs = 3_600_000;
    private boolean signing = true;
    private boolean concluded;

    /** This node's name (LibreMesh "author": the hostname). */
    public String nodeName() {
        return nodeName;
    }

    public SharedStateConfig nodeName(final String v) {
        nodeName = v;
        return this;
    }

    /** Settings of shelves without their own section. */
    public ShelfConfig defaultShelf() {
        return defaultShelf;
    }

    public SharedStateConfig defaultShelf(final ShelfConfig v) {
        defaultShelf = v;
        return this;
    }

    /** Sets the section of one shelf. */
    public SharedStateConfig shelf(final String name, final ShelfConfig v) {
        shelves.put(ShelfNames.require(name), v);
        return this;
    }

    /** The settings that apply to {@code shelf}. */
    public ShelfConfig shelf(final String shelf) {
        return shelves.getOrDefault(shelf, defaultShelf);
    }

    /** Shelves that have their own section (synced even while empty). */
    public Map<String, ShelfConfig> shelves() {
        return Map.copyOf(shelves);
    }

    /** Hook directories, each {@code DIR/SHELF/} with its stdin format; empty: no hooks. */
    public List<HookDir> hookDirs() {
        return List.copyOf(hookDirs);
    }

    public SharedStateConfig hookDir(final HookDir v) {
        hookDirs.add(v);
        return this;
    }

    /** Replaces the hook directories with {@code v} alone (data format; see {@link #libremeshHooks}); null: none. */
    public SharedStateConfig hooksDir(final Path v) {
        hookDirs.clear();
        if (v != null) {
            hookDirs.add(new HookDir(v, HookFormat.DATA));
        }
        return this;
    }

    /** First hook directory, or null (single-directory configurations). */
    public Path hooksDir() {
        return hookDirs.isEmpty() ? null : hookDirs.get(0).dir();
    }

    /** Sets the stdin format of every hook directory configured so far (true: the Lua format). */
    public SharedStateConfig libremeshHooks(final boolean v) {
        hookDirs.replaceAll(d -> new HookDir(d.dir(), v ? HookFormat.LIBREMESH : HookFormat.DATA));
        return this;
    }

    /** A shelf's own hook format, overriding its directory's ({@code shelf.NAME.hook-format}). */
    public SharedStateConfig shelfHookFormat(final String shelf, final HookFormat f) {
        shelfHookFormats.put(ShelfNames.require(shelf), f);
        return this;
    }

    /** The stdin format of {@code shelf}'s hooks in {@code dir}. */
    public HookFormat hookFormat(final String shelf, final HookDir dir) {
        return shelfHookFormats.getOrDefault(shelf, dir.format());
    }

    /** Publisher directories (executables run in name order, directory by directory). */
    public List<Path> publisherDirs() {
        return List.copyOf(publisherDirs);
    }

    public SharedStateConfig publisherDir(final Path v) {
        publisherDirs.add(v);
        return this;
    }

    /** Replaces the publisher directories with {@code v} alone; null: none. */
    public SharedStateConfig publishersDir(final Path v) {
        publisherDirs.clear();
        if (v != null) {
            publisherDirs.add(v);
        }
        return this;
    }

    /** The node's data directory, given to publishers and hooks as CHISME_DATA so their CLI calls reach this node. */
    public Path dataDir() {
        return dataDir;
    }

    public SharedStateConfig dataDir(final Path v) {
        dataDir = v;
        return this;
    }

    /** The node's admin socket, given to publishers and hooks as CHISME_ADMIN; may be null. */
    public Path adminSocket() {
        return adminSocket;
    }

    public SharedStateConfig adminSocket(final Path v) {
        adminSocket = v;
        return this;
    }

    /**
     * After start, every shelf that has hooks runs them once after this delay (a settle time for the
     * first sync rounds), so files a reboot wiped ({@code /tmp}, {@code /var}) are rebuilt even when
     * nothing changes: unchanged re-inserts only refresh TTLs and trigger no hook.
     */
    public long startHooksDelayMs() {
        return startHooksDelayMs;
    }

    public SharedStateConfig startHooksDelayMs(final long v) {
        startHooksDelayMs = v;
        return this;
    }

    /**
     * Where the Lua shared-state library's data files are kept equal to the shelves ({@code lua-data-dir},
     * e.g. {@code /var/shared-state/data}); null: not written.
     */
    public Path luaDataDir() {
        return luaDataDir;
    }

    public SharedStateConfig luaDataDir(final Path v) {
        luaDataDir = v;
        return this;
    }

    /**
     * The Lua library's multiwriter files ({@code lua-persistent-dir}, LibreMesh
     * {@code /etc/shared-state/persistent-data}): MULTIWRITER shelves are written there as {@code {key: entry}},
     * and what the Lua library writes there itself (network-nodes.lua, Pirania's portal page, rpcd) is read
     * back and merged; each {@code TYPE.json} found makes TYPE a multiwriter shelf. Null: neither.
     */
    public Path luaPersistentDir() {
        return luaPersistentDir;
    }

    public SharedStateConfig luaPersistentDir(final Path v) {
        luaPersistentDir = v;
        return this;
    }

    /** How often the multiwriter files are checked for the Lua library's writes (a stat per file). */
    public long luaPersistentPollMs() {
        return luaPersistentPollMs;
    }

    public SharedStateConfig luaPersistentPollMs(final long v) {
        luaPersistentPollMs = v;
        return this;
    }

    /** A hook still running after this is killed. */
    public long hookTimeoutMs() {
        return hookTimeoutMs;
    }

    public SharedStateConfig hookTimeoutMs(final long v) {
        hookTimeoutMs = v;
        return this;
    }

    /** Mean period of publisher runs (jittered +-25%); publishers also run once at start. */
    public long publisherIntervalMs() {
        return publisherIntervalMs;
    }

    public SharedStateConfig publisherIntervalMs(final long v) {
        publisherIntervalMs = v;
        return this;
    }

    public long publisherTimeoutMs() {
        return publisherTimeoutMs;
    }

    public SharedStateConfig publisherTimeoutMs(final long v) {
        publisherTimeoutMs = v;
        return this;
    }

    /** Static neighbours, each {@code host[%iface][:port]}. */
    public List<String> staticNeighbours() {
        return List.copyOf(staticNeighbours);
    }

    public SharedStateConfig staticNeighbour(final String v) {
        staticNeighbours.add(v);
        return this;
    }

    /** Discovery command (argv), printing one {@code host[%iface][:port]} per line; empty: none. */
    public List<String> discoveryCommand() {
        return discoveryCommand;
    }

    public SharedStateConfig discoveryCommand(final List<String> v) {
        discoveryCommand = List.copyOf(v);
        return this;
    }

    public long discoveryIntervalMs() {
        return discoveryIntervalMs;
    }

    public SharedStateConfig discoveryIntervalMs(final long v) {
        discoveryIntervalMs = v;
        return this;
    }

    /** When true the DHT routing table's contacts (if a source is given) are neighbours too. */
    public boolean routingTableNeighbours() {
        return routingTableNeighbours;
    }

    public SharedStateConfig routingTableNeighbours(final boolean v) {
        routingTableNeighbours = v;
        return this;
    }

    /** Port assumed for neighbours given without one (the chisme UDP port). */
    public int defaultPort() {
        return defaultPort;
    }

    public SharedStateConfig defaultPort(final int v) {
        defaultPort = v;
        return this;
    }

    /** Bytes one anti-entropy round with one neighbour may move (requests + replies); the rest waits. */
    public int roundBudgetBytes() {
        return roundBudgetBytes;
    }

    public SharedStateConfig roundBudgetBytes(final int v) {
        roundBudgetBytes = v;
        return this;
    }

    public long callTimeoutMs() {
        return callTimeoutMs;
    }

    public SharedStateConfig callTimeoutMs(final long v) {
        callTimeoutMs = v;
        return this;
    }

    /** How often remaining TTLs are checked for expiry. */
    public long expiryCheckMs() {
        return expiryCheckMs;
    }

    public SharedStateConfig expiryCheckMs(final long v) {
        expiryCheckMs = v;
        return this;
    }

    /** Delay before pushing changes, to batch a burst of inserts into one datagram (0: next loop turn). */
    public long pushDelayMs() {
        return pushDelayMs;
    }

    public SharedStateConfig pushDelayMs(final long v) {
        pushDelayMs = v;
        return this;
    }

    /** How far past our wall clock a remote book's version may be dated before it is refused (issue 12). */
    public long maxVersionAheadMs() {
        return maxVersionAheadMs;
    }

    public SharedStateConfig maxVersionAheadMs(final long v) {
        maxVersionAheadMs = v;
        return this;
    }

    /**
     * True (default): books written here are signed with the node's Ed25519 key (DATA/book-signing.key, or a
     * key for the process when there is no data directory) and shelves default to the {@code author} policy.
     */
    public boolean signing() {
        return signing;
    }

    public SharedStateConfig signing(final boolean v) {
        signing = v;
        return this;
    }

    /** Validates everything once; throws BAD_CONFIG with the first problem. */
    public SharedStateConfig conclude() {
        if (concluded) {
            return this;
        }
        require(nodeName != null && !nodeName.isEmpty()
            && nodeName.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 255, "nodeName 1-255 UTF-8 bytes");
        require(defaultShelf != null, "defaultShelf set");
        require(hookTimeoutMs >= 10, "hookTimeoutMs >= 10");
        require(publisherIntervalMs >= 100, "publisherIntervalMs >= 100");
        require(publisherTimeoutMs >= 10, "publisherTimeoutMs >= 10");
        require(discoveryIntervalMs >= 100, "discoveryIntervalMs >= 100");
        require(defaultPort >= 1 && defaultPort <= 65_535, "defaultPort in [1, 65535]");
        require(roundBudgetBytes >= 1_024, "roundBudgetBytes >= 1024");
        require(callTimeoutMs >= 10, "callTimeoutMs >= 10");
        require(expiryCheckMs >= 10, "expiryCheckMs >= 10");
        require(pushDelayMs >= 0, "pushDelayMs >= 0");
        require(startHooksDelayMs >= 0, "startHooksDelayMs >= 0");
        require(maxVersionAheadMs >= 1_000 && maxVersionAheadMs <= 365L * 86_400_000, "maxVersionAheadMs in [1 s, 1 year]");
        for (final String n : staticNeighbours) {
            try {
                NeighbourAddress.parse(n, defaultPort);
            } catch (final IllegalArgumentException e) {
                throw new SharedStateException(SharedStateException.Code.BAD_CONFIG, "static neighbour: " + e.getMessage());
            }
        }
        concluded = true;
        return this;
    }

    private static void require(final boolean ok, final String what) {
        if (!ok) {
            throw new SharedStateException(SharedStateException.Code.BAD_CONFIG, "shared-state config: " + what);
        }
    }
}
