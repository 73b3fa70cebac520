package chisme.node.sharedstate;

import chisme.node.event.EventLog;
import chisme.node.event.EventType;
import chisme.node.rpc.Dispatcher;
import chisme.node.security.LocalWriteReserve;
import chisme.node.transport.Clock;
import chisme.node.transport.Scheduler;
import chisme.store.Book;
import chisme.store.BookStore;
import chisme.store.StoreStatus;
import chisme.wire.NodeId;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * Shared-state logic of one node; every method runs on the node thread (the {@link SharedState} facade
 * hands calls in). It owns the books and their indexes: inserts, removes, merges remote books (LWW by HLC
 * version or CONTENT sets), expires books by remaining TTL and triggers hooks. The gossip is wired from
 * three parts: {@link BookPusher} (push and relay of changes), {@link AntiEntropyResponder} (answers
 * neighbours) and {@link AntiEntropyInitiator} (our pull rounds). See docs/shared-state.md.
 */
public final class SharedStateEngine {
    /** A remote TTL this much above ours counts as a refresh worth storing and relaying. */
    static final long TTL_REFRESH_SLACK_MS = 2_000;
    /** BOOKS bodies are cut at this size (below the 70,000-byte reassembly limit of docs/wire.md). */
    static final int MAX_BOOKS_BODY = 60_000;

    private final SharedStateConfig config;
    private final BookStore store;
    private final NodeId localId;
    private final Scheduler scheduler;
    private final Clock clock;
    private final LongSupplier wallClockMs;
    private final EventLog eventLog;
    private final RandomGenerator random;
    private final SharedStateCounters counters;
    private final HybridLogicalClock hlc = new HybridLogicalClock();
    private final GossipCodec codec = new GossipCodec();
    private final BookHashes hashes = new BookHashes();
    private final Map<String, ShelfIndex> indexes = new HashMap<>();
    private final Neighbours neighbours;
    private final HookRunner hooks;
    private final long[] hash2 = new long[2];
    private final BookPusher pusher;
    private final AntiEntropyResponder responder;
    private final AntiEntropyInitiator initiator;
    private final BookAuthorship authorship;
    private final Map<String, Long> nextRenewalMs = new HashMap<>();
    private boolean running;

    SharedStateEngine(final SharedStateConfig config, final BookStore store, final Dispatcher dispatcher, final Scheduler scheduler,
                      final Clock clock, final LongSupplier wallClockMs, final EventLog eventLog, final RandomGenerator random,
                      final SharedStateCounters counters, final Neighbours neighbours, final HookRunner hooks) {
        this.config = config;
        this.store = store;
        this.localId = dispatcher.localId();
        this.scheduler = scheduler;
        this.clock = clock;
        this.wallClockMs = wallClockMs;
        this.eventLog = eventLog;
        this.random = random;
        this.counters = counters;
        this.neighbours = neighbours;
        this.hooks = hooks;
        this.authorship = BookAuthorship.create(config, counters);
        this.pusher = new BookPusher(config, store, dispatcher, scheduler, clock, random, counters, neighbours, codec);
        this.responder = new AntiEntropyResponder(this, store, dispatcher, clock, counters, codec);
        this.initiator = new AntiEntropyInitiator(this, config, dispatcher, scheduler, clock, random, counters, neighbours, codec);
    }

    /** Registers the gossip handlers. Before the dispatcher starts. */
    void register() {
        responder.register();
    }

    /** Rebuilds the indexes from the store and starts the timers. Node thread. */
    void start() {
        running = true;
        final long nowMs = clock.nowMs();
        for (final String shelf : store.shelves()) {
            final ShelfIndex index = index(shelf);
            final long maxExpiry = nowMs + config.shelf(shelf).ttlMs();
            store.forEach(shelf, b -> {
                // A persisted expiry from before a reboot is on another monotonic time line: never let it
                // outlive one full TTL from now.
                // MULTIWRITER books never expire (the Lua tool keeps them on flash): a full TTL again.
                final boolean renew = b.expiresAtMs() > maxExpiry || config.shelf(shelf).policy() == MergePolicy.MULTIWRITER;
                final Book kept = renew && store.put(withExpiry(b, maxExpiry)) == StoreStatus.OK ? withExpiry(b, maxExpiry) : b;
                indexBook(index, kept);
            });
        }
        scheduler.schedule(config.expiryCheckMs(), this::expiryTick);
        initiator.start();
    }

