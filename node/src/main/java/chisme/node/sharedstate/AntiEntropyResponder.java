package chisme.node.sharedstate;

import chisme.node.rpc.Dispatcher;
import chisme.node.rpc.Responder;
import chisme.node.transport.Clock;
import chisme.store.Book;
import chisme.store.BookStore;
import chisme.wire.HeaderFlyweight;
import chisme.wire.MessageType;
import org.agrona.DirectBuffer;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Answers what neighbours send us (docs/shared-state.md "Anti-entropy"): SHELF_DIGEST with the shelves
 * that differ, BUCKET_DIGEST with 64 child summaries, BOOK_REQUEST with the books the asker lacks, and
 * merges BOOKS pushes. Junk is dropped and counted, never thrown. Node thread only.
 */
final class AntiEntropyResponder {
    private final SharedStateEngine engine;
    private final BookStore store;
    private final Dispatcher dispatcher;
    private final Clock clock;
    private final SharedStateCounters counters;
    private final GossipCodec codec;

    AntiEntropyResponder(final SharedStateEngine engine, final BookStore store, final Dispatcher dispatcher, final Clock clock,
                         final SharedStateCounters counters, final GossipCodec codec) {
        this.engine = engine;
        this.store = store;
        this.dispatcher = dispatcher;
        this.clock = clock;
        this.counters = counters;
        this.codec = codec;
    }

    /** Registers the gossip request handlers. Before the dispatcher starts. */
    void register() {
        dispatcher.registerRequestHandler(MessageType.SHELF_DIGEST, this::onShelfDigest);
        dispatcher.registerRequestHandler(MessageType.BUCKET_DIGEST, this::onBucketDigest);
        dispatcher.registerRequestHandler(MessageType.BOOK_REQUEST, this::onBookRequest);
        dispatcher.registerRequestHandler(MessageType.BOOKS, this::onBooksPush);
    }

    private void onBooksPush(final HeaderFlyweight h, final DirectBuffer buf, final int off, final int len,
                             final InetSocketAddress source, final Responder responder) {
        counters.add(SharedStateCounter.GOSSIP_RX_BYTES, len);
        if (!engine.neighbours().contains(source)) {
            // libremesh-shared-state.md "Sync": gossip is one hop between neighbours. A push from anyone
            // else was merged and relayed mesh-wide before issue 12. Checked before inflating: a stranger costs a list lookup.
            counters.increment(SharedStateCounter.DROP_NOT_NEIGHBOUR);
            return;
        }
        final GossipCodec.Books books = codec.decodeBooks(buf, off, len);
        if (books == null) {
            dropBadBody();
            return;
        }
        counters.increment(SharedStateCounter.PUSH_RECEIVED);
        for (final GossipCodec.WireBook wb : books.books()) {
            engine.merge(books.shelf(), wb, source);
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
            final GossipCodec.ShelfDigest mine = engine.digestOf(d.shelf());
            // Equal shelves are left out of the reply: in the common case (nothing changed) the reply is
            // an empty digest, 33 bytes, whatever the shelf size.
            if (named.add(d.shelf()) && !mine.equals(d)) {
                reply.add(mine);
                bytes += GossipCodec.shelfDigestBytes(d.shelf());
            }
        }
        // Also name shelves the asker did not mention, so it learns of shelves it has never seen.
        for (final SharedStateEngine.ShelfInfo s : engine.shelves()) {
            if (reply.size() >= GossipCodec.MAX_DIGEST_SHELVES || bytes + GossipCodec.shelfDigestBytes(s.shelf()) > responder.maxBodyBytes()) {
                break;
            }
            if (s.books() > 0 && named.add(s.shelf())) {
                reply.add(engine.digestOf(s.shelf()));
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
        final ShelfIndex index = engine.indexOrNull(d.shelf());
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
        // Cut at MAX_BOOKS_BODY; the first book always goes in (any valid book fits the message limit), and
        // books sharing a key hash are never split across replies while they fit it (a cursor skips the rest).
        final int cut = Responder.BODY_OFFSET + Math.min(SharedStateEngine.MAX_BOOKS_BODY, responder.maxBodyBytes());
        final int hardLimit = Responder.BODY_OFFSET + responder.maxBodyBytes();
        int p = codec.beginBooks(responder.buffer(), 0, shelf);
        int n = 0;
        boolean continued = false;
        long lastKeyHash = 0;
        final ShelfIndex index = engine.indexOrNull(shelf);
        if (index != null) {
            final long nowMs = clock.nowMs();
            // Ascending unsigned key hash from the cursor: a reply cut short is resumed after its last book.
            for (final ShelfIndex.Entry e : index.ascending(r.level(), r.prefix(), r.continued(), r.cursor())) {
                final Long theirs = known.get(e.keyHash());
                if (theirs != null && theirs == e.hashLo()) {
                    continue;
                }
                final Book b = store.get(shelf, e.key());
                if (b == null || !GossipCodec.worthSending(b.expiresAtMs() - nowMs)) {
                    continue;
                }
                final byte[] key = b.key().getBytes(StandardCharsets.UTF_8);
                final byte[] author = GossipCodec.authorBytes(b);
                final int end = p + GossipCodec.bookBytes(key, author, b);
                final boolean sameHash = n > 0 && e.keyHash() == lastKeyHash;
                if (n == 0xFFFF || end > hardLimit || (n > 0 && end > cut && !sameHash)) {
                    continued = true; // the requester asks again from the last key hash of this reply
                    break;
                }
                p = codec.appendBook(key, b.authorId(), author, b.version(), b.expiresAtMs() - nowMs, b.tombstone(), b.data(),
                    b.signature());
                n++;
                lastKeyHash = e.keyHash();
            }
        }
        final int length = codec.deflateBooks(responder.buffer(), 0, p);
        final int flags = (continued ? HeaderFlyweight.FLAG_CONTINUED : 0) | (length < p ? HeaderFlyweight.FLAG_DEFLATED : 0);
        reply(responder, MessageType.BOOKS, flags, length - Responder.BODY_OFFSET);
        counters.increment(SharedStateCounter.BOOK_REQUESTS_ANSWERED);
    }

    private void reply(final Responder responder, final int type, final int bodyLength) {
        reply(responder, type, 0, bodyLength);
    }

    private void reply(final Responder responder, final int type, final int flags, final int bodyLength) {
        responder.reply(type, flags, bodyLength);
        counters.add(SharedStateCounter.GOSSIP_TX_BYTES, HeaderFlyweight.LENGTH + bodyLength);
    }

    private void dropBadBody() {
        dispatcher.dropBadBody();
        counters.increment(SharedStateCounter.DROP_BAD_BODY);
    }
}
