package chisme.node.sharedstate;

import chisme.node.rpc.Dispatcher;
import chisme.node.rpc.RpcTracker;
import chisme.node.transport.Clock;
import chisme.node.transport.Scheduler;
import chisme.wire.HeaderFlyweight;
import chisme.wire.MessageType;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * Our side of anti-entropy (docs/shared-state.md "Anti-entropy"): every sync interval a
 * {@link SyncRound} with each neighbour for the shelves that are due; SHELF_DIGEST, then BUCKET_DIGEST
 * narrowing where a shelf differs, then BOOK_REQUEST for the differing books. Pull only: each node fetches
 * what it lacks. A reply cut short (CONTINUED) is asked again from a cursor, the key hash of its last book.
 * A shelf we hold (almost) nothing of is fetched whole from one neighbour ({@link BulkCatchUps}). A round cut
 * by its budget gets a follow-up soon, which resumes a bulk fetch where it stopped. Node thread only.
 */
final class AntiEntropyInitiator {
    /** A key list at or below this size is sent instead of narrowing further (16 bytes per key). */
    static final int LEAF_KEYS = 48;
    /** Calls one round keeps in flight (replies are fragmented: the reassembler holds 4 per source). */
    static final int ROUND_CALLS_IN_FLIGHT = 2;
    /** A SHELF_DIGEST request stays in one datagram (1232 - 32 header). */
    static final int MAX_DIGEST_BODY = 1_200;
    /** Delay of the follow-up round after a round cut short by its budget. */
    static final long FOLLOW_UP_MS = 50;
    /**
     * How often the neighbour set is checked for newcomers. A neighbour that appears (a merge of two
     * networks, a discovered link peer, a node back from a reboot) gets a round of every shelf at once
     * instead of waiting up to 1.25 sync intervals for the shelves' next turn (issue 11: shelves follow a
     * merge within seconds).
     */
    static final long NEW_NEIGHBOUR_CHECK_MS = 2_000;
    /** Newcomers given a round per check: a merge of two large networks adds many at once (no flood). */
    static final int NEW_NEIGHBOUR_ROUNDS_PER_CHECK = 4;

    private final SharedStateEngine engine;
    private final SharedStateConfig config;
    private final Dispatcher dispatcher;
    private final Scheduler scheduler;
    private final Clock clock;
    private final RandomGenerator random;
    private final SharedStateCounters counters;
    private final Neighbours neighbours;
    private final GossipCodec codec;
    private final Map<String, Long> nextRoundMs = new HashMap<>();
    private final Set<InetSocketAddress> followUps = new HashSet<>();
    private final Set<InetSocketAddress> knownNeighbours = new HashSet<>();
    private final java.util.ArrayDeque<InetSocketAddress> newcomers = new java.util.ArrayDeque<>();
    private final BulkCatchUps bulks;

    AntiEntropyInitiator(final SharedStateEngine engine, final SharedStateConfig config, final Dispatcher dispatcher,
                         final Scheduler scheduler, final Clock clock, final RandomGenerator random,
                         final SharedStateCounters counters, final Neighbours neighbours, final GossipCodec codec) {
        this.engine = engine;
        this.config = config;
        this.dispatcher = dispatcher;
        this.scheduler = scheduler;
        this.clock = clock;
        this.random = random;
        this.counters = counters;
        this.neighbours = neighbours;
        this.codec = codec;
        // A fetch with no reply for a few call timeouts is given up (a failed call also ends it at once).
        this.bulks = new BulkCatchUps(4 * config.callTimeoutMs() + FOLLOW_UP_MS);
    }

    /** Bulk catch-ups in progress (tests). */
    BulkCatchUps bulks() {
        return bulks;
    }

    SharedStateConfig config() {
        return config;
    }

    SharedStateCounters counters() {
        return counters;
    }

    Dispatcher dispatcher() {
        return dispatcher;
    }

    Scheduler scheduler() {
        return scheduler;
    }

    /** Starts the periodic rounds. */
    void start() {
        scheduler.schedule(engine.jittered(engine.baseIntervalMs()) / 2, this::gossipTick);
        scheduler.schedule(engine.jittered(NEW_NEIGHBOUR_CHECK_MS), this::newNeighbourTick);
    }

    /** Configured shelves and every shelf we hold books of. */
    private Set<String> knownShelves() {
        final Set<String> all = new java.util.TreeSet<>(config.shelves().keySet());
        for (final Map.Entry<String, ShelfIndex> e : engine.indexes().entrySet()) {
            if (e.getValue().count() > 0) {
                all.add(e.getKey());
            }
        }
        return all;
    }