    void stop() {
        running = false;
    }

    // ------------------------------------------------------------------ local operations

    /** Result of an insert: new versions written, TTL-only refreshes, and the keys used (content keys for CONTENT shelves). */
    public record InsertResult(String shelf, int inserted, int refreshed, List<String> keys) {
    }

    InsertResult insert(final String shelf, final Map<String, byte[]> input) {
        ShelfNames.require(shelf);
        final ShelfConfig sc = config.shelf(shelf);
        final Map<String, byte[]> books = new LinkedHashMap<>();
        for (final Map.Entry<String, byte[]> e : input.entrySet()) {
            final String key = sc.policy() == MergePolicy.CONTENT ? hashes.contentKey(e.getValue()) : e.getKey();
            books.put(ShelfNames.requireKey(key), e.getValue());
        }
        final ShelfIndex index = index(shelf);
        int newKeys = 0;
        for (final Map.Entry<String, byte[]> e : books.entrySet()) {
            final int n = e.getValue().length;
            if (n > sc.maxBookBytes() || n > store.maxDataBytes()) {
                throw new SharedStateException(SharedStateException.Code.BOOK_TOO_LARGE, "book '" + ShelfNames.abbreviate(e.getKey())
                    + "' is " + n + " bytes, over the limit of " + Math.min(sc.maxBookBytes(), store.maxDataBytes()) + " bytes for shelf " + shelf);
            }
            if (index.entry(e.getKey()) == null) {
                newKeys++;
            }
        }
        if (index.count() + newKeys > sc.maxBooks()) {
            throw new SharedStateException(SharedStateException.Code.SHELF_FULL, "shelf " + shelf + " holds " + index.count()
                + " of at most " + sc.maxBooks() + " books; " + newKeys + " new books refused");
        }
        final long nowMs = clock.nowMs();
        final List<Book> written = new ArrayList<>();
        final List<Book> previous = new ArrayList<>();
        int inserted = 0;
        int refreshed = 0;
        boolean visibleChange = false;
        for (final Map.Entry<String, byte[]> e : books.entrySet()) {
            final Book held = store.get(shelf, e.getKey());
            if (!sameData(sc, held, e.getValue())) {
                authorship.requireLocalWrite(sc, shelf, held); // all or nothing: before any write (equal data: TTL only)
            }
        }
        for (final Map.Entry<String, byte[]> e : books.entrySet()) {
            final Book old = store.get(shelf, e.getKey());
            final Book book;
            if (sameData(sc, old, e.getValue())) {
                // Equal data: no new version, only a fresh TTL (this is what stops the Pirania flip-flop).
                // Members in another order count as equal (Lua's pairs() order is unspecified); the
                // first order stays.
                book = withExpiry(old, nowMs + sc.ttlMs());
                refreshed++;
            } else if (sc.policy() == MergePolicy.MULTIWRITER) {
                book = multiWriterBook(shelf, e.getKey(), old, e.getValue(), nowMs, sc);
                inserted++;
                visibleChange = true;
            } else {
                final long version;
                if (sc.policy() == MergePolicy.CONTENT) {
                    version = 0;
                } else {
                    if (old != null) {
                        hlc.observe(old.version(), wallClockMs.getAsLong());
                    }
                    version = hlc.tick(wallClockMs.getAsLong());
                }
                book = localBook(shelf, e.getKey(), version, false, e.getValue(), nowMs, sc);
                inserted++;
                visibleChange = true;
            }
            final StoreStatus status = store.put(book);
            if (status != StoreStatus.OK) {
                rollback(written, previous);
                throw new SharedStateException(SharedStateException.Code.STORE_FULL,
                    "book store refused book '" + ShelfNames.abbreviate(e.getKey()) + "' (" + refusal(status) + "); nothing stored");
            }
            written.add(book);
            previous.add(old);
        }
        for (final Book b : written) {
            indexBook(index, b);
            queuePush(shelf, b.key(), null);
        }
        counters.add(SharedStateCounter.INSERTS, inserted);
        counters.add(SharedStateCounter.TTL_REFRESHES, refreshed);
        if (visibleChange) {
            hooks.trigger(shelf);
        }
        return new InsertResult(shelf, inserted, refreshed, List.copyOf(books.keySet()));
    }

