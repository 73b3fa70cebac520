package chisme.wire;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checked-in test vectors (src/test/resources/vectors/&lt;type&gt;.hex, '#' starts a comment): the encoder
 * must produce them byte for byte and the decoder must read the documented field values back. A change
 * to the format breaks these on purpose: bump the version (docs/wire.md "Versioning").
 */
class VectorTest {
    static IntStream types() {
        return Arrays.stream(Frames.TYPES);
    }

    static String fileName(final int type) {
        return MessageType.name(type).toLowerCase(Locale.ROOT) + ".hex";
    }

    static byte[] load(final int type) throws IOException {
        return load(fileName(type));
    }

    /** The bytes of vectors/{@code name}. */
    static byte[] load(final String name) throws IOException {
        try (InputStream in = VectorTest.class.getResourceAsStream("/vectors/" + name)) {
            assertNotNull(in, "missing vector " + name);
            final StringBuilder hex = new StringBuilder();
            for (final String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                final int hash = line.indexOf('#');
                hex.append((hash >= 0 ? line.substring(0, hash) : line).replaceAll("\\s", ""));
            }
            return HexFormat.of().parseHex(hex);
        }
    }

    @ParameterizedTest
    @MethodSource("types")
    void shouldEncodeExactlyTheVector(final int type) throws IOException {
        final byte[] vector = load(type);
        final UnsafeBuffer b = new UnsafeBuffer(new byte[WireLimits.MAX_MESSAGE]);
        final int len = Frames.sample(type, b);
        assertArrayEquals(vector, Arrays.copyOf(b.byteArray(), len), fileName(type));
    }

    @ParameterizedTest
    @MethodSource("types")
    void shouldDecodeTheVector(final int type) throws IOException {
        final byte[] vector = load(type);
        final UnsafeBuffer b = new UnsafeBuffer(vector);
        assertEquals(DecodeReason.OK, MessageDecoder.validate(b, 0, vector.length));
        final HeaderFlyweight h = new HeaderFlyweight().wrap(b, 0);
        assertEquals(type, h.type());
        assertEquals(Frames.TX, h.transactionId());
        assertEquals(Frames.SENDER, h.sender());
        switch (type) {
            case MessageType.PONG -> assertEquals(4242, new PongFlyweight().wrap(b, 0).port());
            case MessageType.FIND_NODE -> {
                assertTrue(h.readOnly());
                assertEquals(Frames.OTHER, new FindNodeFlyweight().wrap(b, 0).targetAsNodeId());
            }
            case MessageType.FIND_VALUE -> assertEquals(Frames.OTHER, new FindValueFlyweight().wrap(b, 0).keyAsNodeId());
            case MessageType.NODES -> {
                final NodesFlyweight n = new NodesFlyweight().wrap(b, 0);
                assertEquals(Frames.TOKEN, n.token());
                assertEquals(3, n.count());
                assertEquals(Frames.OTHER, n.contactIdAsNodeId(2));
                assertEquals(4002, n.contactPort(2));
            }
            case MessageType.VALUE -> assertArrayEquals(Frames.VALUE, new ValueFlyweight().wrap(b, 0).copyValue());
            case MessageType.STORE -> {
                final StoreFlyweight s = new StoreFlyweight().wrap(b, 0);
                assertEquals(NodeId.sha1(Frames.VALUE), s.keyAsNodeId());
                assertEquals(3600, s.ttlSeconds());
            }
            case MessageType.STORE_RESULT -> assertEquals(StoreResultStatus.BAD_TOKEN, new StoreResultFlyweight().wrap(b, 0).status());
            case MessageType.ERROR -> assertEquals("slow down", new ErrorFlyweight().wrap(b, 0).messageAsString());
            case MessageType.SHELF_DIGEST -> {
                final ShelfDigestFlyweight s = new ShelfDigestFlyweight().wrap(b, 0);
                assertEquals("pirania", s.shelfNameAsString(s.nextShelf(s.firstShelf())));
            }
            case MessageType.BUCKET_DIGEST -> assertEquals(0x0102030405060708L, new BucketDigestFlyweight().wrap(b, 0).bucketHash(0));
            case MessageType.BOOK_REQUEST -> {
                final BookRequestFlyweight r = new BookRequestFlyweight().wrap(b, 0);
                assertTrue(r.isRangeRequest());
                assertEquals(6, r.rangePrefixBits());
                assertEquals(0xA8000000, r.rangePrefix());
                assertEquals(0x0A0B0C0D0E0F1011L, r.pairKeyHash(0));
                assertEquals(-2L, r.pairEntryHash(0));
            }
            case MessageType.BOOKS -> {
                final BooksFlyweight k = new BooksFlyweight().wrap(b, 0);
                assertEquals("node-a", k.bookAuthorNameAsString(k.firstBook()));
                assertTrue(k.bookTombstone(k.nextBook(k.firstBook())));
            }
            case MessageType.FRAGMENT -> assertEquals(50, new FragmentFlyweight().wrap(b, 0, vector.length).totalLength());
            case MessageType.ANNOUNCE -> assertEquals(4200, new AnnounceFlyweight().wrap(b, 0).port());
            default -> assertEquals(MessageType.PING, type);
        }
    }
}
