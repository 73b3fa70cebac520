package chisme.node.sharedstate;

import chisme.node.rpc.Dispatcher;
import chisme.node.transport.Clock;
import chisme.node.transport.Scheduler;
import chisme.store.Book;
import chisme.store.BookStore;
import chisme.wire.HeaderFlyweight;
import chisme.wire.MessageType;
import chisme.wire.NodeId;
import org.agrona.concurrent.UnsafeBuffer;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Push side of the gossip (docs/shared-state.md "Push"): changed books are queued and sent as BOOKS to
 * every neighbour on the next turn of the node loop, batched and cut at
 * {@link SharedStateEngine#MAX_BOOKS_BODY}, never back to the neighbour a book came from. Node thread only.
 */
final class BookPusher {
    /** Marks a change made locally (relayed to every neighbour). */
    private static final InetSocketAddress LOCAL = InetSocketAddress.createUnresolved("local", 1);

    private final SharedStateConfig config;
    private final BookStore store;
    private final NodeId localId;
    private final Dispatcher dispatcher;
    private final Scheduler scheduler;
    private final Clock clock;
    private final RandomGenerator random;
    private final SharedStateCounters counters;
    private final Neighbours neighbours;
    private final GossipCodec codec;
    private final UnsafeBuffer pushBuffer;
    private final HeaderFlyweight pushHeader = new HeaderFlyweight();
    private final LinkedHashMap<String, LinkedHashMap<String, InetSocketAddress>> pendingPush = new LinkedHashMap<>();
    private boolean pushScheduled;

    BookPusher(final SharedStateConfig config, final BookStore store, final Dispatcher dispatcher, final Scheduler scheduler,
               final Clock clock, final RandomGenerator random, final SharedStateCounters counters, final Neighbours neighbours,
               final GossipCodec codec) {
        this.config = config;
        this.store = store;
        this.localId = dispatcher.localId();
        this.dispatcher = dispatcher;
        this.scheduler = scheduler;
        this.clock = clock;
        this.random = random;
        this.counters = counters;
        this.neighbours = neighbours;
        this.codec = codec;
        this.pushBuffer = new UnsafeBuffer(new byte[HeaderFlyweight.LENGTH + 70_000 - 100]);
        pushHeader.wrap(pushBuffer, 0);
    }

    /** Queues {@code key} of {@code shelf} for the next push; {@code source} (null = local change) is not sent it back. */
    void queue(final String shelf, final String key, final InetSocketAddress source) {
        pendingPush.computeIfAbsent(shelf, s -> new LinkedHashMap<>()).put(key, source == null ? LOCAL : source);
        if (!pushScheduled) {
            pushScheduled = true;
            if (config.pushDelayMs() == 0) {
                scheduler.execute(this::flush);
            } else {
                scheduler.schedule(config.pushDelayMs(), this::flush);
            }
        }
    }

    private void flush() {
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
                send(shelf, forTarget, to);
            }
        }
        pendingPush.clear();
    }

    private void send(final String shelf, final List<Book> books, final InetSocketAddress to) {
        final long nowMs = clock.nowMs();
        int i = 0;
        while (i < books.size()) {
            int p = codec.beginBooks(pushBuffer, 0, shelf);
            int n = 0;
            while (i < books.size()) {
                final Book b = books.get(i);
                final byte[] key = b.key().getBytes(StandardCharsets.UTF_8);
                final byte[] author = GossipCodec.authorBytes(b);
                final int size = GossipCodec.bookBytes(key, author, b);
                if (n > 0 && p + size > HeaderFlyweight.LENGTH + SharedStateEngine.MAX_BOOKS_BODY) {
                    break;
                }
                final long ttl = b.expiresAtMs() - nowMs;
                i++;
                if (!GossipCodec.worthSending(ttl)) {
                    continue;
                }
                p = codec.appendBook(key, b.authorId(), author, b.version(), ttl, b.tombstone(), b.data(), b.signature());
                n++;
            }
            if (n == 0) {
                continue;
            }
            final int length = codec.deflateBooks(pushBuffer, 0, p);
            pushHeader.encode(MessageType.BOOKS, length < p ? HeaderFlyweight.FLAG_DEFLATED : 0, random.nextLong(), localId);
            p = length;
            dispatcher.sender().send(pushBuffer, 0, p, to);
            counters.increment(SharedStateCounter.PUSH_SENT);
            counters.add(SharedStateCounter.PUSH_BOOKS_SENT, n);
            counters.add(SharedStateCounter.GOSSIP_TX_BYTES, p);
        }
    }
}