    /** True when {@code held} is live and holds {@code data} already (a MULTIWRITER book: in its entry). */
    private static boolean sameData(final ShelfConfig sc, final Book held, final byte[] data) {
        if (held == null || held.tombstone()) {
            return false;
        }
        final byte[] heldData = sc.policy() == MergePolicy.MULTIWRITER ? MultiWriterEntry.parse(held.data()).data() : held.data();
        return CanonicalJson.sameValue(heldData, data);
    }

    /**
     * A local multiwriter edit as the Lua library makes it ({@code SharedStateMultiWriter:_insert}): changes
     * one more than the held entry's (0 for a new key), a fresh fortune in 1..100000, our name as author.
     */
    private Book multiWriterBook(final String shelf, final String key, final Book old, final byte[] data, final long nowMs,
                                 final ShelfConfig sc) {
        final long changes = old == null || old.tombstone() ? 0 : MultiWriterEntry.parse(old.data()).changes() + 1;
        final MultiWriterEntry entry = new MultiWriterEntry(wallClockMs.getAsLong() / 1000, changes, random.nextInt(1, 100_001),
            config.nodeName(), data);
        return localBook(shelf, key, entry.version(), false, entry.envelope(), nowMs, sc);
    }

    /** A book this node writes (insert, remove, its own Lua library's edit): our id and name, a full TTL, our signature. */
    private Book localBook(final String shelf, final String key, final long version, final boolean tombstone, final byte[] data,
                           final long nowMs, final ShelfConfig sc) {
        return new Book(shelf, key, localId, config.nodeName(), version, nowMs + sc.ttlMs(), tombstone, data,
            authorship.sign(shelf, key, localId, version, sc.ttlMs(), tombstone, data));
    }

    /**
     * What a Lua entry that would change what we hold becomes, or null when the shelf's writers refuse it
     * (counted; the first reason goes to {@code reason}). The two rules, each stated here only: an entry of
     * this node's own Lua library (our file, our name) is a local write, held to the local-write rule and
     * signed by our key; any other Lua entry is unsigned and taken only where the shelf takes unsigned books.
     *
     * @param entry the entry as the book it would be, unsigned (a refresh: the held book with the post's TTL)
     */
    private Book admitLuaEntry(final ShelfConfig sc, final String shelf, final Book held, final Book entry, final boolean ownWrite,
                               final String[] reason) {
        if (ownWrite) {
            try {
                authorship.requireLocalWrite(sc, shelf, held);
            } catch (final SharedStateException e) {
                counters.increment(SharedStateCounter.LUA_REFUSED_LOCAL_WRITE);
                reason[0] = reason[0] != null ? reason[0] : e.getMessage();
                return null;
            }
            return localBook(shelf, entry.key(), entry.version(), entry.tombstone(), entry.data(), clock.nowMs(), sc);
        }
        if (!authorship.takesUnsigned(sc)) {
            counters.increment(SharedStateCounter.LUA_REFUSED_UNSIGNED);
            reason[0] = reason[0] != null ? reason[0] : "shelf " + shelf + " takes signed books only (writers "
                + sc.writers(authorship.signs()).kind().name().toLowerCase(java.util.Locale.ROOT) + ") and a Lua entry cannot be signed";
            return null;
        }
        return entry;
    }

    /**
     * Stores and spreads one admitted Lua entry (both bridges). A store that refuses it ends the merge: the
     * refusals so far are logged first, then the one-line error goes to the caller.
     */
    private void storeLuaEntry(final ShelfIndex index, final Book book, final LuaSource source, final int refusedSoFar,
                               final String reason) {
        final StoreStatus status = store.put(book);
        if (status != StoreStatus.OK) {
            logLuaRefusals(book.shelf(), source, refusedSoFar, reason);
            throw new SharedStateException(SharedStateException.Code.STORE_FULL,
                "book store refused book '" + ShelfNames.abbreviate(book.key()) + "' from reqsync (" + refusal(status) + ")");
        }
        indexBook(index, book);
        queuePush(book.shelf(), book.key(), null);
        counters.increment(SharedStateCounter.REQSYNC_MERGED);
    }

