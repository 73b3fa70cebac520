package chisme.wire;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;

/** Sample frames of every type with fixed field values, and a reader that touches every accessor. */
final class Frames {
    static final NodeId SENDER = NodeId.fromHex("0102030405060708090a0b0c0d0e0f1011121314");
    static final NodeId OTHER = NodeId.fromHex("a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4");
    static final long TX = 0x1122334455667788L;
    static final long TOKEN = 0x0102030405060708L;
    static final byte[] V4 = {127, 0, 0, 1};
    static final byte[] V6 = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    static final byte[] SHELF = "dnsmasq-leases".getBytes(StandardCharsets.US_ASCII);
    static final byte[] VALUE = "hello chisme".getBytes(StandardCharsets.UTF_8);

    /** Every type code, in docs/wire.md order. */
    static final int[] TYPES = {
        MessageType.PING, MessageType.PONG, MessageType.FIND_NODE, MessageType.NODES, MessageType.FIND_VALUE,
        MessageType.VALUE, MessageType.STORE, MessageType.STORE_RESULT, MessageType.ERROR,
        MessageType.SHELF_DIGEST, MessageType.BUCKET_DIGEST, MessageType.BOOK_REQUEST, MessageType.BOOKS,
        MessageType.FRAGMENT, MessageType.ANNOUNCE,
    };

    private Frames() {
    }

    /** Encodes the sample frame of {@code type} at offset 0; returns its length. */
    static int sample(final int type, final MutableDirectBuffer b) {
        return switch (type) {
            case MessageType.PING -> new PingFlyweight().wrap(b, 0).header(0, TX, SENDER).encode();
            case MessageType.PONG -> new PongFlyweight().wrap(b, 0).header(0, TX, SENDER).encode(V4, 4242);
            case MessageType.FIND_NODE -> new FindNodeFlyweight().wrap(b, 0).header(HeaderFlyweight.FLAG_READ_ONLY, TX, SENDER).encode(OTHER);
            case MessageType.NODES -> {
                final NodesFlyweight n = new NodesFlyweight().wrap(b, 0).header(0, TX, SENDER);
                final int len = n.encode(TOKEN, 2, 1);
                n.putContact(0, OTHER.hi(), OTHER.mid(), OTHER.lo(), V4, 4000);
                n.putContact(1, SENDER.hi(), SENDER.mid(), SENDER.lo(), new byte[] {127, 0, 0, 2}, 4001);
                n.putContact(2, OTHER.hi(), OTHER.mid(), OTHER.lo(), V6, 4002);
                yield len;
            }
            case MessageType.FIND_VALUE -> new FindValueFlyweight().wrap(b, 0).header(0, TX, SENDER).encode(OTHER);
            case MessageType.VALUE -> new ValueFlyweight().wrap(b, 0).header(0, TX, SENDER)
                .encode(TOKEN, OTHER.hi(), OTHER.mid(), OTHER.lo(), 3600, VALUE);
            case MessageType.STORE -> new StoreFlyweight().wrap(b, 0).header(0, TX, SENDER)
                .encode(NodeId.sha1(VALUE), TOKEN, OTHER, 3600, VALUE);
            case MessageType.STORE_RESULT -> new StoreResultFlyweight().wrap(b, 0).header(0, TX, SENDER).encode(StoreResultStatus.BAD_TOKEN);
            case MessageType.ERROR -> new ErrorFlyweight().wrap(b, 0).header(0, TX, SENDER).encode(ErrorCode.RATE_LIMITED, "slow down");
            case MessageType.SHELF_DIGEST -> {
                final ShelfDigestFlyweight s = new ShelfDigestFlyweight().wrap(b, 0).header(0, TX, SENDER);
                s.encode();
                s.appendShelf(SHELF, 3, 0x1111111111111111L, 0x2222222222222222L);
                yield s.appendShelf("pirania".getBytes(StandardCharsets.US_ASCII), 70000, -1L, 5L);
            }
            case MessageType.BUCKET_DIGEST -> {
                final BucketDigestFlyweight d = new BucketDigestFlyweight().wrap(b, 0).header(0, TX, SENDER);
                final int len = d.encode(SHELF, 4, 0xA0000000, 2);
                d.putBucket(0, 10, 0x0102030405060708L);
                d.putBucket(1, 0, 0L);
                yield len;
            }
            case MessageType.BOOK_REQUEST -> {
                final BookRequestFlyweight r = new BookRequestFlyweight().wrap(b, 0).header(0, TX, SENDER);
                // The range under the 6-bit prefix 0b101010 and one (key hash, entry hash) pair.
                final int len = r.encodeRange(SHELF, 6, 0xA8000000, 1);
                r.putPair(0, 0x0A0B0C0D0E0F1011L, -2L);
                yield len;
            }
            case MessageType.BOOKS -> {
                final BooksFlyweight k = new BooksFlyweight().wrap(b, 0).header(0, TX, SENDER);
                k.encode(SHELF);
                k.appendBook("10.13.0.5".getBytes(StandardCharsets.UTF_8), OTHER, "node-a".getBytes(StandardCharsets.UTF_8),
                    7, 30, 0, "{\"ip\":\"10.13.0.5\"}".getBytes(StandardCharsets.UTF_8));
                yield k.appendBook("gone".getBytes(StandardCharsets.UTF_8), SENDER, new byte[0], 8, 0,
                    BooksFlyweight.FLAG_TOMBSTONE, new byte[0]);
            }
            case MessageType.FRAGMENT -> {
                final UnsafeBuffer payload = new UnsafeBuffer(new byte[20]);
                for (int i = 0; i < 20; i++) {
                    payload.putByte(i, (byte) (i + 1));
                }
                // Fragment 1 of 3 of a 50-byte message: fragments 0 and 1 carry 20 bytes, the last 10.
                yield new FragmentFlyweight().wrap(b, 0).header(0, TX, SENDER).encode(0x01020304, 50, 1, 3, payload, 0, 20);
            }
            case MessageType.ANNOUNCE -> new AnnounceFlyweight().wrap(b, 0).header(0, TX, SENDER).encode(4200);
            default -> throw new IllegalArgumentException("type " + type);
        };
    }