    /** Gives each neighbour not seen at the previous check a round of every shelf, a few per check. */
    private void newNeighbourTick() {
        if (!engine.running()) {
            return;
        }
        try {
            final List<InetSocketAddress> now = neighbours.current();
            final Set<InetSocketAddress> current = new HashSet<>(now);
            knownNeighbours.retainAll(current); // one that leaves and comes back is new again
            newcomers.removeIf(n -> !current.contains(n));
            for (final InetSocketAddress n : now) {
                if (knownNeighbours.add(n)) {
                    newcomers.add(n);
                }
            }
            List<String> shelves = null;
            for (int i = 0; i < NEW_NEIGHBOUR_ROUNDS_PER_CHECK && !newcomers.isEmpty(); i++) {
                if (shelves == null) {
                    shelves = new ArrayList<>(knownShelves());
                }
                counters.increment(SharedStateCounter.NEW_NEIGHBOUR_ROUNDS);
                startRound(newcomers.poll(), shelves, null);
            }
        } finally {
            scheduler.schedule(engine.jittered(NEW_NEIGHBOUR_CHECK_MS), this::newNeighbourTick);
        }
    }

    private void gossipTick() {
        if (!engine.running()) {
            return;
        }
        try {
            final long nowMs = clock.nowMs();
            final List<String> due = new ArrayList<>();
            final Set<String> all = knownShelves();
            for (final String s : all) {
                final Long next = nextRoundMs.get(s);
                if (next == null || next <= nowMs) {
                    due.add(s);
                    nextRoundMs.put(s, nowMs + engine.jittered(config.shelf(s).syncIntervalMs()));
                }
            }
            // A node holding no shelf still asks: the reply names the neighbour's shelves, so it learns them.
            if (!due.isEmpty() || all.isEmpty()) {
                for (final InetSocketAddress n : neighbours.current()) {
                    startRound(n, due, null);
                }
            }
        } finally {
            scheduler.schedule(engine.jittered(Math.max(10, engine.baseIntervalMs() / 2)), this::gossipTick);
        }
    }