    /** One line in the event log for the Lua entries a merge refused. */
    private void logLuaRefusals(final String shelf, final LuaSource source, final int refused, final String reason) {
        if (refused > 0) {
            log(EventType.ERROR, "shared-state " + (source == LuaSource.PEER_POST ? "reqsync (a Lua post)" : "own Lua file")
                + " of shelf " + shelf + ": " + refused + " entries refused: " + reason);
        }
    }

    /**
     * LibreMesh {@code shared-state-multiwriter reqsync} ({@link LuaSource#PEER_POST}) and the Lua library's
     * persistent file read back ({@link LuaSource#OWN_FILE}): merges a Lua map {@code {key: entry}} by the Lua
     * rule, which the version order is ({@link MultiWriterEntry}). The entry's author stays its author; who
     * vouches for it is {@link #admitLuaEntry}'s rule. Returns how many books changed.
     */
    int bridgeMultiWriter(final String shelf, final List<Map.Entry<String, MultiWriterEntry>> entries, final LuaSource source) {
        ShelfNames.require(shelf);
        final ShelfConfig sc = config.shelf(shelf);
        final ShelfIndex index = index(shelf);
        final long nowMs = clock.nowMs();
        int changed = 0;
        int refused = 0;
        final String[] reason = {null};
        for (final Map.Entry<String, MultiWriterEntry> e : entries) {
            final String key = ShelfNames.requireKey(e.getKey());
            final MultiWriterEntry in = e.getValue();
            final byte[] envelope = in.envelope();
            final Book held = store.get(shelf, key);
            final Book unsigned = new Book(shelf, key, LuaBridge.authorId(in.author(), config.nodeName(), localId), in.author(),
                in.version(), nowMs + sc.ttlMs(), false, envelope);
            // The same edit (json-c may spell the entry differently) or an older one: nothing to do.
            final boolean sameEdit = held != null && held.version() == unsigned.version() && held.authorId().equals(unsigned.authorId());
            if (held != null && (sameEdit || BookOrder.compare(unsigned, held) <= 0)) {
                counters.increment(SharedStateCounter.BOOKS_EQUAL);
                continue;
            }
            if (envelope.length > sc.maxBookBytes() || envelope.length > store.maxDataBytes()) {
                counters.increment(SharedStateCounter.DROP_TOO_LARGE);
                continue;
            }
            if (held == null && index.count() >= sc.maxBooks()) {
                counters.increment(SharedStateCounter.DROP_SHELF_FULL);
                continue;
            }
            final Book book = admitLuaEntry(sc, shelf, held, unsigned, source == LuaSource.OWN_FILE && in.author().equals(config.nodeName()), reason);
            if (book == null) {
                refused++;
                continue;
            }
            storeLuaEntry(index, book, source, refused, reason[0]);
            changed++;
        }
        logLuaRefusals(shelf, source, refused, reason[0]);
        if (changed > 0) {
            hooks.trigger(shelf);
        }
        return changed;
    }

    /** True when every book held of {@code shelf} is a multiwriter entry whose version matches (it may become MULTIWRITER). */
    boolean holdsOnlyMultiWriterBooks(final String shelf) {
        final boolean[] ok = {true};
        store.forEach(shelf, b -> {
            if (ok[0] && (b.tombstone() || !matchesEntry(b.data(), b.version()))) {
                ok[0] = false;
            }
        });
        return ok[0];
    }

    private static boolean matchesEntry(final byte[] data, final long version) {
        try {
            return MultiWriterEntry.parse(data).version() == version;
        } catch (final SharedStateException e) {
            return false;
        }
    }