    /**
     * Reads every field of a validated frame through its flyweight; returns a checksum so the JIT keeps
     * the reads. Any read outside the wrapped buffer throws (bounds checks are on in tests).
     */
    static long readAll(final DirectBuffer b, final int offset, final int length) {
        final HeaderFlyweight h = new HeaderFlyweight().wrap(b, offset);
        long sum = h.magic() + h.version() + h.flags() + h.transactionId() + h.senderHi() + h.senderMid() + h.senderLo();
        final byte[] addr = new byte[16];
        switch (h.type()) {
            case MessageType.PING -> sum += new PingFlyweight().wrap(b, offset).length();
            case MessageType.PONG -> {
                final PongFlyweight p = new PongFlyweight().wrap(b, offset);
                sum += p.family() + p.address(addr) + p.port() + p.length();
            }
            case MessageType.FIND_NODE -> {
                final FindNodeFlyweight f = new FindNodeFlyweight().wrap(b, offset);
                sum += f.targetHi() + f.targetMid() + f.targetLo() + f.targetAsNodeId().hashCode();
            }
            case MessageType.FIND_VALUE -> {
                final FindValueFlyweight f = new FindValueFlyweight().wrap(b, offset);
                sum += f.keyHi() + f.keyMid() + f.keyLo();
            }
            case MessageType.NODES -> {
                final NodesFlyweight n = new NodesFlyweight().wrap(b, offset);
                sum += n.token() + n.length();
                for (int i = 0; i < n.count(); i++) {
                    sum += n.contactIdHi(i) + n.contactIdMid(i) + n.contactIdLo(i) + n.contactPort(i) + n.contactAddress(i, addr);
                }
            }
            case MessageType.VALUE -> {
                final ValueFlyweight v = new ValueFlyweight().wrap(b, offset);
                sum += v.token() + v.publisherHi() + v.publisherMid() + v.publisherLo() + v.ttlSeconds() + v.copyValue().length;
            }
            case MessageType.STORE -> {
                final StoreFlyweight s = new StoreFlyweight().wrap(b, offset);
                sum += s.keyHi() + s.keyMid() + s.keyLo() + s.token() + s.publisherHi() + s.publisherMid() + s.publisherLo()
                    + s.ttlSeconds() + s.copyValue().length;
            }
            case MessageType.STORE_RESULT -> sum += new StoreResultFlyweight().wrap(b, offset).status();
            case MessageType.ERROR -> {
                final ErrorFlyweight e = new ErrorFlyweight().wrap(b, offset);
                sum += e.code() + e.messageAsString().length();
            }
            case MessageType.SHELF_DIGEST -> {
                final ShelfDigestFlyweight s = new ShelfDigestFlyweight().wrap(b, offset);
                int e = s.firstShelf();
                for (int i = 0; i < s.shelfCount(); i++, e = s.nextShelf(e)) {
                    sum += s.shelfNameAsString(e).length() + s.shelfBookCount(e) + s.shelfHashHi(e) + s.shelfHashLo(e);
                }
                sum += s.length();
            }
            case MessageType.BUCKET_DIGEST -> {
                final BucketDigestFlyweight d = new BucketDigestFlyweight().wrap(b, offset);
                sum += d.nameAsString().length() + d.level() + d.prefix() + d.length() + (d.hasAlignedPrefix() ? 1 : 0);
                for (int i = 0; i < d.bucketCount(); i++) {
                    sum += d.bucketBookCount(i) + d.bucketHash(i);
                }
            }
            case MessageType.BOOK_REQUEST -> {
                final BookRequestFlyweight r = new BookRequestFlyweight().wrap(b, offset);
                sum += r.nameAsString().length() + r.length() + r.pairCount();
                for (int i = 0; i < r.count(); i++) {
                    sum += r.keyHash(i);
                }
                if (r.isRangeRequest()) {
                    sum += r.rangePrefixBits() + r.rangePrefix();
                    for (int i = 0; i < r.pairCount(); i++) {
                        sum += r.pairKeyHash(i) + r.pairEntryHash(i);
                    }
                }
            }
            case MessageType.BOOKS -> {
                final BooksFlyweight k = new BooksFlyweight().wrap(b, offset);
                sum += k.nameAsString().length() + k.length();
                int p = k.firstBook();
                for (int i = 0; i < k.count(); i++, p = k.nextBook(p)) {
                    sum += k.bookKeyAsString(p).length() + k.bookAuthorHi(p) + k.bookAuthorMid(p) + k.bookAuthorLo(p)
                        + k.bookAuthorNameAsString(p).length() + k.bookVersion(p) + k.bookTtlSeconds(p) + k.bookFlags(p)
                        + k.copyBookData(p).length;
                }
            }
            case MessageType.FRAGMENT -> {
                final FragmentFlyweight f = new FragmentFlyweight().wrap(b, offset, length);
                sum += f.messageId() + f.totalLength() + f.index() + f.count() + f.payloadLength();
                sum += b.getByte(f.payloadOffset() + f.payloadLength() - 1);
            }
            case MessageType.ANNOUNCE -> {
                final AnnounceFlyweight a = new AnnounceFlyweight().wrap(b, offset);
                sum += a.port() + a.length();
            }
            default -> throw new AssertionError("validated frame of unknown type " + h.type());
        }
        return sum;
    }
}
