package chisme.wire;

import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * Validates a received frame before any flyweight reads it (docs/wire.md "Decode reasons"). Checks the
 * header, then the exact body length its type's own length and count fields imply, plus names, counts and
 * size limits. Reads nothing outside {@code [offset, offset + length)}, never throws and never allocates,
 * whatever the bytes: a hostile network must not be able to kill or slow the receive loop. After
 * {@link DecodeReason#OK} the matching flyweight may read every field without further checks, except for a
 * BOOKS frame with {@link HeaderFlyweight#FLAG_DEFLATED}: its body is only known to be non-empty; inflate it
 * with {@link BodyInflater} and validate the plain message before reading it.
 */
public final class MessageDecoder {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private MessageDecoder() {
    }

    /** Returns {@link DecodeReason#OK} or the reason to drop the frame. */
    public static int validate(final DirectBuffer buffer, final int offset, final int length) {
        if (buffer == null || offset < 0 || length < 0 || (long) offset + length > buffer.capacity()) {
            return DecodeReason.BAD_LENGTH;
        }
        if (length < HeaderFlyweight.LENGTH) {
            return DecodeReason.TOO_SHORT;
        }
        if ((buffer.getByte(offset + HeaderFlyweight.MAGIC_OFFSET) & 0xFF) != HeaderFlyweight.MAGIC) {
            return DecodeReason.BAD_MAGIC;
        }
        if ((buffer.getByte(offset + HeaderFlyweight.VERSION_OFFSET) & 0xFF) != HeaderFlyweight.VERSION) {
            return DecodeReason.BAD_VERSION;
        }
        final int type = buffer.getByte(offset + HeaderFlyweight.TYPE_OFFSET) & 0xFF;
        if (!MessageType.isKnown(type)) {
            return DecodeReason.UNKNOWN_TYPE;
        }
        if (length > WireLimits.MAX_MESSAGE) {
            return DecodeReason.TOO_LARGE;
        }
        if ((buffer.getByte(offset + HeaderFlyweight.FLAGS_OFFSET) & HeaderFlyweight.FLAG_DEFLATED) != 0) {
            // Only BOOKS may be deflated; its body is opaque until inflated (BodyInflater), then validated again.
            // A FRAGMENT carries its original's header flags: checked as a fragment, its whole message later.
            if (type == MessageType.BOOKS) {
                return length > HeaderFlyweight.LENGTH ? DecodeReason.OK : DecodeReason.TOO_SHORT;
            }
            if (type != MessageType.FRAGMENT) {
                return DecodeReason.BAD_FLAGS;
            }
        }
        return switch (type) {
            case MessageType.PING -> length == PingFlyweight.LENGTH ? DecodeReason.OK : DecodeReason.BAD_LENGTH;
            case MessageType.PONG -> pong(buffer, offset, length);
            case MessageType.FIND_NODE -> fixed(length, FindNodeFlyweight.LENGTH);
            case MessageType.FIND_VALUE -> fixed(length, FindValueFlyweight.LENGTH);
            case MessageType.NODES -> nodes(buffer, offset, length);
            case MessageType.VALUE -> value(buffer, offset, length, ValueFlyweight.TOKEN_OFFSET);
            case MessageType.STORE -> value(buffer, offset, length, StoreFlyweight.TOKEN_OFFSET);
            case MessageType.STORE_RESULT -> fixed(length, StoreResultFlyweight.LENGTH);
            case MessageType.ERROR -> error(buffer, offset, length);
            case MessageType.SHELF_DIGEST -> shelfDigest(buffer, offset, length);
            case MessageType.BUCKET_DIGEST -> bucketDigest(buffer, offset, length);
            case MessageType.BOOK_REQUEST -> bookRequest(buffer, offset, length);
            case MessageType.BOOKS -> books(buffer, offset, length);
            case MessageType.FRAGMENT -> fragment(buffer, offset, length);
            case MessageType.ANNOUNCE -> fixed(length, AnnounceFlyweight.LENGTH);
            default -> DecodeReason.UNKNOWN_TYPE;
        };
    }

    private static int fixed(final int length, final int expected) {
        if (length < expected) {
            return DecodeReason.TOO_SHORT;
        }
        return length == expected ? DecodeReason.OK : DecodeReason.BAD_LENGTH;
    }

    private static int pong(final DirectBuffer buffer, final int offset, final int length) {
        if (length < PongFlyweight.ADDRESS_OFFSET) {
            return DecodeReason.TOO_SHORT;
        }
        final int family = buffer.getByte(offset + PongFlyweight.FAMILY_OFFSET) & 0xFF;
        final int expected;
        if (family == PongFlyweight.FAMILY_IPV4) {
            expected = PongFlyweight.IPV4_LENGTH;
        } else if (family == PongFlyweight.FAMILY_IPV6) {
            expected = PongFlyweight.IPV6_LENGTH;
        } else {
            return DecodeReason.BAD_FAMILY;
        }
        return length == expected ? DecodeReason.OK : DecodeReason.BAD_LENGTH;
    }

    private static int nodes(final DirectBuffer buffer, final int offset, final int length) {
        if (length < NodesFlyweight.CONTACTS_OFFSET) {
            return DecodeReason.TOO_SHORT;
        }
        final int count4 = buffer.getByte(offset + NodesFlyweight.COUNT4_OFFSET) & 0xFF;
        final int count6 = buffer.getByte(offset + NodesFlyweight.COUNT6_OFFSET) & 0xFF;
        if (count4 + count6 > WireLimits.MAX_CONTACTS) {
            return DecodeReason.TOO_MANY_CONTACTS;
        }
        return length == NodesFlyweight.length(count4, count6) ? DecodeReason.OK : DecodeReason.BAD_LENGTH;
    }

    /** VALUE and STORE: their shared part ({@link PublishedValueFlyweight}) at {@code part}; the value ends the frame. */
    private static int value(final DirectBuffer buffer, final int offset, final int length, final int part) {
        final int valueOffset = part + PublishedValueFlyweight.VALUE_AT;
        if (length < valueOffset) {
            return DecodeReason.TOO_SHORT;
        }
        final long valueLength = buffer.getInt(offset + part + PublishedValueFlyweight.VALUE_LENGTH_AT, LE) & 0xFFFF_FFFFL;
        if (valueLength > WireLimits.MAX_VALUE) {
            return DecodeReason.TOO_LARGE;
        }
        return length == valueOffset + valueLength ? DecodeReason.OK : DecodeReason.BAD_LENGTH;
    }

    private static int error(final DirectBuffer buffer, final int offset, final int length) {
        if (length < ErrorFlyweight.MESSAGE_OFFSET) {
            return DecodeReason.TOO_SHORT;
        }
        final int messageLength = buffer.getByte(offset + ErrorFlyweight.MESSAGE_LENGTH_OFFSET) & 0xFF;
        if (messageLength > WireLimits.MAX_ERROR_MESSAGE) {
            return DecodeReason.TOO_LARGE;
        }
        return length == ErrorFlyweight.MESSAGE_OFFSET + messageLength ? DecodeReason.OK : DecodeReason.BAD_LENGTH;
    }

    private static int shelfDigest(final DirectBuffer buffer, final int offset, final int length) {
        if (length < ShelfDigestFlyweight.SHELVES_OFFSET) {
            return DecodeReason.TOO_SHORT;
        }
        final int count = buffer.getByte(offset + ShelfDigestFlyweight.SHELF_COUNT_OFFSET) & 0xFF;
        final int end = offset + length;
        int pos = offset + ShelfDigestFlyweight.SHELVES_OFFSET;
        for (int i = 0; i < count; i++) {
            if (pos + ShelfDigestFlyweight.ENTRY_NAME_AT > end) {
                return DecodeReason.BAD_LENGTH;
            }
            final int nameLength = buffer.getByte(pos) & 0xFF;
            final int next = pos + ShelfDigestFlyweight.ENTRY_FIXED_LENGTH + nameLength;
            if (next > end) {
                return DecodeReason.BAD_LENGTH;
            }
            if (!ShelfName.valid(buffer, pos + ShelfDigestFlyweight.ENTRY_NAME_AT, nameLength)) {
                return DecodeReason.BAD_NAME;
            }
            pos = next;
        }
        return pos == end ? DecodeReason.OK : DecodeReason.BAD_LENGTH;
    }

    private static int bucketDigest(final DirectBuffer buffer, final int offset, final int length) {
        if (length < BucketDigestFlyweight.MIN_LENGTH) {
            return DecodeReason.TOO_SHORT;
        }
        final int nameLength = buffer.getByte(offset + BucketDigestFlyweight.NAME_LENGTH_OFFSET) & 0xFF;
        final int levelOffset = BucketDigestFlyweight.NAME_OFFSET + nameLength;
        if (levelOffset + BucketDigestFlyweight.AFTER_NAME_FIXED_LENGTH > length) {
            return DecodeReason.BAD_LENGTH;
        }
        if (!ShelfName.valid(buffer, offset + BucketDigestFlyweight.NAME_OFFSET, nameLength)) {
            return DecodeReason.BAD_NAME;
        }
        final int level = buffer.getByte(offset + levelOffset + BucketDigestFlyweight.LEVEL_AFTER_NAME) & 0xFF;
        final int buckets = buffer.getByte(offset + levelOffset + BucketDigestFlyweight.BUCKET_COUNT_AFTER_NAME) & 0xFF;
        if (level > WireLimits.MAX_BUCKET_LEVEL || buckets > WireLimits.MAX_BUCKETS) {
            return DecodeReason.TOO_LARGE;
        }
        final int expected = levelOffset + BucketDigestFlyweight.AFTER_NAME_FIXED_LENGTH
            + buckets * BucketDigestFlyweight.BUCKET_LENGTH;
        return length == expected ? DecodeReason.OK : DecodeReason.BAD_LENGTH;
    }

    private static int bookRequest(final DirectBuffer buffer, final int offset, final int length) {
        if (length < BookRequestFlyweight.MIN_LENGTH) {
            return DecodeReason.TOO_SHORT;
        }
        final int nameLength = buffer.getByte(offset + BookRequestFlyweight.NAME_LENGTH_OFFSET) & 0xFF;
        final int countOffset = BookRequestFlyweight.NAME_OFFSET + nameLength;
        if (countOffset + BookRequestFlyweight.COUNT_LENGTH > length) {
            return DecodeReason.BAD_LENGTH;
        }
        if (!ShelfName.valid(buffer, offset + BookRequestFlyweight.NAME_OFFSET, nameLength)) {
            return DecodeReason.BAD_NAME;
        }
        final int count = buffer.getShort(offset + countOffset, LE) & 0xFFFF;
        return length == BookRequestFlyweight.lengthOf(nameLength, count) ? DecodeReason.OK : DecodeReason.BAD_LENGTH;
    }

    private static int books(final DirectBuffer buffer, final int offset, final int length) {
        if (length < BooksFlyweight.MIN_LENGTH) {
            return DecodeReason.TOO_SHORT;
        }
        final int nameLength = buffer.getByte(offset + BooksFlyweight.NAME_LENGTH_OFFSET) & 0xFF;
        final int countOffset = BooksFlyweight.NAME_OFFSET + nameLength;
        if (countOffset + BooksFlyweight.COUNT_LENGTH > length) {
            return DecodeReason.BAD_LENGTH;
        }
        if (!ShelfName.valid(buffer, offset + BooksFlyweight.NAME_OFFSET, nameLength)) {
            return DecodeReason.BAD_NAME;
        }
        final int count = buffer.getShort(offset + countOffset, LE) & 0xFFFF;
        final int end = offset + length;
        int pos = offset + countOffset + BooksFlyweight.COUNT_LENGTH;
        for (int i = 0; i < count; i++) {
            // Each step checks the bytes it is about to read; positions stay below end <= MAX_MESSAGE + offset.
            if (pos + BooksFlyweight.BOOK_KEY_AT > end) {
                return DecodeReason.BAD_LENGTH;
            }
            final int keyLength = buffer.getShort(pos, LE) & 0xFFFF;
            if (keyLength == 0) {
                return DecodeReason.BAD_LENGTH;
            }
            if (!BookKey.validLength(keyLength)) {
                return DecodeReason.TOO_LARGE;
            }
            final int afterKey = pos + BooksFlyweight.BOOK_KEY_AT + keyLength;
            if (afterKey + BooksFlyweight.AUTHOR_NAME_AFTER_KEY > end) {
                return DecodeReason.BAD_LENGTH;
            }
            final int authorNameLength = buffer.getByte(afterKey + BooksFlyweight.AUTHOR_NAME_LENGTH_AFTER_KEY) & 0xFF;
            final int version = afterKey + BooksFlyweight.AUTHOR_NAME_AFTER_KEY + authorNameLength;
            if (version + BooksFlyweight.DATA_AFTER_VERSION > end) {
                return DecodeReason.BAD_LENGTH;
            }
            final long dataLength = buffer.getInt(version + BooksFlyweight.DATA_LENGTH_AFTER_VERSION, LE) & 0xFFFF_FFFFL;
            if (dataLength > WireLimits.MAX_VALUE) {
                return DecodeReason.TOO_LARGE;
            }
            long next = version + BooksFlyweight.DATA_AFTER_VERSION + dataLength;
            if (next > end) {
                return DecodeReason.BAD_LENGTH;
            }
            if ((buffer.getByte(version + BooksFlyweight.FLAGS_AFTER_VERSION) & BooksFlyweight.FLAG_SIGNED) != 0) {
                // Signature block: marker then signed ttl, key, signature (BooksFlyweight).
                if (next + BooksFlyweight.SIGNED_EXTRA_LENGTH > end
                    || (buffer.getShort((int) next, LE) & 0xFFFF) != BooksFlyweight.SIGNATURE_MARKER) {
                    return DecodeReason.BAD_LENGTH;
                }
                next += BooksFlyweight.SIGNED_EXTRA_LENGTH;
            }
            pos = (int) next;
        }
        return pos == end ? DecodeReason.OK : DecodeReason.BAD_LENGTH;
    }

    private static int fragment(final DirectBuffer buffer, final int offset, final int length) {
        if (length < FragmentFlyweight.PAYLOAD_OFFSET) {
            return DecodeReason.TOO_SHORT;
        }
        final long total = buffer.getInt(offset + FragmentFlyweight.TOTAL_LENGTH_OFFSET, LE) & 0xFFFF_FFFFL;
        final int index = buffer.getShort(offset + FragmentFlyweight.INDEX_OFFSET, LE) & 0xFFFF;
        final int count = buffer.getShort(offset + FragmentFlyweight.COUNT_OFFSET, LE) & 0xFFFF;
        final long payload = length - FragmentFlyweight.PAYLOAD_OFFSET;
        if (total > WireLimits.MAX_MESSAGE) {
            return DecodeReason.TOO_LARGE;
        }
        // A message is fragmented only when it does not fit in one datagram, so there are at least 2
        // fragments, each with a payload, the original has at least a header, and a non-last fragment's
        // length L satisfies (count - 1) * L < total <= count * L (all but the last carry exactly L).
        if (count < 2 || index >= count || payload < 1 || total < HeaderFlyweight.LENGTH || payload > total) {
            return DecodeReason.BAD_FRAGMENT;
        }
        if (index < count - 1) {
            if (payload * (count - 1) >= total || payload * count < total) {
                return DecodeReason.BAD_FRAGMENT;
            }
        } else if (payload + (count - 1) > total) {
            return DecodeReason.BAD_FRAGMENT;
        }
        return DecodeReason.OK;
    }
}