    int remove(final String shelf, final List<String> keys) {
        ShelfNames.require(shelf);
        for (final String k : keys) {
            ShelfNames.requireKey(k);
        }
        final ShelfConfig sc = config.shelf(shelf);
        if (sc.policy() == MergePolicy.MULTIWRITER) {
            // The Lua multiwriter has no removal either: an entry is edited (data null), never deleted.
            throw new SharedStateException(SharedStateException.Code.WRONG_JSON_TYPE,
                "shelf " + shelf + " is a multiwriter shelf: entries are never removed (insert null data instead)");
        }
        final ShelfIndex index = index(shelf);
        final long nowMs = clock.nowMs();
        final List<Book> written = new ArrayList<>();
        final List<Book> previous = new ArrayList<>();
        for (final String key : new java.util.LinkedHashSet<>(keys)) {
            final Book held = store.get(shelf, key);
            if (held != null && !held.tombstone()) {
                authorship.requireLocalWrite(sc, shelf, held); // all or nothing: before any write
            }
        }
        for (final String key : new java.util.LinkedHashSet<>(keys)) {
            final Book old = store.get(shelf, key);
            if (old == null || old.tombstone()) {
                continue;
            }
            final long version;
            if (sc.policy() == MergePolicy.CONTENT) {
                version = 1; // a content book is immutable: the only later state is its removal
            } else {
                hlc.observe(old.version(), wallClockMs.getAsLong());
                version = hlc.tick(wallClockMs.getAsLong());
            }
            final Book tomb = localBook(shelf, key, version, true, new byte[0], nowMs, sc);
            final StoreStatus status = store.put(tomb);
            if (status != StoreStatus.OK) {
                rollback(written, previous);
                throw new SharedStateException(SharedStateException.Code.STORE_FULL,
                    "book store refused tombstone '" + ShelfNames.abbreviate(key) + "' (" + refusal(status) + "); nothing removed");
            }
            written.add(tomb);
            previous.add(old);
        }
        for (final Book b : written) {
            indexBook(index, b);
            queuePush(shelf, b.key(), null);
        }
        counters.add(SharedStateCounter.REMOVES, written.size());
        if (!written.isEmpty()) {
            hooks.trigger(shelf);
        }
        return written.size();
    }

    /**
     * LibreMesh {@code reqsync}: merges a Lua node's entries by the Lua rule ({@link LuaBridge}), keeping
     * each entry's author and remaining TTL. Returns how many books changed.
     */
    int bridge(final String shelf, final List<LuaBridge.Entry> entries) {
        ShelfNames.require(shelf);
        final ShelfConfig sc = config.shelf(shelf);
        final ShelfIndex index = index(shelf);
        final long nowMs = clock.nowMs();
        int changed = 0;
        int refused = 0;
        final String[] reason = {null};
        boolean visible = false;
        for (final LuaBridge.Entry in : entries) {
            final String key = sc.policy() == MergePolicy.CONTENT && in.data() != null
                ? hashes.contentKey(in.data()) : ShelfNames.requireKey(in.key());
            final Book held = store.get(shelf, key);
            final LuaBridge.Action action = LuaBridge.decide(in, held, nowMs);
            final Book book;
            switch (action) {
                case DROP, KEEP -> {
                    counters.increment(action == LuaBridge.Action.DROP ? SharedStateCounter.REQSYNC_DROPPED : SharedStateCounter.BOOKS_EQUAL);
                    continue;
                }
                case REFRESH -> book = withExpiry(held, nowMs + in.ttlMs());
                default -> {
                    final boolean tomb = action == LuaBridge.Action.REMOVE;
                    final byte[] data = tomb ? new byte[0] : in.data();
                    if (!tomb && (data.length > sc.maxBookBytes() || data.length > store.maxDataBytes())) {
                        counters.increment(SharedStateCounter.DROP_TOO_LARGE);
                        continue;
                    }
                    if (held == null && index.count() >= sc.maxBooks()) {
                        counters.increment(SharedStateCounter.DROP_SHELF_FULL);
                        continue;
                    }
                    long version = 0;
                    if (sc.policy() != MergePolicy.CONTENT) {
                        if (held != null) {
                            hlc.observe(held.version(), wallClockMs.getAsLong());
                        }
                        version = hlc.tick(wallClockMs.getAsLong());
                    } else if (tomb) {
                        version = 1;
                    }
                    book = new Book(shelf, key, LuaBridge.authorId(in.author(), config.nodeName(), localId), in.author(),
                        version, nowMs + in.ttlMs(), tomb, data);
                }
            }
            // A refresh too: a Lua TTL must not keep a book alive where the shelf's writers would not take the post.
            if (admitLuaEntry(sc, shelf, held, book, false, reason) == null) {
                refused++;
                continue;
            }
            storeLuaEntry(index, book, LuaSource.PEER_POST, refused, reason[0]);
            changed++;
            visible |= action != LuaBridge.Action.REFRESH;
        }
        logLuaRefusals(shelf, LuaSource.PEER_POST, refused, reason[0]);
        if (visible) {
            hooks.trigger(shelf);
        }
        return changed;
    }

