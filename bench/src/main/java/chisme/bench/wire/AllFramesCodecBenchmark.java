package chisme.bench.wire;

import chisme.wire.BookRequestFlyweight;
import chisme.wire.BooksFlyweight;
import chisme.wire.BucketDigestFlyweight;
import chisme.wire.DecodeReason;
import chisme.wire.ErrorCode;
import chisme.wire.ErrorFlyweight;
import chisme.wire.FindNodeFlyweight;
import chisme.wire.FindValueFlyweight;
import chisme.wire.FragmentFlyweight;
import chisme.wire.MessageDecoder;
import chisme.wire.MessageFlyweight;
import chisme.wire.NodeId;
import chisme.wire.PongFlyweight;
import chisme.wire.ShelfDigestFlyweight;
import chisme.wire.StoreResultFlyweight;
import chisme.wire.StoreResultStatus;
import chisme.wire.ValueFlyweight;
import chisme.wire.WireLimits;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Every frame type not covered by the PING, NODES and STORE benchmarks: {@code encodeX} writes header and
 * body into a preallocated buffer; {@code decodeX} runs {@link MessageDecoder#validate} on a frame encoded
 * in setup and reads every field into the Blackhole, copying value, book data and fragment payload bytes
 * into a preallocated array (what a receiver does), never through the allocating slow-path accessors.
 * Sizes: VALUE 200-byte value, SHELF_DIGEST 4 shelves, BUCKET_DIGEST 64 buckets, BOOK_REQUEST range + 32
 * pairs, BOOKS 5 books of ~60-byte JSON, FRAGMENT 1000-byte payload (first of 2).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class AllFramesCodecBenchmark {
    private static final int VALUE_LENGTH = 200;
    private static final int SHELVES = 4;
    private static final int BUCKETS = 64;
    private static final int PAIRS = 32;
    private static final int BOOKS = 5;
    private static final int FRAGMENT_PAYLOAD = 1000;
    private static final byte[] SHELF = "dnsmasq-leases".getBytes(StandardCharsets.US_ASCII);
    private static final byte[][] SHELF_NAMES = {
        "dnsmasq-leases".getBytes(StandardCharsets.US_ASCII), "dnsmasq-hosts".getBytes(StandardCharsets.US_ASCII),
        "bat-hosts".getBytes(StandardCharsets.US_ASCII), "babeld-hosts".getBytes(StandardCharsets.US_ASCII)};
    private static final byte[] ADDRESS = {10, 13, 0, 1};
    private static final NodeId AUTHOR = NodeId.sha1("author".getBytes(StandardCharsets.US_ASCII));
    private static final byte[] AUTHOR_NAME = "lm-node-a".getBytes(StandardCharsets.US_ASCII);

    private final UnsafeBuffer out = new UnsafeBuffer(new byte[WireLimits.MAX_DATAGRAM]);
    private final UnsafeBuffer value = new UnsafeBuffer(new byte[VALUE_LENGTH]);
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[FRAGMENT_PAYLOAD]);
    private final UnsafeBuffer errorMessage =
        new UnsafeBuffer("rate limited: retry after 1000 ms".getBytes(StandardCharsets.US_ASCII));
    private final long[] bucketHashes = new long[BUCKETS];
    private final long[] pairHashes = new long[2 * PAIRS];
    private final byte[][] bookKeys = new byte[BOOKS][];
    private final byte[][] bookData = new byte[BOOKS][];
    private final byte[] copyOut = new byte[WireLimits.MAX_VALUE];

    private final PongFlyweight pong = new PongFlyweight();
    private final FindNodeFlyweight findNode = new FindNodeFlyweight();
    private final FindValueFlyweight findValue = new FindValueFlyweight();
    private final ValueFlyweight valueFrame = new ValueFlyweight();
    private final StoreResultFlyweight storeResult = new StoreResultFlyweight();
    private final ErrorFlyweight error = new ErrorFlyweight();
    private final ShelfDigestFlyweight shelfDigest = new ShelfDigestFlyweight();
    private final BucketDigestFlyweight bucketDigest = new BucketDigestFlyweight();
    private final BookRequestFlyweight bookRequest = new BookRequestFlyweight();
    private final BooksFlyweight books = new BooksFlyweight();
    private final FragmentFlyweight fragment = new FragmentFlyweight();

    /** One received frame per type, encoded and validated in setup; decode benchmarks only read these. */
    private UnsafeBuffer inPong, inFindNode, inFindValue, inValue, inStoreResult, inError,
        inShelfDigest, inBucketDigest, inBookRequest, inBooks, inFragment;
    private long transactionId;

    @Setup
    public void setup() {
        final SplittableRandom random = new SplittableRandom(42);
        final byte[] bytes = new byte[FRAGMENT_PAYLOAD];
        random.nextBytes(bytes);
        value.putBytes(0, bytes, 0, VALUE_LENGTH);
        payload.putBytes(0, bytes);
        for (int i = 0; i < BUCKETS; i++) {
            bucketHashes[i] = random.nextLong();
        }
        for (int i = 0; i < pairHashes.length; i++) {
            pairHashes[i] = random.nextLong();
        }
        for (int i = 0; i < BOOKS; i++) {
            bookKeys[i] = ("02:ab:cd:00:00:0" + i).getBytes(StandardCharsets.US_ASCII);
            // ~60 bytes: one LibreMesh shared-state entry's JSON (bleachTTL, author, data).
            bookData[i] = ("{\"bleachTTL\":30,\"author\":\"lm-node-a\",\"data\":\"10.13.0." + (100 + i) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        }
        inPong = received(encodePong());
        inFindNode = received(encodeFindNode());
        inFindValue = received(encodeFindValue());
        inValue = received(encodeValue());
        inStoreResult = received(encodeStoreResult());
        inError = received(encodeError());
        inShelfDigest = received(encodeShelfDigest());
        inBucketDigest = received(encodeBucketDigest());
        inBookRequest = received(encodeBookRequest());
        inBooks = received(encodeBooks());
        inFragment = received(encodeFragment());
    }

    /** Copies the frame just encoded in {@link #out} into its own buffer of exactly its length; it must validate. */
    private UnsafeBuffer received(final int length) {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[length]);
        frame.putBytes(0, out, 0, length);
        final int reason = MessageDecoder.validate(frame, 0, length);
        if (reason != DecodeReason.OK) {
            throw new IllegalStateException("benchmark frame type " + out.getByte(2) + " does not validate: "
                + DecodeReason.name(reason));
        }
        return frame;
    }

    /** Validates like a receiver (the whole buffer is the datagram) and reads the header fields. */
    private static <T extends MessageFlyweight<T>> T header(final T flyweight, final UnsafeBuffer frame, final Blackhole bh) {
        if (MessageDecoder.validate(frame, 0, frame.capacity()) != DecodeReason.OK) {
            throw new IllegalStateException("benchmark frame must validate");
        }
        flyweight.wrap(frame, 0);
        bh.consume(flyweight.type());
        bh.consume(flyweight.flags());
        bh.consume(flyweight.transactionId());
        bh.consume(flyweight.senderHi());
        bh.consume(flyweight.senderMid());
        bh.consume(flyweight.senderLo());
        return flyweight;
    }

    private <T extends MessageFlyweight<T>> T header(final T flyweight) {
        return flyweight.wrap(out, 0).header(0, ++transactionId, 0x0102030405060708L, 0x1112131415161718L, 0x21222324);
    }

    @Benchmark
    public int encodePong() {
        return header(pong).encode(ADDRESS, 4242);
    }

    @Benchmark
    public void decodePong(final Blackhole bh) {
        final PongFlyweight f = header(pong, inPong, bh);
        bh.consume(f.family());
        bh.consume(f.address(copyOut));
        bh.consume(f.port());
    }

    @Benchmark
    public int encodeFindNode() {
        return header(findNode).encode(0xAAL, 0xBBL, 0xCC);
    }

    @Benchmark
    public void decodeFindNode(final Blackhole bh) {
        final FindNodeFlyweight f = header(findNode, inFindNode, bh);
        bh.consume(f.targetHi());
        bh.consume(f.targetMid());
        bh.consume(f.targetLo());
    }

    @Benchmark
    public int encodeFindValue() {
        return header(findValue).encode(0xAAL, 0xBBL, 0xCC);
    }

    @Benchmark
    public void decodeFindValue(final Blackhole bh) {
        final FindValueFlyweight f = header(findValue, inFindValue, bh);
        bh.consume(f.keyHi());
        bh.consume(f.keyMid());
        bh.consume(f.keyLo());
    }

    @Benchmark
    public int encodeValue() {
        return header(valueFrame).encode(0x70CE7L, 4L, 5L, 6, 3600, value, 0, VALUE_LENGTH);
    }

    @Benchmark
    public void decodeValue(final Blackhole bh) {
        final ValueFlyweight f = header(valueFrame, inValue, bh);
        bh.consume(f.token());
        bh.consume(f.publisherHi());
        bh.consume(f.publisherMid());
        bh.consume(f.publisherLo());
        bh.consume(f.ttlSeconds());
        bh.consume(f.value(copyOut, 0));
    }

    @Benchmark
    public int encodeStoreResult() {
        return header(storeResult).encode(StoreResultStatus.OK);
    }

    @Benchmark
    public void decodeStoreResult(final Blackhole bh) {
        bh.consume(header(storeResult, inStoreResult, bh).status());
    }

    @Benchmark
    public int encodeError() {
        return header(error).encode(ErrorCode.RATE_LIMITED, errorMessage, 0, errorMessage.capacity());
    }

    @Benchmark
    public void decodeError(final Blackhole bh) {
        final ErrorFlyweight f = header(error, inError, bh);
        bh.consume(f.code());
        // The message stays in the buffer (messageAsString allocates): read its bounds and bytes in place.
        final int at = f.messageOffset();
        final int n = f.messageLength();
        f.buffer().getBytes(at, copyOut, 0, n);
        bh.consume(n);
    }

    @Benchmark
    public int encodeShelfDigest() {
        int length = header(shelfDigest).encode();
        for (int i = 0; i < SHELVES; i++) {
            length = shelfDigest.appendShelf(SHELF_NAMES[i], 100 + i, bucketHashes[2 * i], bucketHashes[2 * i + 1]);
        }
        return length;
    }

    @Benchmark
    public void decodeShelfDigest(final Blackhole bh) {
        final ShelfDigestFlyweight f = header(shelfDigest, inShelfDigest, bh);
        final int count = f.shelfCount();
        int entry = f.firstShelf();
        for (int i = 0; i < count; i++, entry = f.nextShelf(entry)) {
            bh.consume(f.shelfNameEquals(entry, SHELF));
            bh.consume(f.shelfBookCount(entry));
            bh.consume(f.shelfHashHi(entry));
            bh.consume(f.shelfHashLo(entry));
        }
    }

    @Benchmark
    public int encodeBucketDigest() {
        final int length = header(bucketDigest).encode(SHELF, 6, 0xA8000000, BUCKETS);
        for (int i = 0; i < BUCKETS; i++) {
            bucketDigest.putBucket(i, i, bucketHashes[i]);
        }
        return length;
    }

    @Benchmark
    public void decodeBucketDigest(final Blackhole bh) {
        final BucketDigestFlyweight f = header(bucketDigest, inBucketDigest, bh);
        bh.consume(f.nameEquals(SHELF));
        bh.consume(f.level());
        bh.consume(f.prefix());
        bh.consume(f.hasAlignedPrefix());
        final int count = f.bucketCount();
        for (int i = 0; i < count; i++) {
            bh.consume(f.bucketBookCount(i));
            bh.consume(f.bucketHash(i));
        }
    }

    @Benchmark
    public int encodeBookRequest() {
        final int length = header(bookRequest).encodeRange(SHELF, 8, 0xAB000000, PAIRS);
        for (int i = 0; i < PAIRS; i++) {
            bookRequest.putPair(i, pairHashes[2 * i], pairHashes[2 * i + 1]);
        }
        return length;
    }

    @Benchmark
    public void decodeBookRequest(final Blackhole bh) {
        final BookRequestFlyweight f = header(bookRequest, inBookRequest, bh);
        bh.consume(f.nameEquals(SHELF));
        if (!f.isRangeRequest()) {
            throw new IllegalStateException("benchmark BOOK_REQUEST must be a range request");
        }
        bh.consume(f.rangePrefixBits());
        bh.consume(f.rangePrefix());
        final int count = f.pairCount();
        for (int i = 0; i < count; i++) {
            bh.consume(f.pairKeyHash(i));
            bh.consume(f.pairEntryHash(i));
        }
    }

    @Benchmark
    public int encodeBooks() {
        int length = header(books).encode(SHELF);
        for (int i = 0; i < BOOKS; i++) {
            length = books.appendBook(bookKeys[i], AUTHOR, AUTHOR_NAME, 1000L + i, 3600, 0, bookData[i]);
        }
        return length;
    }

    @Benchmark
    public void decodeBooks(final Blackhole bh) {
        final BooksFlyweight f = header(books, inBooks, bh);
        bh.consume(f.nameEquals(SHELF));
        final int count = f.count();
        int book = f.firstBook();
        for (int i = 0; i < count; i++, book = f.nextBook(book)) {
            bh.consume(f.bookKeyOffset(book));
            bh.consume(f.bookKeyLength(book));
            bh.consume(f.bookAuthorHi(book));
            bh.consume(f.bookAuthorMid(book));
            bh.consume(f.bookAuthorLo(book));
            bh.consume(f.bookAuthorNameOffset(book));
            bh.consume(f.bookAuthorNameLength(book));
            bh.consume(f.bookVersion(book));
            bh.consume(f.bookTtlSeconds(book));
            bh.consume(f.bookFlags(book));
            bh.consume(f.bookData(book, copyOut, 0));
        }
    }

    @Benchmark
    public int encodeFragment() {
        // First of two fragments of a 2000-byte message: every non-last fragment carries L = 1000 bytes.
        return header(fragment).encode(77, 2 * FRAGMENT_PAYLOAD, 0, 2, payload, 0, FRAGMENT_PAYLOAD);
    }

    @Benchmark
    public void decodeFragment(final Blackhole bh) {
        if (MessageDecoder.validate(inFragment, 0, inFragment.capacity()) != DecodeReason.OK) {
            throw new IllegalStateException("benchmark frame must validate");
        }
        // FRAGMENT's payload length comes from the datagram length, so it needs the three-argument wrap.
        final FragmentFlyweight f = fragment.wrap(inFragment, 0, inFragment.capacity());
        bh.consume(f.type());
        bh.consume(f.flags());
        bh.consume(f.transactionId());
        bh.consume(f.senderHi());
        bh.consume(f.senderMid());
        bh.consume(f.senderLo());
        bh.consume(f.messageId());
        bh.consume(f.totalLength());
        bh.consume(f.index());
        bh.consume(f.count());
        f.buffer().getBytes(f.payloadOffset(), copyOut, 0, f.payloadLength());
        bh.consume(f.payloadLength());
    }
}