    /**
     * Starts an anti-entropy round with {@code neighbour} for {@code shelves} (pull: we fetch what it
     * has that we lack; it does the same with us on its own rounds). {@code done} gets the round.
     */
    void startRound(final InetSocketAddress neighbour, final List<String> shelves, final Consumer<SyncRound> done) {
        final SyncRound round = new SyncRound(this, neighbour, done);
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
            digests.add(engine.digestOf(s));
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
                final GossipCodec.ShelfDigest mine = engine.digestOf(d.shelf());
                if (d.count() == 0 || (mine.count() == d.count() && mine.hashHi() == d.hashHi() && mine.hashLo() == d.hashLo())) {
                    continue;
                }
                equal = false;
                final long nowMs = clock.nowMs();
                final BulkCatchUps.Fetch bulk = bulks.claim(d.shelf(), round, mine.count(), d.count(), nowMs);
                if (bulk != null) {
                    round.queue(() -> requestBulk(round, bulk));
                } else if (!bulks.busy(d.shelf(), nowMs)) {
                    round.queue(() -> requestBuckets(round, d.shelf(), 0, 0));
                } // else another neighbour is sending us this whole shelf: asking this one too would double the bytes
            }
            if (equal) {
                counters.increment(SharedStateCounter.ROUNDS_EQUAL);
            }
        });
    }

    private void requestBuckets(final SyncRound round, final String shelf, final int level, final long prefix) {
        final RpcTracker t = dispatcher.tracker();
        final int n = codec.encodeBucketDigest(t.requestBuffer(), 0, shelf, level, prefix, null, null);
        round.call(MessageType.BUCKET_DIGEST, n, (buf, off, len) -> {
            final GossipCodec.BucketDigest theirs = codec.decodeBucketDigest(buf, off, len);
            if (theirs == null || theirs.counts().length != ShelfIndex.FANOUT || !theirs.shelf().equals(shelf)
                || theirs.level() != level || theirs.prefix() != prefix) {
                counters.increment(SharedStateCounter.DROP_BAD_BODY);
                return;
            }
            final int[] counts = new int[ShelfIndex.FANOUT];
            final long[] sums = new long[ShelfIndex.FANOUT];
            engine.index(shelf).buckets(level, prefix, counts, sums);
            for (int b = 0; b < ShelfIndex.FANOUT; b++) {
                if (theirs.counts()[b] == 0 || (theirs.counts()[b] == counts[b] && theirs.hashes()[b] == sums[b])) {
                    continue; // pull only: an empty bucket over there has nothing for us
                }
                final long child = level == 0 ? b : (prefix << 6) | b;
                final int childLevel = level + 1;
                if (counts[b] <= LEAF_KEYS || childLevel >= ShelfIndex.MAX_LEVEL) {
                    round.queue(() -> requestBooks(round, shelf, childLevel, child, false, 0));
                } else {
                    round.queue(() -> requestBuckets(round, shelf, childLevel, child));
                }
            }
        });
    }

    /**
     * Asks for the books under (level, prefix) that we lack or hold in another version, listing what we hold
     * there; with {@code continued}, only above {@code cursor} (the previous reply was cut short).
     */
    private void requestBooks(final SyncRound round, final String shelf, final int level, final long prefix,
                              final boolean continued, final long cursor) {
        final ShelfIndex index = engine.index(shelf);
        if (!continued && index.entriesUnder(level, prefix).size() > LEAF_KEYS && level < ShelfIndex.MAX_LEVEL) {
            requestBuckets(round, shelf, level, prefix); // we learnt too much since queueing: narrow instead
            return;
        }
        final List<ShelfIndex.Entry> mine = new ArrayList<>();
        for (final ShelfIndex.Entry e : index.ascending(level, prefix, continued, cursor)) {
            if (mine.size() == GossipCodec.MAX_REQUEST_PAIRS) {
                break;
            }
            mine.add(e);
        }
        final long[] keys = new long[mine.size()];
        final long[] entryHashes = new long[mine.size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = mine.get(i).keyHash();
            entryHashes[i] = mine.get(i).hashLo();
        }
        final RpcTracker t = dispatcher.tracker();
        final int n = continued
            ? codec.encodeBookRequestAfter(t.requestBuffer(), 0, shelf, level, prefix, cursor, keys, entryHashes)
            : codec.encodeBookRequest(t.requestBuffer(), 0, shelf, level, prefix, keys, entryHashes);
        round.call(MessageType.BOOK_REQUEST, continued ? HeaderFlyweight.FLAG_CONTINUED : 0, n, (buf, off, len) -> {
            final GossipCodec.Books books = codec.decodeBooks(buf, off, len);
            if (books == null || !books.shelf().equals(shelf)) {
                counters.increment(SharedStateCounter.DROP_BAD_BODY);
                return;
            }
            for (final GossipCodec.WireBook wb : books.books()) {
                engine.merge(shelf, wb, round.neighbour);
            }
            round.addBooksReceived(books.books().size());
            if (progressed(books, continued, cursor)) {
                // Cut short: the rest of the range follows the last book's key hash (progress is certain, and
                // the loop is bounded by the round's byte budget).
                final long next = lastKeyHash(books);
                round.queue(() -> requestBooks(round, shelf, level, prefix, true, next));
            }
        });
    }

    /** Fetches the next part of a bulk catch-up: the whole shelf above the cursor, no key list (we hold almost nothing). */
    private void requestBulk(final SyncRound round, final BulkCatchUps.Fetch fetch) {
        final RpcTracker t = dispatcher.tracker();
        final long[] none = new long[0];
        final boolean continued = fetch.hasCursor;
        final long cursor = fetch.cursor;
        final int n = continued
            ? codec.encodeBookRequestAfter(t.requestBuffer(), 0, fetch.shelf, 0, 0, cursor, none, none)
            : codec.encodeBookRequest(t.requestBuffer(), 0, fetch.shelf, 0, 0, none, none);
        round.call(MessageType.BOOK_REQUEST, continued ? HeaderFlyweight.FLAG_CONTINUED : 0, n, (buf, off, len) -> {
            final GossipCodec.Books books = codec.decodeBooks(buf, off, len);
            if (books == null || !books.shelf().equals(fetch.shelf)) {
                counters.increment(SharedStateCounter.DROP_BAD_BODY);
                bulks.end(fetch); // junk from the server: the next round starts over, with any neighbour
                return;
            }
            for (final GossipCodec.WireBook wb : books.books()) {
                engine.merge(fetch.shelf, wb, round.neighbour, false);
            }
            round.addBooksReceived(books.books().size());
            if (!progressed(books, continued, cursor)) {
                bulks.end(fetch); // the whole shelf is here (or the server stopped making progress)
                return;
            }
            fetch.advance(lastKeyHash(books), clock.nowMs());
            round.queue(() -> requestBulk(round, fetch));
        });
    }

    /**
     * True if a reply says more follows (CONTINUED) and made progress: it has books and the last one's key hash
     * lies above the cursor asked with. A continued reply without progress is junk: counted, not asked again.
     */
    private boolean progressed(final GossipCodec.Books books, final boolean hadCursor, final long cursor) {
        if (!books.continued()) {
            return false;
        }
        if (books.books().isEmpty() || (hadCursor && Long.compareUnsigned(lastKeyHash(books), cursor) <= 0)) {
            counters.increment(SharedStateCounter.DROP_BAD_BODY);
            return false;
        }
        return true;
    }

    private long lastKeyHash(final GossipCodec.Books books) {
        return engine.keyHash(books.books().get(books.books().size() - 1).key());
    }

    /** Called by a round when it is over. */
    void finished(final SyncRound round) {
        bulks.roundFinished(round);
        if (round.incomplete()) {
            counters.increment(SharedStateCounter.ROUNDS_INCOMPLETE);
            scheduleFollowUp(round.neighbour);
        }
    }

    /** After a round cut short by its budget, the next one with that neighbour comes soon, not a full interval later. */
    private void scheduleFollowUp(final InetSocketAddress neighbour) {
        if (!followUps.add(neighbour)) {
            return;
        }
        scheduler.schedule(Math.min(FOLLOW_UP_MS, engine.baseIntervalMs()), () -> {
            followUps.remove(neighbour);
            if (engine.running()) {
                startRound(neighbour, new ArrayList<>(engine.indexes().keySet()), null);
            }
        });
    }
}