    /** The words an operator reads for a refused write. */
    private static String refusal(final StoreStatus status) {
        return status == StoreStatus.DISK_FULL ? "disk full" : status == StoreStatus.FULL ? "store full" : status.name();
    }

    private void rollback(final List<Book> written, final List<Book> previous) {
        for (int i = written.size() - 1; i >= 0; i--) {
            final Book old = previous.get(i);
            if (old == null) {
                store.remove(written.get(i).shelf(), written.get(i).key());
            } else {
                store.put(old);
            }
        }
    }

    /** A consistent copy of a shelf, sorted by key, with the time it was taken. */
    public record Snapshot(String shelf, long nowMs, List<Book> books) {
    }

    Snapshot snapshot(final String shelf) {
        ShelfNames.require(shelf);
        final List<Book> out = new ArrayList<>();
        store.forEach(shelf, out::add);
        out.sort(Comparator.comparing(Book::key));
        return new Snapshot(shelf, clock.nowMs(), out);
    }

    /** Name, book count (tombstones included) and summary of each shelf. */
    public record ShelfInfo(String shelf, int books, long hashHi, long hashLo) {
    }

    List<ShelfInfo> shelves() {
        final List<ShelfInfo> out = new ArrayList<>();
        for (final String s : new TreeMap<>(indexes).keySet()) {
            final ShelfIndex i = indexes.get(s);
            if (i.count() > 0 || config.shelves().containsKey(s)) {
                out.add(new ShelfInfo(s, i.count(), i.hashHi(), i.hashLo()));
            }
        }
        return out;
    }

    /** This node's book-signing key id, or null when it does not sign. */
    String signingKeyId() {
        return authorship.keyId();
    }

    List<InetSocketAddress> neighbours() {
        return neighbours.current();
    }

    // ------------------------------------------------------------------ merge

    enum MergeResult { CHANGED, TTL_REFRESHED, EQUAL, STALE, DROPPED }

    MergeResult merge(final String shelf, final GossipCodec.WireBook wb, final InetSocketAddress source) {
        return merge(shelf, wb, source, true);
    }

