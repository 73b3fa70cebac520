package chisme.node.sharedstate;

import chisme.node.event.EventLog;
import chisme.node.event.EventType;
import chisme.node.rpc.Dispatcher;
import chisme.node.rpc.Responder;
import chisme.node.rpc.ResponseListener;
import chisme.node.rpc.RpcTracker;
import chisme.node.transport.Clock;
import chisme.node.transport.Scheduler;
import chisme.store.Book;
import chisme.store.BookStore;
import chisme.store.StoreStatus;
import chisme.wire.HeaderFlyweight;
import chisme.wire.MessageType;
import chisme.wire.NodeId;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
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
 * hands calls in). It merges books (LWW by HLC version or CONTENT sets), pushes changes to neighbours at
 * once and relays accepted ones, runs pull-based anti-entropy rounds (summary, then bucket narrowing,
 * then only the differing books, within a per-round byte budget), expires books by remaining TTL and
 * triggers hooks. See docs/shared-state.md.
 */
public final class SharedStateEngine {
    /** A key list at or below this size is sent instead of narrowing further (16 bytes per key). */
    static final int LEAF_KEYS = 48;
    /** Calls one round keeps in flight (replies are fragmented: the reassembler holds 4 per source). */
    static final int ROUND_CALLS_IN_FLIGHT = 2;
    /** A remote TTL this much above ours counts as a refresh worth storing and relaying. */
    static final long TTL_REFRESH_SLACK_MS = 2_000;
    /** BOOKS bodies are cut at this size (below the 70,000-byte reassembly limit of docs/wire.md). */
    static final int MAX_BOOKS_BODY = 60_000;
    /** A SHELF_DIGEST request stays in one datagram (1232 - 32 header). */
    static final int MAX_DIGEST_BODY = 1_200;

    private final SharedStateConfig config;
    private final BookStore store;
    private final NodeId localId;
    private final byte[] localName;
    private final Dispatcher dispatcher;
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
    private final UnsafeBuffer pushBuffer;
    private final HeaderFlyweight pushHeader = new HeaderFlyweight();
    private final LinkedHashMap<String, LinkedHashMap<String, InetSocketAddress>> pendingPush = new LinkedHashMap<>();
    private final Map<String, Long> nextRoundMs = new HashMap<>();
    private final Set<InetSocketAddress> followUps = new HashSet<>();
    private boolean pushScheduled;
    private boolean running;

    SharedStateEngine(final SharedStateConfig config, final BookStore store, final Dispatcher dispatcher, final Scheduler scheduler,
                      final Clock clock, final LongSupplier wallClockMs, final EventLog eventLog, final RandomGenerator random,
                      final SharedStateCounters counters, final Neighbours neighbours, final HookRunner hooks) {
        this.config = config;
        this.store = store;
        this.localId = dispatcher.localId();
        this.localName = config.nodeName().getBytes(StandardCharsets.UTF_8);
        this.dispatcher = dispatcher;
        this.scheduler = scheduler;
        this.clock = clock;
        this.wallClockMs = wallClockMs;
        this.eventLog = eventLog;
        this.random = random;
        this.counters = counters;
        this.neighbours = neighbours;
        this.hooks = hooks;
        this.pushBuffer = new UnsafeBuffer(new byte[HeaderFlyweight.LENGTH + 70_000 - 100]);
        pushHeader.wrap(pushBuffer, 0);
    }

