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
        final int limit = Responder.BODY_OFFSET + Math.min(SharedStateEngine.MAX_BOOKS_BODY, responder.maxBodyBytes());
        int p = codec.beginBooks(responder.buffer(), 0, shelf);
        int n = 0;
        final ShelfIndex index = engine.indexOrNull(shelf);
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
                final byte[] author = GossipCodec.authorBytes(b);
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
}