    /**
     * Merges a remote book; an accepted one is pushed on to the other neighbours when {@code relay} (a bulk
     * catch-up does not relay: we were empty, so what we fetch is what the neighbourhood already has, and any
     * neighbour lacking some of it pulls it in its own rounds).
     */
    MergeResult merge(final String shelf, final GossipCodec.WireBook wb, final InetSocketAddress source, final boolean relay) {
        final ShelfConfig sc = config.shelf(shelf);
        if (wb.ttlMs() == 0) {
            counters.increment(SharedStateCounter.DROP_BAD_BOOK);
            return MergeResult.DROPPED;
        }
        if (wb.data().length > sc.maxBookBytes() || wb.data().length > store.maxDataBytes()) {
            counters.increment(SharedStateCounter.DROP_TOO_LARGE);
            return MergeResult.DROPPED;
        }
        // CONTENT books are keyed by the hash of their canonical form; others keep their members' inserted order.
        if (wb.tombstone() ? wb.data().length != 0
            : !(sc.policy() == MergePolicy.CONTENT ? CanonicalJson.isCanonical(wb.data()) : CanonicalJson.isCompact(wb.data()))) {
            counters.increment(SharedStateCounter.DROP_BAD_BOOK);
            return MergeResult.DROPPED;
        }
        if (sc.policy() == MergePolicy.CONTENT) {
            final boolean ok = wb.tombstone() ? wb.version() == 1 : wb.version() == 0 && wb.key().equals(hashes.contentKey(wb.data()));
            if (!ok) {
                counters.increment(SharedStateCounter.DROP_BAD_BOOK);
                return MergeResult.DROPPED;
            }
        } else if (sc.policy() == MergePolicy.MULTIWRITER) {
            if (!multiWriterBookValid(wb)) {
                counters.increment(SharedStateCounter.DROP_BAD_BOOK);
                return MergeResult.DROPPED;
            }
        } else if (HybridLogicalClock.tooFarAhead(wb.version(), wallClockMs.getAsLong(), config.maxVersionAheadMs())) {
            counters.increment(SharedStateCounter.DROP_VERSION_AHEAD);
            return MergeResult.DROPPED;
        }
        final long nowMs = clock.nowMs();
        // A peer may not extend a book beyond our own TTL for the shelf (async shared-state refuses such copies too),
        // nor beyond the TTL its author signed.
        final long expiresAtMs = nowMs + Math.min(Math.min(wb.ttlMs(), sc.ttlMs()), BookAuthorship.maxTtlMs(wb));
        final Book remote = new Book(shelf, wb.key(), wb.authorId(), wb.authorName(), wb.version(), expiresAtMs, wb.tombstone(), wb.data(),
            wb.signature());
        final ShelfIndex held = indexes.get(shelf); // created only when a book is stored: junk names cost nothing
        final Book local = store.get(shelf, wb.key());
        final MergeResult result;
        Book toStore = remote;
        if (local == null) {
            if (held != null && held.count() >= sc.maxBooks()) {
                counters.increment(SharedStateCounter.DROP_SHELF_FULL);
                return MergeResult.DROPPED;
            }
            if (!LocalWriteReserve.remoteMayAdd(store, wb.data().length)) {
                // Issue 12: remote books may not take the share of the store kept for local inserts.
                counters.increment(SharedStateCounter.DROP_RESERVED_FOR_LOCAL);
                return MergeResult.DROPPED;
            }
            result = MergeResult.CHANGED;
        } else {
            final int c = BookOrder.compare(remote, local);
            if (c < 0) {
                counters.increment(SharedStateCounter.BOOKS_STALE);
                return MergeResult.STALE;
            }
            if (c == 0) {
                if (expiresAtMs <= local.expiresAtMs() + TTL_REFRESH_SLACK_MS) {
                    counters.increment(SharedStateCounter.BOOKS_EQUAL);
                    return MergeResult.EQUAL;
                }
                toStore = withExpiry(local, expiresAtMs);
                result = MergeResult.TTL_REFRESHED;
            } else {
                result = MergeResult.CHANGED;
            }
        }
        if (result == MergeResult.CHANGED) {
            // Only books that would change our state are verified (issue 12: signatures cost ~0.1 ms each).
            if (!authorship.mayWrite(sc, shelf, wb, local)) {
                return MergeResult.DROPPED;
            }
            if (sc.policy() == MergePolicy.LWW) {
                hlc.observe(wb.version(), wallClockMs.getAsLong()); // bounded above: never more than maxVersionAhead
            }
        }
        if (store.put(toStore) != StoreStatus.OK) {
            counters.increment(SharedStateCounter.DROP_STORE_REFUSED);
            return MergeResult.DROPPED;
        }
        counters.increment(SharedStateCounter.BOOKS_ACCEPTED);
        indexBook(index(shelf), toStore);
        if (relay) {
            queuePush(shelf, wb.key(), source);
        }
        if (result == MergeResult.CHANGED && visiblyDifferent(local, remote)) {
            hooks.trigger(shelf);
        }
        return result;
    }

    /** A multiwriter book carries a live entry whose (changes, fortune) is its version. */
    private static boolean multiWriterBookValid(final GossipCodec.WireBook wb) {
        return !wb.tombstone() && matchesEntry(wb.data(), wb.version());
    }

    private static boolean visiblyDifferent(final Book local, final Book remote) {
        if (local == null) {
            return !remote.tombstone();
        }
        return local.tombstone() != remote.tombstone() || !Arrays.equals(local.data(), remote.data());
    }

    private static Book withExpiry(final Book b, final long expiresAtMs) {
        return b.withExpiry(expiresAtMs);
    }

    ShelfIndex index(final String shelf) {
        return indexes.computeIfAbsent(shelf, s -> new ShelfIndex());
    }

    private void indexBook(final ShelfIndex index, final Book b) {
        final long keyHash = hashes.keyHash(b.key());
        hashes.entryHash(keyHash, b, hash2);
        index.put(b.key(), keyHash, hash2[0], hash2[1]);
    }