    /** Registers the gossip handlers. Before the dispatcher starts. */
    void register() {
        dispatcher.registerRequestHandler(MessageType.SHELF_DIGEST, this::onShelfDigest);
        dispatcher.registerRequestHandler(MessageType.BUCKET_DIGEST, this::onBucketDigest);
        dispatcher.registerRequestHandler(MessageType.BOOK_REQUEST, this::onBookRequest);
        dispatcher.registerRequestHandler(MessageType.BOOKS, this::onBooksPush);
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
                final Book kept = b.expiresAtMs() > maxExpiry && store.put(withExpiry(b, maxExpiry)) == StoreStatus.OK
                    ? withExpiry(b, maxExpiry) : b;
                indexBook(index, kept);
            });
        }
        scheduler.schedule(config.expiryCheckMs(), this::expiryTick);
        scheduler.schedule(jittered(baseIntervalMs()) / 2, this::gossipTick);
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
            final Book old = store.get(shelf, e.getKey());
            final Book book;
            if (old != null && !old.tombstone() && Arrays.equals(old.data(), e.getValue())) {
                // Equal data: no new version, only a fresh TTL (this is what stops the Pirania flip-flop).
                book = withExpiry(old, nowMs + sc.ttlMs());
                refreshed++;
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
                book = new Book(shelf, e.getKey(), localId, config.nodeName(), version, nowMs + sc.ttlMs(), false, e.getValue());
                inserted++;
                visibleChange = true;
            }
            final StoreStatus status = store.put(book);
            if (status != StoreStatus.OK) {
                rollback(written, previous);
                throw new SharedStateException(SharedStateException.Code.STORE_FULL,
                    "book store refused book '" + ShelfNames.abbreviate(e.getKey()) + "' (" + status + "); nothing stored");
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

    int remove(final String shelf, final List<String> keys) {
        ShelfNames.require(shelf);
        for (final String k : keys) {
            ShelfNames.requireKey(k);
        }
        final ShelfConfig sc = config.shelf(shelf);
        final ShelfIndex index = index(shelf);
        final long nowMs = clock.nowMs();
        final List<Book> written = new ArrayList<>();
        final List<Book> previous = new ArrayList<>();
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
            final Book tomb = new Book(shelf, key, localId, config.nodeName(), version, nowMs + sc.ttlMs(), true, new byte[0]);
            final StoreStatus status = store.put(tomb);
            if (status != StoreStatus.OK) {
                rollback(written, previous);
                throw new SharedStateException(SharedStateException.Code.STORE_FULL,
                    "book store refused tombstone '" + ShelfNames.abbreviate(key) + "' (" + status + "); nothing removed");
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

    List<InetSocketAddress> neighbours() {
        return neighbours.current();
    }

    // ------------------------------------------------------------------ merge

    enum MergeResult { CHANGED, TTL_REFRESHED, EQUAL, STALE, DROPPED }

    MergeResult merge(final String shelf, final GossipCodec.WireBook wb, final InetSocketAddress source) {
        final ShelfConfig sc = config.shelf(shelf);
        if (wb.ttlMs() == 0) {
            counters.increment(SharedStateCounter.DROP_BAD_BOOK);
            return MergeResult.DROPPED;
        }
        if (wb.data().length > sc.maxBookBytes() || wb.data().length > store.maxDataBytes()) {
            counters.increment(SharedStateCounter.DROP_TOO_LARGE);
            return MergeResult.DROPPED;
        }
        if (wb.tombstone() ? wb.data().length != 0 : !CanonicalJson.isCanonical(wb.data())) {
            counters.increment(SharedStateCounter.DROP_BAD_BOOK);
            return MergeResult.DROPPED;
        }
        if (sc.policy() == MergePolicy.CONTENT) {
            final boolean ok = wb.tombstone() ? wb.version() == 1 : wb.version() == 0 && wb.key().equals(hashes.contentKey(wb.data()));
            if (!ok) {
                counters.increment(SharedStateCounter.DROP_BAD_BOOK);
                return MergeResult.DROPPED;
            }
        } else {
            hlc.observe(wb.version(), wallClockMs.getAsLong());
        }
        final long nowMs = clock.nowMs();
        // A peer may not extend a book beyond our own TTL for the shelf (async shared-state refuses such copies too).
        final long expiresAtMs = nowMs + Math.min(wb.ttlMs(), sc.ttlMs());
        final Book remote = new Book(shelf, wb.key(), wb.authorId(), wb.authorName(), wb.version(), expiresAtMs, wb.tombstone(), wb.data());
        final ShelfIndex held = indexes.get(shelf); // created only when a book is stored: junk names cost nothing
        final Book local = store.get(shelf, wb.key());
        final MergeResult result;
        Book toStore = remote;
        if (local == null) {
            if (held != null && held.count() >= sc.maxBooks()) {
                counters.increment(SharedStateCounter.DROP_SHELF_FULL);
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
        if (store.put(toStore) != StoreStatus.OK) {
            counters.increment(SharedStateCounter.DROP_STORE_REFUSED);
            return MergeResult.DROPPED;
        }
        counters.increment(SharedStateCounter.BOOKS_ACCEPTED);
        indexBook(index(shelf), toStore);
        queuePush(shelf, wb.key(), source);
        if (result == MergeResult.CHANGED && visiblyDifferent(local, remote)) {
            hooks.trigger(shelf);
        }
        return result;
    }

    private static boolean visiblyDifferent(final Book local, final Book remote) {
        if (local == null) {
            return !remote.tombstone();
        }
        return local.tombstone() != remote.tombstone() || !Arrays.equals(local.data(), remote.data());
    }

    private static Book withExpiry(final Book b, final long expiresAtMs) {
        return new Book(b.shelf(), b.key(), b.authorId(), b.authorName(), b.version(), expiresAtMs, b.tombstone(), b.data());
    }

    private ShelfIndex index(final String shelf) {
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

    // ------------------------------------------------------------------ push

    private void queuePush(final String shelf, final String key, final InetSocketAddress source) {
        pendingPush.computeIfAbsent(shelf, s -> new LinkedHashMap<>()).put(key, source == null ? LOCAL : source);
        if (!pushScheduled) {
            pushScheduled = true;
            if (config.pushDelayMs() == 0) {
                scheduler.execute(this::flushPush);
            } else {
                scheduler.schedule(config.pushDelayMs(), this::flushPush);
            }
        }
    }

    /** Marks a change made locally (relayed to every neighbour). */
    private static final InetSocketAddress LOCAL = InetSocketAddress.createUnresolved("local", 1);

    private void flushPush() {
        pushScheduled = false;
        if (pendingPush.isEmpty()) {
            return;
        }
        final List<InetSocketAddress> targets = neighbours.current();
        for (final Map.Entry<String, LinkedHashMap<String, InetSocketAddress>> e : pendingPush.entrySet()) {
            final String shelf = e.getKey();
            final List<Book> books = new ArrayList<>();
            final List<InetSocketAddress> sources = new ArrayList<>();
            for (final Map.Entry<String, InetSocketAddress> k : e.getValue().entrySet()) {
                final Book b = store.get(shelf, k.getKey());
                if (b != null) {
                    books.add(b);
                    sources.add(k.getValue());
                }
            }
            for (final InetSocketAddress to : targets) {
                final List<Book> forTarget = new ArrayList<>();
                for (int i = 0; i < books.size(); i++) {
                    if (!to.equals(sources.get(i))) {
                        forTarget.add(books.get(i)); // never echo a book back to the neighbour it came from
                    }
                }
                sendBooks(shelf, forTarget, to);
            }
        }
        pendingPush.clear();
    }

    private void sendBooks(final String shelf, final List<Book> books, final InetSocketAddress to) {
        final long nowMs = clock.nowMs();
        int i = 0;
        while (i < books.size()) {
            int p = codec.beginBooks(pushBuffer, 0, shelf);
            int n = 0;
            while (i < books.size()) {
                final Book b = books.get(i);
                final byte[] key = b.key().getBytes(StandardCharsets.UTF_8);
                final byte[] author = authorBytes(b);
                final int size = GossipCodec.bookBytes(key, author, b.data().length);
                if (n > 0 && p + size > HeaderFlyweight.LENGTH + MAX_BOOKS_BODY) {
                    break;
                }
                final long ttl = b.expiresAtMs() - nowMs;
                i++;
                if (ttl <= 0) {
                    continue;
                }
                p = codec.appendBook(key, b.authorId(), author, b.version(), ttl, b.tombstone(), b.data());
                n++;
            }
            if (n == 0) {
                continue;
            }
            pushHeader.encode(MessageType.BOOKS, 0, random.nextLong(), localId);
            dispatcher.sender().send(pushBuffer, 0, p, to);
            counters.increment(SharedStateCounter.PUSH_SENT);
            counters.add(SharedStateCounter.PUSH_BOOKS_SENT, n);
            counters.add(SharedStateCounter.GOSSIP_TX_BYTES, p);
        }
    }

    private byte[] authorBytes(final Book b) {
        final byte[] a = b.authorName() == null ? new byte[0] : b.authorName().getBytes(StandardCharsets.UTF_8);
        return a.length > 255 ? Arrays.copyOf(a, 255) : a;
    }

    // ------------------------------------------------------------------ request handlers (responder side)

    private void onBooksPush(final HeaderFlyweight h, final DirectBuffer buf, final int off, final int len,
                             final InetSocketAddress source, final Responder responder) {
        counters.add(SharedStateCounter.GOSSIP_RX_BYTES, len);
        final GossipCodec.Books books = codec.decodeBooks(buf, off, len);
        if (books == null) {
            dropBadBody();
            return;
        }
        counters.increment(SharedStateCounter.PUSH_RECEIVED);
        for (final GossipCodec.WireBook wb : books.books()) {
            merge(books.shelf(), wb, source);
        }
    }

    private void onShelfDigest(final HeaderFlyweight h, final DirectBuffer buf, final int off, final int len,
                               final InetSocketAddress source, final Responder responder) {
        counters.add(SharedStateCounter.GOSSIP_RX_BYTES, len);
        final List<GossipCodec.ShelfDigest> asked = codec.decodeShelfDigests(buf, off, len);
        if (asked == null) {
            dropBadBody();
            return;
        }
        final List<GossipCodec.ShelfDigest> reply = new ArrayList<>();
        final Set<String> named = new HashSet<>();
        int bytes = 1;
        for (final GossipCodec.ShelfDigest d : asked) {
            final GossipCodec.ShelfDigest mine = digestOf(d.shelf());
            // Equal shelves are left out of the reply: in the common case (nothing changed) the reply is
            // an empty digest, 33 bytes, whatever the shelf size.
            if (named.add(d.shelf()) && !mine.equals(d)) {
                reply.add(mine);
                bytes += GossipCodec.shelfDigestBytes(d.shelf());
            }
        }
        // Also name shelves the asker did not mention, so it learns of shelves it has never seen.
        for (final ShelfInfo s : shelves()) {
            if (reply.size() >= GossipCodec.MAX_DIGEST_SHELVES || bytes + GossipCodec.shelfDigestBytes(s.shelf()) > responder.maxBodyBytes()) {
                break;
            }
            if (s.books() > 0 && named.add(s.shelf())) {
                reply.add(digestOf(s.shelf()));
                bytes += GossipCodec.shelfDigestBytes(s.shelf());
            }
        }
        final int n = codec.encodeShelfDigests(responder.buffer(), 0, reply);
        reply(responder, MessageType.SHELF_DIGEST, n);
        counters.increment(SharedStateCounter.DIGESTS_ANSWERED);
    }

    private void onBucketDigest(final HeaderFlyweight h, final DirectBuffer buf, final int off, final int len,
                                final InetSocketAddress source, final Responder responder) {
        counters.add(SharedStateCounter.GOSSIP_RX_BYTES, len);
        final GossipCodec.BucketDigest d = codec.decodeBucketDigest(buf, off, len);
        if (d == null) {
            dropBadBody();
            return;
        }
        final int[] counts = new int[ShelfIndex.FANOUT];
        final long[] sums = new long[ShelfIndex.FANOUT];
        final ShelfIndex index = indexes.get(d.shelf());
        if (index != null) {
            index.buckets(d.level(), d.prefix(), counts, sums);
        }
        final int n = codec.encodeBucketDigest(responder.buffer(), 0, d.shelf(), d.level(), d.prefix(), counts, sums);
        reply(responder, MessageType.BUCKET_DIGEST, n);
        counters.increment(SharedStateCounter.BUCKETS_ANSWERED);
    }

    private void onBookRequest(final HeaderFlyweight h, final DirectBuffer buf, final int off, final int len,
                               final InetSocketAddress source, final Responder responder) {
        counters.add(SharedStateCounter.GOSSIP_RX_BYTES, len);
        final GossipCodec.BookRequest r = codec.decodeBookRequest(buf, off, len);
        if (r == null) {
            dropBadBody();
            return;
        }
        final Map<Long, Long> known = new HashMap<>();
        for (int i = 0; i < r.keyHashes().length; i++) {
            known.put(r.keyHashes()[i], r.entryHashes()[i]);
        }
        final String shelf = r.shelf();
        final int limit = Responder.BODY_OFFSET + Math.min(MAX_BOOKS_BODY, responder.maxBodyBytes());
        int p = codec.beginBooks(responder.buffer(), 0, shelf);
        int n = 0;
        final ShelfIndex index = indexes.get(shelf);
        if (index != null) {
            final long nowMs = clock.nowMs();
            for (final ShelfIndex.Entry e : index.entriesUnder(r.level(), r.prefix())) {
                final Long theirs = known.get(e.keyHash());
                if (theirs != null && theirs == e.hashLo()) {
                    continue;
                }
                final Book b = store.get(shelf, e.key());
                if (b == null || b.expiresAtMs() <= nowMs) {
                    continue;
                }
                final byte[] key = b.key().getBytes(StandardCharsets.UTF_8);
                final byte[] author = authorBytes(b);
                if (p + GossipCodec.bookBytes(key, author, b.data().length) > limit || n == 0xFFFF) {
                    break; // the requester sees a full reply and asks again for the rest
                }
                p = codec.appendBook(key, b.authorId(), author, b.version(), b.expiresAtMs() - nowMs, b.tombstone(), b.data());
                n++;
            }
        }
        reply(responder, MessageType.BOOKS, p - Responder.BODY_OFFSET);
        counters.increment(SharedStateCounter.BOOK_REQUESTS_ANSWERED);
    }

    private void reply(final Responder responder, final int type, final int bodyLength) {
        responder.reply(type, bodyLength);
        counters.add(SharedStateCounter.GOSSIP_TX_BYTES, HeaderFlyweight.LENGTH + bodyLength);
    }

    private void dropBadBody() {
        dispatcher.dropBadBody();
        counters.increment(SharedStateCounter.DROP_BAD_BODY);
    }

    private GossipCodec.ShelfDigest digestOf(final String shelf) {
        final ShelfIndex i = indexes.get(shelf);
        return i == null ? new GossipCodec.ShelfDigest(shelf, 0, 0, 0) : new GossipCodec.ShelfDigest(shelf, i.count(), i.hashHi(), i.hashLo());
    }

    // ------------------------------------------------------------------ anti-entropy (initiator side)

    private long baseIntervalMs() {
        long min = config.defaultShelf().syncIntervalMs();
        for (final ShelfConfig c : config.shelves().values()) {
            min = Math.min(min, c.syncIntervalMs());
        }
        return min;
    }

    private long jittered(final long ms) {
        final long j = ms / 4;
        return Math.max(1, ms - j + (j == 0 ? 0 : random.nextLong(2 * j + 1)));
    }

    private void gossipTick() {
        if (!running) {
            return;
        }
        try {
            final long nowMs = clock.nowMs();
            final List<String> due = new ArrayList<>();
            final Set<String> all = new java.util.TreeSet<>(config.shelves().keySet());
            for (final Map.Entry<String, ShelfIndex> e : indexes.entrySet()) {
                if (e.getValue().count() > 0) {
                    all.add(e.getKey());
                }
            }
            for (final String s : all) {
                final Long next = nextRoundMs.get(s);
                if (next == null || next <= nowMs) {
                    due.add(s);
                    nextRoundMs.put(s, nowMs + jittered(config.shelf(s).syncIntervalMs()));
                }
            }
            // A node holding no shelf still asks: the reply names the neighbour's shelves, so it learns them.
            if (!due.isEmpty() || all.isEmpty()) {
                for (final InetSocketAddress n : neighbours.current()) {
                    startRound(n, due, null);
                }
            }
        } finally {
            scheduler.schedule(jittered(Math.max(10, baseIntervalMs() / 2)), this::gossipTick);
        }
    }

    /**
     * Starts an anti-entropy round with {@code neighbour} for {@code shelves} (pull: we fetch what it
     * has that we lack; it does the same with us on its own rounds). {@code done} gets the round.
     */
    void startRound(final InetSocketAddress neighbour, final List<String> shelves, final Consumer<Round> done) {
        final Round round = new Round(neighbour, done);
        counters.increment(SharedStateCounter.ROUNDS_STARTED);
        final List<GossipCodec.ShelfDigest> digests = new ArrayList<>();
        int bytes = 1;
        final List<String> order = new ArrayList<>(shelves);
        if (order.size() > 1) {
            // More shelves than one datagram holds are rotated: a random subset each round, so none starves.
            java.util.Collections.shuffle(order, java.util.Random.from(random));
        }
        for (final String s : order) {
            if (digests.size() >= GossipCodec.MAX_DIGEST_SHELVES || bytes + GossipCodec.shelfDigestBytes(s) > MAX_DIGEST_BODY) {
                break;
            }
            digests.add(digestOf(s));
            bytes += GossipCodec.shelfDigestBytes(s);
        }
        final RpcTracker t = dispatcher.tracker();
        final int n = codec.encodeShelfDigests(t.requestBuffer(), 0, digests);
        round.call(MessageType.SHELF_DIGEST, n, (buf, off, len) -> {
            final List<GossipCodec.ShelfDigest> theirs = codec.decodeShelfDigests(buf, off, len);
            if (theirs == null) {
                counters.increment(SharedStateCounter.DROP_BAD_BODY);
                return;
            }
            boolean equal = true;
            for (final GossipCodec.ShelfDigest d : theirs) {
                final GossipCodec.ShelfDigest mine = digestOf(d.shelf());
                if (d.count() == 0 || (mine.count() == d.count() && mine.hashHi() == d.hashHi() && mine.hashLo() == d.hashLo())) {
                    continue;
                }
                equal = false;
                round.queueNode(d.shelf(), 0, 0, mine.count() == 0);
            }
            if (equal) {
                counters.increment(SharedStateCounter.ROUNDS_EQUAL);
            }
        });
    }

    /** Reply handler: the whole reply message (header included), already of the expected type. */
    @FunctionalInterface
    interface BodyHandler {
        void onBody(DirectBuffer buffer, int offset, int length);
    }

    /** One anti-entropy round with one neighbour: a bounded queue of calls, at most two in flight, within the byte budget. */
    final class Round {
        final InetSocketAddress neighbour;
        final Consumer<Round> done;
        final ArrayDeque<Runnable> queue = new ArrayDeque<>();
        int inFlight;
        long bytes;
        int calls;
        boolean incomplete;
        boolean failed;
        boolean finished;
        int booksReceived;

        Round(final InetSocketAddress neighbour, final Consumer<Round> done) {
            this.neighbour = neighbour;
            this.done = done;
        }

        /** Bytes moved (requests sent and replies received). */
        public long bytes() {
            return bytes;
        }

        public boolean failed() {
            return failed;
        }

        public boolean incomplete() {
            return incomplete;
        }

        public int booksReceived() {
            return booksReceived;
        }

        /** Narrow down node (level, prefix) of {@code shelf}; {@code fetchAll}: we hold nothing there, so ask for all of it. */
        void queueNode(final String shelf, final int level, final long prefix, final boolean fetchAll) {
            if (fetchAll) {
                queue.add(() -> requestBooks(shelf, level, prefix));
            } else {
                queue.add(() -> requestBuckets(shelf, level, prefix));
            }
        }

        private void requestBuckets(final String shelf, final int level, final long prefix) {
            final RpcTracker t = dispatcher.tracker();
            final int n = codec.encodeBucketDigest(t.requestBuffer(), 0, shelf, level, prefix, null, null);
            call(MessageType.BUCKET_DIGEST, n, (buf, off, len) -> {
                final GossipCodec.BucketDigest theirs = codec.decodeBucketDigest(buf, off, len);
                if (theirs == null || theirs.counts().length != ShelfIndex.FANOUT || !theirs.shelf().equals(shelf)
                    || theirs.level() != level || theirs.prefix() != prefix) {
                    counters.increment(SharedStateCounter.DROP_BAD_BODY);
                    return;
                }
                final int[] counts = new int[ShelfIndex.FANOUT];
                final long[] sums = new long[ShelfIndex.FANOUT];
                index(shelf).buckets(level, prefix, counts, sums);
                for (int b = 0; b < ShelfIndex.FANOUT; b++) {
                    if (theirs.counts()[b] == 0 || (theirs.counts()[b] == counts[b] && theirs.hashes()[b] == sums[b])) {
                        continue; // pull only: an empty bucket over there has nothing for us
                    }
                    final long child = level == 0 ? b : (prefix << 6) | b;
                    if (counts[b] <= LEAF_KEYS || level + 1 >= ShelfIndex.MAX_LEVEL) {
                        final int childLevel = level + 1;
                        queue.add(() -> requestBooks(shelf, childLevel, child));
                    } else {
                        final int childLevel = level + 1;
                        queue.add(() -> requestBuckets(shelf, childLevel, child));
                    }
                }
            });
        }

        private void requestBooks(final String shelf, final int level, final long prefix) {
            final List<ShelfIndex.Entry> mine = index(shelf).entriesUnder(level, prefix);
            if (mine.size() > LEAF_KEYS && level < ShelfIndex.MAX_LEVEL) {
                requestBuckets(shelf, level, prefix); // we learnt too much since queueing: narrow instead
                return;
            }
            final int max = Math.min(mine.size(), GossipCodec.MAX_REQUEST_PAIRS);
            final long[] keys = new long[max];
            final long[] entryHashes = new long[max];
            for (int i = 0; i < max; i++) {
                keys[i] = mine.get(i).keyHash();
                entryHashes[i] = mine.get(i).hashLo();
            }
            final RpcTracker t = dispatcher.tracker();
            final int n = codec.encodeBookRequest(t.requestBuffer(), 0, shelf, level, prefix, keys, entryHashes);
            call(MessageType.BOOK_REQUEST, n, (buf, off, len) -> {
                final GossipCodec.Books books = codec.decodeBooks(buf, off, len);
                if (books == null || !books.shelf().equals(shelf)) {
                    counters.increment(SharedStateCounter.DROP_BAD_BODY);
                    return;
                }
                int changed = 0;
                for (final GossipCodec.WireBook wb : books.books()) {
                    final MergeResult m = merge(shelf, wb, neighbour);
                    changed += m == MergeResult.CHANGED || m == MergeResult.TTL_REFRESHED ? 1 : 0;
                    booksReceived++;
                }
                // BOOKS has no "more" flag: a reply past half the cut size may have been cut, so ask again
                // (the new request lists what we now hold, so only the rest comes back). Only when the reply
                // taught us something: copies older than ours would come back the same way forever.
                if (changed > 0 && len - HeaderFlyweight.LENGTH > MAX_BOOKS_BODY / 2) {
                    queue.add(() -> requestBooks(shelf, level, prefix));
                }
            });
        }

        void call(final int type, final int bodyLength, final BodyHandler handler) {
            final int size = HeaderFlyweight.LENGTH + bodyLength;
            bytes += size;
            calls++;
            inFlight++;
            counters.add(SharedStateCounter.GOSSIP_TX_BYTES, size);
            final long id = dispatcher.tracker().call(neighbour, type, bodyLength, config.callTimeoutMs(), new ResponseListener() {
                @Override
                public void onResponse(final HeaderFlyweight header, final DirectBuffer buffer, final int offset, final int length,
                                       final InetSocketAddress source) {
                    inFlight--;
                    bytes += length;
                    counters.add(SharedStateCounter.GOSSIP_RX_BYTES, length);
                    if (header.type() == type || (type == MessageType.BOOK_REQUEST && header.type() == MessageType.BOOKS)) {
                        try {
                            handler.onBody(buffer, offset, length);
                        } catch (final RuntimeException e) {
                            counters.increment(SharedStateCounter.DROP_BAD_BODY);
                        }
                    } else {
                        failed = true; // an ERROR or unexpected reply: stop this round
                        queue.clear();
                    }
                    pump();
                }

                @Override
                public void onTimeout() {
                    inFlight--;
                    failed = true;
                    counters.increment(SharedStateCounter.CALL_TIMEOUTS);
                    queue.clear();
                    pump();
                }
            });
            if (id == 0) {
                inFlight--;
                failed = true;
                queue.clear();
                scheduler.execute(this::pump);
            }
        }

        void pump() {
            while (inFlight < ROUND_CALLS_IN_FLIGHT && !queue.isEmpty()) {
                if (bytes >= config.roundBudgetBytes()) {
                    incomplete = true; // budget spent: the rest waits for a follow-up round
                    queue.clear();
                    break;
                }
                queue.poll().run();
            }
            if (inFlight == 0 && queue.isEmpty() && !finished) {
                finished = true;
                if (incomplete) {
                    counters.increment(SharedStateCounter.ROUNDS_INCOMPLETE);
                    scheduleFollowUp(neighbour);
                }
                if (done != null) {
                    done.accept(this);
                }
            }
        }
    }

    /** After a round cut short by its budget, the next one with that neighbour comes soon, not a full interval later. */
    private void scheduleFollowUp(final InetSocketAddress neighbour) {
        if (!followUps.add(neighbour)) {
            return;
        }
        scheduler.schedule(Math.min(50, baseIntervalMs()), () -> {
            followUps.remove(neighbour);
            if (running) {
                final List<String> all = new ArrayList<>();
                for (final Map.Entry<String, ShelfIndex> e : indexes.entrySet()) {
                    all.add(e.getKey());
                }
                startRound(neighbour, all, null);
            }
        });
    }

    private void log(final EventType type, final String message) {
        if (eventLog != null) {
            eventLog.record(clock.nowMs(), type, message);
        }
    }
}
