package chisme.node.sharedstate;

import chisme.node.event.EventLog;
import chisme.node.event.EventType;
import chisme.node.host.NodeCallException;
import chisme.node.host.NodeHost;
import chisme.node.rpc.Dispatcher;
import chisme.node.transport.Clock;
import chisme.node.transport.Scheduler;
import chisme.store.Book;
import chisme.store.BookStore;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * The shared-state service of a node (LibreMesh shared-state, see docs/shared-state.md): shelves of
 * books gossiped with direct neighbours over the node's UDP port. A peer on the node's {@link NodeHost}
 * (beside Kademlia): its handlers go on the host's dispatcher, its timers on the host's scheduler, so the
 * same code runs over UDP and in the simulator. Every method may be called from any thread: JSON is parsed
 * on the caller's thread, the work goes through the host's one bridge into the node thread
 * ({@link NodeHost#call}; on the node thread, or under the simulator, it runs inline). Refusals are
 * {@link SharedStateException}s with a one-line message; nothing is stored when one is thrown; a node
 * that does not answer is UNAVAILABLE.
 * <pre>
 *   SharedState ss = new SharedState(config.conclude(), store, host, System::currentTimeMillis, eventLog);
 *   ss.start();                      // before host.start()
 *   ss.insert("dnsmasq-hosts", "{\"10.0.0.1\": \"node1\"}");
 * </pre>
 */
public final class SharedState implements AutoCloseable {
    /** Period of a LibreMesh bleach pass; bleachTTL in the Lua format counts these. */
    public static final long BLEACH_PERIOD_MS = 120_000;

    private final SharedStateConfig config;
    private final NodeHost host;
    private final Scheduler scheduler;
    private final Clock clock;
    private final SharedStateCounters counters = new SharedStateCounters();
    private final Neighbours neighbours;
    private final HookRunner hooks;
    private final PublisherRunner publishers;
    private final SharedStateEngine engine;
    private final EventLog eventLog;
    private final MultiWriterShelfFile multiWriterShelves;
    private volatile boolean started;
    private volatile boolean closed;

    /**
     * @param config      concluded here if not yet
     * @param store       book store, used from the node thread only
     * @param host        the node's runtime: dispatcher (gossip uses types 0x20-0x23), scheduler, clock
     *                    (monotonic time for TTLs) and the bridge into the node thread
     * @param wallClockMs wall time for hybrid logical clock versions
     * @param eventLog    hook/publisher outcomes and expiries; may be null
     */
    public SharedState(final SharedStateConfig config, final BookStore store, final NodeHost host,
                       final LongSupplier wallClockMs, final EventLog eventLog) {
        this.config = config.conclude();
        this.host = host;
        this.eventLog = eventLog;
        this.multiWriterShelves = new MultiWriterShelfFile(this.config.dataDir());
        this.scheduler = host.scheduler();
        this.clock = host.clock();
        final Dispatcher dispatcher = host.dispatcher();
        // Seeded from the host's source: a simulated mesh repeats with its seed; over UDP that source is a CSPRNG.
        final RandomGenerator random = RandomGeneratorFactory.<RandomGenerator>of("L64X128MixRandom").create(host.random().nextLong());
        this.neighbours = new Neighbours(config, scheduler, clock, eventLog, counters);
        this.hooks = new HookRunner(config, clock, eventLog, counters, this::hookInput);
        hooks.multiWriterMerge(this::mergeMultiWriterText);
        this.publishers = new PublisherRunner(config, scheduler, clock, eventLog, counters, random);
        this.engine = new SharedStateEngine(config, store, dispatcher, scheduler, clock, wallClockMs, eventLog, random,
            counters, neighbours, hooks);
    }

    /** Adds the DHT routing table's contacts as neighbours (called on the node thread each round). Before start. */
    public SharedState routingTableNeighbours(final Supplier<List<InetSocketAddress>> contacts) {
        neighbours.routingTable(contacts);
        return this;
    }

    /** Adds the link neighbours found by multicast discovery (read on the node thread each round; must not block). Before start. */
    public SharedState linkNeighbours(final Supplier<List<InetSocketAddress>> neighboursOnLinks) {
        neighbours.linkNeighbours(neighboursOnLinks);
        return this;
    }

    /** Our own UDP address (never treated as a neighbour). Before start. */
    public SharedState localAddress(final InetSocketAddress self) {
        neighbours.self(self);
        return this;
    }

    /** Registers the gossip handlers and starts timers, discovery and publishers. Call before dispatcher.start(). */
    public void start() {
        engine.register();
        final List<String> named = readMultiWriterShelves();
        scheduler.execute(() -> restoreMultiWriterShelves(named)); // before the engine renews books by their shelf's mode
        scheduler.execute(engine::start);
        neighbours.start();
        publishers.start();
        // A reboot wipes what hooks wrote to /tmp and /var while the store keeps the books, and unchanged
        // re-inserts trigger no hook: run every shelf's hooks once when the first sync rounds had time.
        // The Lua data files live in /var too: every shelf's is rewritten then.
        if (hooks.multiWriterFiles() != null) {
            // Before the start hooks: what a Lua node left in its persistent files (the switch-over) is merged first.
            scheduler.execute(() -> Thread.ofVirtual().name("chisme-multiwriter-files").start(this::pollMultiWriterFiles));
        }
        if (hooks.active()) {
            scheduler.schedule(config.startHooksDelayMs(), () -> Thread.ofVirtual().name("chisme-start-hooks").start(() -> {
                final java.util.TreeSet<String> shelves = new java.util.TreeSet<>(hooks.shelvesWithHooks());
                if (config.luaDataDir() != null) {
                    shelves().forEach(s -> shelves.add(s.shelf()));
                    shelves.addAll(config.shelves().keySet()); // registered types, held or not
                }
                shelves.forEach(hooks::trigger);
            }));
        }
        started = true;
    }

    /** Inserts {@code {key: data}} (a JSON object) into {@code shelf}. CONTENT shelves key books by content hash (an array of values is accepted too). */
    public SharedStateEngine.InsertResult insert(final String shelf, final String jsonObject) {
        ShelfNames.require(shelf);
        final Map<String, byte[]> data;
        if (config.shelf(shelf).policy() == MergePolicy.CONTENT && jsonObject != null && jsonObject.stripLeading().startsWith("[")) {
            data = new LinkedHashMap<>();
            int i = 0;
            for (final byte[] v : CanonicalJson.parseArray(jsonObject)) {
                data.put(Integer.toString(i++), v);
            }
        } else if (config.shelf(shelf).policy() == MergePolicy.CONTENT) {
            data = CanonicalJson.parseObject(jsonObject);
        } else {
            // Nested members stay in the inserted order, as shared-state-async prints them (CanonicalJson).
            data = CanonicalJson.parseObjectInOrder(jsonObject);
        }
        return onNode(() -> engine.insert(shelf, data));
    }

    /** The shelf's live books as {@code {key: data}} (LibreMesh async "get"). */
    public String get(final String shelf) {
        final SharedStateEngine.Snapshot s = snapshot(shelf);
        final Map<String, byte[]> out = new LinkedHashMap<>();
        for (final Book b : s.books()) {
            if (!b.tombstone() && b.expiresAtMs() > s.nowMs()) {
                out.put(b.key(), b.data());
            }
        }
        return CanonicalJson.writeObject(out);
    }

    /** Full entries, tombstones included: {@code {key: {author, authorId, version, ttlMs, tombstone, data}}}. */
    public String dump(final String shelf) {
        final SharedStateEngine.Snapshot s = snapshot(shelf);
        return writeEntries(s, false);
    }

    /** The Lua shared-state format {@code {key: {bleachTTL, author, data}}}; a tombstone has no data (Lua's nil). */
    public String dumpLibremesh(final String shelf) {
        return writeEntries(snapshot(shelf), true);
    }

    /**
     * LibreMesh {@code reqsync}: merges a Lua node's map {@code {key: {bleachTTL, author, data}}} by the
     * Lua rule, keeping the remote author and TTL ({@link LuaBridge}); {@code []} (an empty Lua table) is
     * an empty map. Returns the merged shelf in the Lua format, as the Lua tool prints it. A post is unsigned:
     * under {@code writers author} (the lww default when signing) or a key list, what would change our state is
     * refused and counted (LUA_REFUSED_UNSIGNED), as for {@link #reqsyncMultiWriter}.
     */
    public String reqsync(final String shelf, final String luaMap) {
        ShelfNames.require(shelf);
        final List<LuaBridge.Entry> entries = LuaMapParser.parse(luaMap);
        onNode(() -> engine.bridge(shelf, entries));
        return dumpLibremesh(shelf);
    }

    /**
     * Makes {@code shelf} a MULTIWRITER shelf if it is not one (LibreMesh's {@code shared-state-multiwriter}
     * needs no registration either). Refused when the node holds books of it that are not multiwriter entries.
     * The name is written to {@code DATA/multiwriter-shelves} before the switch takes effect, so an acknowledged
     * switch survives a restart ({@link MultiWriterShelfFile}); a failed write is a one-line refusal, nothing switched.
     */
    public void multiWriter(final String shelf) {
        ShelfNames.require(shelf);
        if (config.shelf(shelf).policy() == MergePolicy.MULTIWRITER) {
            return;
        }
        onNode(() -> requireOnlyMultiWriterBooks(shelf));
        try {
            multiWriterShelves.add(shelf);
        } catch (final IOException e) {
            counters.increment(SharedStateCounter.SHELF_MODES_WRITE_FAILURES);
            throw new SharedStateException(SharedStateException.Code.BAD_CONFIG, "shelf " + shelf + " not made multiwriter: cannot write "
                + multiWriterShelves.path() + ": " + e.getMessage());
        }
        onNode(() -> {
            config.shelf(shelf, requireOnlyMultiWriterBooks(shelf).policy(MergePolicy.MULTIWRITER));
            return null;
        });
    }

    /** The shelf's config, when every book held of it is a multiwriter entry (it may become MULTIWRITER); node thread. */
    private ShelfConfig requireOnlyMultiWriterBooks(final String shelf) {
        final ShelfConfig sc = config.shelf(shelf);
        // Books a neighbour pushed before this node knew the shelf are multiwriter entries already: those may stay.
        if (sc.policy() != MergePolicy.MULTIWRITER && !engine.holdsOnlyMultiWriterBooks(shelf)) {
            throw new SharedStateException(SharedStateException.Code.BAD_CONFIG, "shelf " + shelf + " holds books under merge policy "
                + sc.policy().name().toLowerCase(java.util.Locale.ROOT) + ", not multiwriter entries");
        }
        return sc;
    }

    /** The shelves DATA/multiwriter-shelves names; a refused or unreadable file is counted and logged, and names none. */
    private List<String> readMultiWriterShelves() {
        try {
            return multiWriterShelves.read();
        } catch (final IOException | SharedStateException e) {
            counters.increment(SharedStateCounter.SHELF_MODES_REFUSED);
            logError("multiwriter shelves: " + e.getMessage());
            return List.of();
        }
    }

    /** Node thread, before the engine starts: the shelves a command made multiwriter before the restart are again. */
    private void restoreMultiWriterShelves(final List<String> shelves) {
        for (final String shelf : shelves) {
            try {
                config.shelf(shelf, requireOnlyMultiWriterBooks(shelf).policy(MergePolicy.MULTIWRITER));
            } catch (final SharedStateException e) {
                counters.increment(SharedStateCounter.SHELF_MODES_REFUSED);
                logError(multiWriterShelves.path() + " names a shelf not restored: " + e.getMessage());
            }
        }
    }

    /**
     * {@code shared-state-multiwriter reqsync} (the CGI bridge, a Lua node's post): merges a Lua node's map
     * {@code {key: {lastModified, changes, fortune, author, data}}} by the multiwriter rule ({@link MultiWriterEntry};
     * {@code []} is empty, malformed entries are skipped) into a MULTIWRITER shelf and returns the merged shelf, as
     * the Lua tool prints it. The entries are unsigned whatever author they name ({@link LuaSource#PEER_POST}):
     * under {@code writers author} or a key list every entry that would change what we hold is refused and
     * counted (LUA_REFUSED_UNSIGNED, one line in the event log); the answer is still our shelf.
     */
    public String reqsyncMultiWriter(final String shelf, final String luaMap) {
        multiWriter(shelf);
        final List<Map.Entry<String, MultiWriterEntry>> entries = parseLuaMap(luaMap);
        onNode(() -> engine.bridgeMultiWriter(shelf, entries, LuaSource.PEER_POST));
        return get(shelf);
    }

    /** A Lua multiwriter map's well-formed entries; each malformed one is skipped and counted (REQSYNC_DROPPED). */
    private List<Map.Entry<String, MultiWriterEntry>> parseLuaMap(final String luaMap) {
        final int[] skipped = new int[1];
        final List<Map.Entry<String, MultiWriterEntry>> entries = MultiWriterEntry.parseMap(luaMap, skipped);
        counters.add(SharedStateCounter.REQSYNC_DROPPED, skipped[0]);
        return entries;
    }

    /**
     * Reads back what Lua code wrote into the multiwriter files itself (network-nodes.lua and Pirania's
     * portal call the library's {@code insert}, not the command), merges it, and puts our full state back
     * into a file that lacks some of it. Runs on a virtual thread; reschedules itself.
     */
    private void pollMultiWriterFiles() {
        final LuaDataFiles files = hooks.multiWriterFiles();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(files.dir(), "*.json")) {
            for (final Path p : ds) {
                final String name = p.getFileName().toString();
                final String shelf = name.substring(0, name.length() - ".json".length());
                if (ShelfNames.valid(shelf)) {
                    mergeMultiWriterFile(files, shelf);
                }
            }
        } catch (final NoSuchFileException e) {
            // Nothing written yet: the Lua library creates the directory on its first write.
        } catch (final IOException | RuntimeException e) {
            counters.increment(SharedStateCounter.HOOK_FAILURES);
            logError("cannot read the multiwriter files in " + files.dir() + ": " + e.getMessage());
        }
        scheduler.schedule(config.luaPersistentPollMs(), () -> {
            if (!closed) {
                Thread.ofVirtual().name("chisme-multiwriter-files").start(this::pollMultiWriterFiles);
            }
        });
    }

    private void mergeMultiWriterFile(final LuaDataFiles files, final String shelf) throws IOException {
        if (!files.changed(shelf)) {
            return;
        }
        final int[] changed = {0};
        final byte[][] read = {null};
        files.mergeThenWrite(shelf, text -> {
            read[0] = text;
            changed[0] = mergeMultiWriterText(shelf, text);
        }, () -> {
            // Nothing new, yet the file differs (the library wrote back what it read before our last write, or
            // json-c's spelling of it): our state is a superset by the merge rule, so it goes back in place. A
            // change instead triggers the shelf's hooks, which rewrite the file.
            final byte[] ours = get(shelf).getBytes(StandardCharsets.UTF_8);
            return changed[0] == 0 && read[0] != null && !Arrays.equals(read[0], ours) ? ours : null;
        });
    }

    /**
     * Takes what this node's own Lua library wrote into a multiwriter shelf's persistent file (network-nodes.lua,
     * Pirania: {@code {key: {lastModified, changes, fortune, author, data}}}; {@code []} is empty, malformed entries
     * are skipped and counted). Entries naming this node as author are local writes, signed by its key as an
     * insert is; another author's entries are unsigned and taken only under {@code writers open}
     * ({@link LuaSource#OWN_FILE}). Called by the file poll; tests call it directly. Returns how many books changed.
     */
    public int takeOwnLuaFile(final String shelf, final String luaMap) {
        multiWriter(shelf);
        final List<Map.Entry<String, MultiWriterEntry>> entries = parseLuaMap(luaMap);
        return onNode(() -> engine.bridgeMultiWriter(shelf, entries, LuaSource.OWN_FILE));
    }

    /** Merges a Lua multiwriter map read from the library's file; returns how many books changed (0 for a half-written file). */
    private int mergeMultiWriterText(final String shelf, final byte[] text) {
        try {
            return takeOwnLuaFile(shelf, new String(text, StandardCharsets.UTF_8));
        } catch (final SharedStateException e) {
            // A half-written file (the library truncates, then writes) is read again on its next change.
            logError("multiwriter file " + shelf + ".json not merged: " + e.getMessage());
            return 0;
        }
    }

    /** {@code shared-state-async register}: a shelf's TTL and sync interval, effective at once. */
    public void register(final String shelf, final long ttlMs, final long syncIntervalMs) {
        ShelfNames.require(shelf);
        config.shelf(shelf, config.shelf(shelf).ttlMs(ttlMs).syncIntervalMs(syncIntervalMs));
    }

    /** Writes tombstones for the keys of a JSON array; returns how many live books were removed. */
    public int remove(final String shelf, final String jsonArrayOfKeys) {
        ShelfNames.require(shelf);
        final List<String> keys = CanonicalJson.parseStringArray(jsonArrayOfKeys);
        return onNode(() -> engine.remove(shelf, keys));
    }

    /** Outcome of a sync: neighbours asked, those that answered, books received, bytes moved. */
    public record SyncResult(int neighbours, int answered, int booksReceived, long bytes) {
    }

    /**
     * Runs an anti-entropy round for {@code shelf} now with {@code targets} (all neighbours when empty) and
     * waits for it to finish.
     */
    public SyncResult sync(final String shelf, final List<InetSocketAddress> targets) {
        ShelfNames.require(shelf);
        return bridge(result -> {
            final List<InetSocketAddress> to = targets == null || targets.isEmpty() ? engine.neighbours() : targets;
            if (to.isEmpty()) {
                result.complete(new SyncResult(0, 0, 0, 0));
                return;
            }
            final List<SyncRound> rounds = new ArrayList<>();
            for (final InetSocketAddress n : to) {
                engine.startRound(n, List.of(shelf), r -> {
                    rounds.add(r);
                    if (rounds.size() == to.size()) {
                        int ok = 0;
                        int books = 0;
                        long bytes = 0;
                        for (final SyncRound x : rounds) {
                            ok += x.failed() ? 0 : 1;
                            books += x.booksReceived();
                            bytes += x.bytes();
                        }
                        result.complete(new SyncResult(to.size(), ok, books, bytes));
                    }
                });
            }
        });
    }

    /** Shelves held or configured, with book counts and summaries. */
    public List<SharedStateEngine.ShelfInfo> shelves() {
        return onNode(engine::shelves);
    }

    /** Current neighbours (static, discovered, routing table). */
    public List<InetSocketAddress> neighbours() {
        return onNode(engine::neighbours);
    }

    public SharedStateCounters counters() {
        return counters;
    }

    /** This node's book-signing key id (16 hex digits; name it in a shelf's writers list), or null when not signing. */
    public String signingKeyId() {
        return engine.signingKeyId();
    }

    public SharedStateConfig config() {
        return config;
    }

    /** Sees every finished hook run (tests, admin). */
    public void hookListener(final Consumer<ProgramRun> listener) {
        hooks.listener(listener);
    }

    /** Sees every finished publisher run. */
    public void publisherListener(final Consumer<ProgramRun> listener) {
        publishers.listener(listener);
    }

    /** Stops timers, hooks and publishers (the node thread itself belongs to the caller). */
    @Override
    public void close() {
        closed = true;
        neighbours.stop();
        hooks.stop();
        publishers.stop();
        if (started) {
            scheduler.execute(engine::stop);
        }
    }

    // ------------------------------------------------------------------

    private SharedStateEngine.Snapshot snapshot(final String shelf) {
        ShelfNames.require(shelf);
        return onNode(() -> engine.snapshot(shelf));
    }

    private byte[] hookInput(final String shelf, final HookFormat format) {
        // A multiwriter shelf's books are the Lua entries already: its hooks get {key: entry} (Lua notifyHooks).
        final boolean lua = format == HookFormat.LIBREMESH && config.shelf(shelf).policy() != MergePolicy.MULTIWRITER;
        final String json = lua ? dumpLibremesh(shelf) : get(shelf);
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private String writeEntries(final SharedStateEngine.Snapshot s, final boolean lua) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = CanonicalJson.generator(out)) {
            g.writeStartObject();
            for (final Book b : s.books()) {
                final long ttlMs = b.expiresAtMs() - s.nowMs();
                if (ttlMs <= 0) {
                    continue;
                }
                g.writeFieldName(b.key());
                g.writeStartObject();
                if (lua) {
                    g.writeNumberField("bleachTTL", (ttlMs + BLEACH_PERIOD_MS - 1) / BLEACH_PERIOD_MS);
                    g.writeStringField("author", b.authorName());
                } else {
                    g.writeStringField("author", b.authorName());
                    g.writeStringField("authorId", b.authorId().toHex());
                    g.writeNumberField("version", b.version());
                    g.writeNumberField("ttlMs", ttlMs);
                    g.writeBooleanField("tombstone", b.tombstone());
                }
                if (!b.tombstone()) {
                    g.writeFieldName("data");
                    g.writeRawValue(new String(b.data(), StandardCharsets.UTF_8));
                } else if (!lua) {
                    g.writeFieldName("data");
                    g.writeNull();
                } // the Lua tool's tombstone holds data = nil, which its JSON omits
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (final IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private void logError(final String message) {
        if (eventLog != null) {
            eventLog.record(clock.nowMs(), EventType.ERROR, "shared-state " + message);
        }
    }

    private <T> T onNode(final Supplier<T> work) {
        return bridge(f -> f.complete(work.get()));
    }

    /** The host's bridge; a node that does not answer is UNAVAILABLE (admin error FAILED), refusals pass as they are. */
    private <T> T bridge(final Consumer<CompletableFuture<T>> op) {
        if (host.onNodeThread()) {
            final CompletableFuture<T> f = new CompletableFuture<>();
            op.accept(f); // on the node thread (or the simulator's): run inline, there is nobody to wait for
            if (f.isDone()) {
                return f.join();
            }
            throw new SharedStateException(SharedStateException.Code.UNAVAILABLE,
                "called on the node thread, which cannot wait for its own work (under the simulator: run the network, then read)");
        }
        try {
            return host.call(op);
        } catch (final NodeCallException e) {
            throw new SharedStateException(SharedStateException.Code.UNAVAILABLE, e.getMessage());
        }
    }
}