    // ------------------------------------------------------------------ expiry

    private void expiryTick() {
        if (!running) {
            return;
        }
        try {
            renewMultiWriterBooks();
            final Set<String> changed = new HashSet<>();
            final int n = store.expire(clock.nowMs(), b -> {
                final ShelfIndex i = indexes.get(b.shelf());
                if (i != null) {
                    i.remove(b.key());
                }
                if (!b.tombstone()) {
                    changed.add(b.shelf());
                }
            });
            if (n > 0) {
                counters.add(SharedStateCounter.BOOKS_EXPIRED, n);
                log(EventType.EXPIRE, "shared-state expired " + n + " books in " + changed);
            }
            for (final String s : changed) {
                hooks.trigger(s);
            }
        } finally {
            scheduler.schedule(config.expiryCheckMs(), this::expiryTick);
        }
    }

    /**
     * MULTIWRITER books never expire: every quarter TTL each node gives the copies it holds whose remaining
     * TTL fell below half a full TTL again (a local renewal, no new version; peers keep the larger TTL).
     */
    private void renewMultiWriterBooks() {
        final long nowMs = clock.nowMs();
        for (final String shelf : indexes.keySet()) {
            final ShelfConfig sc = config.shelf(shelf);
            if (sc.policy() != MergePolicy.MULTIWRITER || nowMs < nextRenewalMs.getOrDefault(shelf, Long.MIN_VALUE)) {
                continue;
            }
            nextRenewalMs.put(shelf, nowMs + sc.ttlMs() / 4);
            final List<Book> due = new ArrayList<>();
            store.forEach(shelf, b -> {
                if (b.expiresAtMs() - nowMs < sc.ttlMs() / 2) {
                    due.add(b);
                }
            });
            for (final Book b : due) {
                if (store.put(withExpiry(b, nowMs + sc.ttlMs())) == StoreStatus.OK) {
                    counters.increment(SharedStateCounter.TTL_REFRESHES);
                }
            }
        }
    }

    // ------------------------------------------------------------------ shared with the gossip parts

    /** Queues a changed book for the next push (null source = a local change). */
    void queuePush(final String shelf, final String key, final InetSocketAddress source) {
        pusher.queue(shelf, key, source);
    }

    /** 64-bit key hash of a book key (the bucket tree and cursor position). */
    long keyHash(final String key) {
        return hashes.keyHash(key);
    }

    /** Summary of a shelf (count 0 when we hold nothing of it). */
    GossipCodec.ShelfDigest digestOf(final String shelf) {
        final ShelfIndex i = indexes.get(shelf);
        return i == null ? new GossipCodec.ShelfDigest(shelf, 0, 0, 0) : new GossipCodec.ShelfDigest(shelf, i.count(), i.hashHi(), i.hashLo());
    }

    /** The shelf's index, or null when we never stored a book of it (junk names cost nothing). */
    ShelfIndex indexOrNull(final String shelf) {
        return indexes.get(shelf);
    }

    /** Every shelf index by name (live view, node thread only). */
    Map<String, ShelfIndex> indexes() {
        return indexes;
    }

    boolean running() {
        return running;
    }

    /** Shortest sync interval of any shelf: the gossip tick runs at half of it. */
    long baseIntervalMs() {
        long min = config.defaultShelf().syncIntervalMs();
        for (final ShelfConfig c : config.shelves().values()) {
            min = Math.min(min, c.syncIntervalMs());
        }
        return min;
    }

    /** {@code ms} +-25%, at least 1. */
    long jittered(final long ms) {
        final long j = ms / 4;
        return Math.max(1, ms - j + (j == 0 ? 0 : random.nextLong(2 * j + 1)));
    }

    /**
     * Starts an anti-entropy round with {@code neighbour} for {@code shelves} (pull: we fetch what it
     * has that we lack; it does the same with us on its own rounds). {@code done} gets the round.
     */
    void startRound(final InetSocketAddress neighbour, final List<String> shelves, final Consumer<SyncRound> done) {
        initiator.startRound(neighbour, shelves, done);
    }

    private void log(final EventType type, final String message) {
        if (eventLog != null) {
            eventLog.record(clock.nowMs(), type, message);
        }
    }
}
