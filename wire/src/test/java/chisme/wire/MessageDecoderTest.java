package chisme.wire;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MessageDecoderTest {
    private final UnsafeBuffer b = new UnsafeBuffer(new byte[WireLimits.MAX_MESSAGE + 64]);

    private int sample(final int type) {
        return Frames.sample(type, b);
    }

    private int validate(final int length) {
        return MessageDecoder.validate(b, 0, length);
    }

    @Test
    void shouldRejectBadArgumentsWithoutThrowing() {
        assertEquals(DecodeReason.BAD_LENGTH, MessageDecoder.validate(null, 0, 10));
        assertEquals(DecodeReason.BAD_LENGTH, MessageDecoder.validate(b, -1, 10));
        assertEquals(DecodeReason.BAD_LENGTH, MessageDecoder.validate(b, 0, -1));
        assertEquals(DecodeReason.BAD_LENGTH, MessageDecoder.validate(b, b.capacity() - 10, 11));
        assertEquals(DecodeReason.BAD_LENGTH, MessageDecoder.validate(b, Integer.MAX_VALUE, Integer.MAX_VALUE));
    }

    @Test
    void shouldRejectHeaderProblems() {
        final int len = sample(MessageType.PING);
        assertEquals(DecodeReason.TOO_SHORT, validate(31));
        assertEquals(DecodeReason.TOO_SHORT, validate(0));
        b.putByte(HeaderFlyweight.VERSION_OFFSET, (byte) 2);
        assertEquals(DecodeReason.BAD_VERSION, validate(len));
        b.putByte(HeaderFlyweight.MAGIC_OFFSET, (byte) 0xC8);
        assertEquals(DecodeReason.BAD_MAGIC, validate(len));
        sample(MessageType.PING);
        b.putByte(HeaderFlyweight.TYPE_OFFSET, (byte) 0x7F);
        assertEquals(DecodeReason.UNKNOWN_TYPE, validate(len));
        sample(MessageType.PING);
        assertEquals(DecodeReason.BAD_LENGTH, validate(len + 1));
        assertEquals(DecodeReason.TOO_LARGE, validate(WireLimits.MAX_MESSAGE + 1));
    }

    @Test
    void shouldIgnoreUnknownFlagBits() {
        final int len = sample(MessageType.PING);
        b.putByte(HeaderFlyweight.FLAGS_OFFSET, (byte) (0xFE & ~HeaderFlyweight.FLAG_DEFLATED));
        assertEquals(DecodeReason.OK, validate(len));
        b.putByte(HeaderFlyweight.FLAGS_OFFSET, (byte) 0xFE);
        assertEquals(DecodeReason.BAD_FLAGS, validate(len), "DEFLATED is known, and allowed on BOOKS only");
    }

    @Test
    void shouldRejectTrailingOrMissingBytesForEveryType() {
        for (final int type : Frames.TYPES) {
            final int len = sample(type);
            assertEquals(DecodeReason.OK, validate(len), MessageType.name(type));
            if (type != MessageType.FRAGMENT) { // a FRAGMENT's payload length is the datagram's
                assertEquals(DecodeReason.BAD_LENGTH, validate(len + 1), MessageType.name(type));
                final int shorter = validate(len - 1);
                assertEquals(true, shorter == DecodeReason.BAD_LENGTH || shorter == DecodeReason.TOO_SHORT,
                    MessageType.name(type) + " " + DecodeReason.name(shorter));
            }
        }
    }

    @Test
    void shouldRejectBadPongFamily() {
        final int len = sample(MessageType.PONG);
        b.putByte(PongFlyweight.FAMILY_OFFSET, (byte) 5);
        assertEquals(DecodeReason.BAD_FAMILY, validate(len));
        b.putByte(PongFlyweight.FAMILY_OFFSET, (byte) 6);
        assertEquals(DecodeReason.BAD_LENGTH, validate(len));
        assertEquals(DecodeReason.TOO_SHORT, validate(PongFlyweight.FAMILY_OFFSET));
    }

    @Test
    void shouldRejectTooManyContacts() {
        final NodesFlyweight n = new NodesFlyweight().wrap(b, 0).header(0, 1, Frames.SENDER);
        final int len = n.encode(1, 32, 0);
        assertEquals(DecodeReason.OK, validate(len));
        b.putByte(NodesFlyweight.COUNT6_OFFSET, (byte) 1);
        assertEquals(DecodeReason.TOO_MANY_CONTACTS, validate(NodesFlyweight.length(32, 1)));
        b.putByte(NodesFlyweight.COUNT4_OFFSET, (byte) 255);
        b.putByte(NodesFlyweight.COUNT6_OFFSET, (byte) 255);
        assertEquals(DecodeReason.TOO_MANY_CONTACTS, validate(len));
    }

    @Test
    void shouldRejectOversizedValueLengthWithoutOverflow() {
        for (final int type : new int[] {MessageType.VALUE, MessageType.STORE}) {
            final int len = sample(type);
            final int at = type == MessageType.VALUE ? ValueFlyweight.VALUE_LENGTH_OFFSET : StoreFlyweight.VALUE_LENGTH_OFFSET;
            b.putInt(at, WireLimits.MAX_VALUE + 1, ByteOrder.LITTLE_ENDIAN);
            assertEquals(DecodeReason.TOO_LARGE, validate(len));
            b.putInt(at, -1, ByteOrder.LITTLE_ENDIAN); // 4 GiB - 1 as u32
            assertEquals(DecodeReason.TOO_LARGE, validate(len));
            b.putInt(at, 100, ByteOrder.LITTLE_ENDIAN);
            assertEquals(DecodeReason.BAD_LENGTH, validate(len));
        }
    }

    @Test
    void shouldRejectLongErrorMessage() {
        final int len = sample(MessageType.ERROR);
        b.putByte(ErrorFlyweight.MESSAGE_LENGTH_OFFSET, (byte) 201);
        assertEquals(DecodeReason.TOO_LARGE, validate(len));
    }

    @Test
    void shouldRejectBadShelfNames() {
        for (final int type : new int[] {MessageType.SHELF_DIGEST, MessageType.BUCKET_DIGEST, MessageType.BOOK_REQUEST, MessageType.BOOKS}) {
            final int len = sample(type);
            // first name byte is at 34 for every shared-state frame (SHELF_DIGEST has the count before it)
            final int nameAt = type == MessageType.SHELF_DIGEST ? 34 : 33;
            b.putByte(nameAt + 3, (byte) '.');
            assertEquals(DecodeReason.BAD_NAME, validate(len), MessageType.name(type));
            b.putByte(nameAt + 3, (byte) ' ');
            assertEquals(DecodeReason.BAD_NAME, validate(len), MessageType.name(type));
            b.putByte(nameAt + 3, (byte) 0xC3);
            assertEquals(DecodeReason.BAD_NAME, validate(len), MessageType.name(type));
        }
    }

    @Test
    void shouldRejectEmptyAndLongShelfNames() {
        final UnsafeBuffer m = new UnsafeBuffer(new byte[200]);
        new BookRequestFlyweight().wrap(m, 0).header(0, 1, Frames.SENDER);
        m.putByte(BookRequestFlyweight.NAME_LENGTH_OFFSET, (byte) 0);
        m.putShort(33, (short) 0, ByteOrder.LITTLE_ENDIAN);
        assertEquals(DecodeReason.BAD_NAME, MessageDecoder.validate(m, 0, 35));
        final byte[] name65 = new byte[65];
        Arrays.fill(name65, (byte) 'a');
        m.putByte(BookRequestFlyweight.NAME_LENGTH_OFFSET, (byte) 65);
        m.putBytes(33, name65);
        m.putShort(33 + 65, (short) 0, ByteOrder.LITTLE_ENDIAN);
        assertEquals(DecodeReason.BAD_NAME, MessageDecoder.validate(m, 0, 33 + 65 + 2));
        m.putByte(BookRequestFlyweight.NAME_LENGTH_OFFSET, (byte) 64);
        m.putShort(33 + 64, (short) 0, ByteOrder.LITTLE_ENDIAN);
        assertEquals(DecodeReason.OK, MessageDecoder.validate(m, 0, 33 + 64 + 2));
    }

    @Test
    void shouldRejectBucketDigestLimits() {
        final int len = sample(MessageType.BUCKET_DIGEST);
        final int levelAt = 33 + Frames.SHELF.length;
        b.putByte(levelAt, (byte) 33);
        assertEquals(DecodeReason.TOO_LARGE, validate(len));
        b.putByte(levelAt, (byte) 4);
        b.putByte(levelAt + 5, (byte) 65);
        assertEquals(DecodeReason.TOO_LARGE, validate(len));
    }

    @Test
    void shouldRejectBooksWithBadEntries() {
        final int len = sample(MessageType.BOOKS);
        final BooksFlyweight k = new BooksFlyweight().wrap(b, 0);
        final int first = k.firstBook();
        b.putShort(first, (short) 0, ByteOrder.LITTLE_ENDIAN);
        assertEquals(DecodeReason.BAD_LENGTH, validate(len));
        b.putShort(first, (short) 257, ByteOrder.LITTLE_ENDIAN);
        assertEquals(DecodeReason.TOO_LARGE, validate(len));
        sample(MessageType.BOOKS);
        final int dataLengthAt = k.bookDataOffset(first) - 4;
        b.putInt(dataLengthAt, WireLimits.MAX_VALUE + 1, ByteOrder.LITTLE_ENDIAN);
        assertEquals(DecodeReason.TOO_LARGE, validate(len));
        sample(MessageType.BOOKS);
        b.putShort(first - 2, (short) 3, ByteOrder.LITTLE_ENDIAN); // count says 3, only 2 present
        assertEquals(DecodeReason.BAD_LENGTH, validate(len));
        sample(MessageType.BOOKS);
        b.putShort(first - 2, (short) 1, ByteOrder.LITTLE_ENDIAN); // count says 1: trailing book
        assertEquals(DecodeReason.BAD_LENGTH, validate(len));
    }

    @Test
    void shouldRejectInconsistentFragments() {
        final int len = sample(MessageType.FRAGMENT); // index 1 of 3, total 50, payload 20
        assertEquals(DecodeReason.OK, validate(len));
        b.putShort(FragmentFlyweight.INDEX_OFFSET, (short) 3, ByteOrder.LITTLE_ENDIAN);
        assertEquals(DecodeReason.BAD_FRAGMENT, validate(len));
        sample(MessageType.FRAGMENT);
        b.putShort(FragmentFlyweight.COUNT_OFFSET, (short) 1, ByteOrder.LITTLE_ENDIAN);
        b.putShort(FragmentFlyweight.INDEX_OFFSET, (short) 0, ByteOrder.LITTLE_ENDIAN);
        assertEquals(DecodeReason.BAD_FRAGMENT, validate(len));
        sample(MessageType.FRAGMENT);
        b.putInt(FragmentFlyweight.TOTAL_LENGTH_OFFSET, 1000, ByteOrder.LITTLE_ENDIAN); // 3 x 20 < 1000
        assertEquals(DecodeReason.BAD_FRAGMENT, validate(len));
        b.putInt(FragmentFlyweight.TOTAL_LENGTH_OFFSET, 40, ByteOrder.LITTLE_ENDIAN); // 2 x 20 >= 40
        assertEquals(DecodeReason.BAD_FRAGMENT, validate(len));
        b.putInt(FragmentFlyweight.TOTAL_LENGTH_OFFSET, WireLimits.MAX_MESSAGE + 1, ByteOrder.LITTLE_ENDIAN);
        assertEquals(DecodeReason.TOO_LARGE, validate(len));
        sample(MessageType.FRAGMENT);
        assertEquals(DecodeReason.BAD_FRAGMENT, validate(FragmentFlyweight.PAYLOAD_OFFSET)); // empty payload
        assertEquals(DecodeReason.TOO_SHORT, validate(FragmentFlyweight.PAYLOAD_OFFSET - 1));
        b.putShort(FragmentFlyweight.INDEX_OFFSET, (short) 2, ByteOrder.LITTLE_ENDIAN); // last: 10 bytes
        assertEquals(DecodeReason.OK, validate(FragmentFlyweight.PAYLOAD_OFFSET + 10));
        assertEquals(DecodeReason.BAD_FRAGMENT, validate(FragmentFlyweight.PAYLOAD_OFFSET + 49));
    }

    @Test
    void shouldNameEveryReason() {
        for (int r = 0; r < DecodeReason.COUNT; r++) {
            assertEquals(false, DecodeReason.name(r).equals("UNKNOWN"), "reason " + r);
        }
        assertEquals("UNKNOWN", DecodeReason.name(DecodeReason.COUNT));
    }
}
