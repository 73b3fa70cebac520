package chisme.store;

import chisme.wire.NodeId;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/** Encodes and decodes book records ({@link BookLayout}) on the heap: books are a slow path. */
final class BookCodec {
    private BookCodec() {
    }

    static byte[] encode(final Book book, final byte[] name) {
        final byte[] data = book.data();
        final byte[] signature = book.signature();
        final int signatureBytes = signature == null ? 0 : BookLayout.SIGNATURE_BYTES;
        final byte[] out = new byte[BookLayout.HEADER_BYTES + name.length + data.length + signatureBytes];
        final UnsafeBuffer b = new UnsafeBuffer(out);
        b.putInt(BookLayout.FLAGS_OFFSET, (book.tombstone() ? BookLayout.FLAG_TOMBSTONE : 0)
            | (signature == null ? 0 : BookLayout.FLAG_SIGNED));
        b.putLong(BookLayout.AUTHOR_HI_OFFSET, book.authorId().hi());
        b.putLong(BookLayout.AUTHOR_MID_OFFSET, book.authorId().mid());
        b.putInt(BookLayout.AUTHOR_LO_OFFSET, book.authorId().lo());
        b.putInt(BookLayout.DATA_LENGTH_OFFSET, data.length);
        b.putLong(BookLayout.VERSION_OFFSET, book.version());
        b.putLong(BookLayout.EXPIRES_AT_OFFSET, book.expiresAtMs());
        b.putShort(BookLayout.AUTHOR_NAME_LENGTH_OFFSET, (short) name.length);
        b.putBytes(BookLayout.HEADER_BYTES, name);
        b.putBytes(BookLayout.HEADER_BYTES + name.length, data);
        if (signature != null) {
            b.putBytes(BookLayout.HEADER_BYTES + name.length + data.length, signature);
        }
        b.putInt(BookLayout.CHECKSUM_OFFSET, crc(out));
        return out;
    }

    private static int crc(final byte[] record) {
        final CRC32C crc = new CRC32C();
        crc.update(record, BookLayout.FLAGS_OFFSET, record.length - BookLayout.FLAGS_OFFSET);
        return (int) crc.getValue();
    }

    /** The book, or null when the record's lengths or checksum do not match (corrupt). */
    static Book decode(final byte[] mapKey, final byte[] record) {
        if (record.length < BookLayout.HEADER_BYTES) {
            return null;
        }
        final UnsafeBuffer b = new UnsafeBuffer(record);
        final int nameLength = b.getShort(BookLayout.AUTHOR_NAME_LENGTH_OFFSET) & 0xFFFF;
        final int dataLength = b.getInt(BookLayout.DATA_LENGTH_OFFSET);
        final boolean signed = (b.getInt(BookLayout.FLAGS_OFFSET) & BookLayout.FLAG_SIGNED) != 0;
        final int signatureBytes = signed ? BookLayout.SIGNATURE_BYTES : 0;
        if (dataLength < 0 || (long) BookLayout.HEADER_BYTES + nameLength + dataLength + signatureBytes != record.length
            || crc(record) != b.getInt(BookLayout.CHECKSUM_OFFSET)) {
            return null;
        }
        int sep = -1;
        for (int i = 0; i < mapKey.length; i++) {
            if (mapKey[i] == 0) {
                sep = i;
                break;
            }
        }
        if (sep <= 0) {
            return null;
        }
        final String shelf = new String(mapKey, 0, sep, StandardCharsets.US_ASCII);
        final String key = new String(mapKey, sep + 1, mapKey.length - sep - 1, StandardCharsets.UTF_8);
        final String name = new String(record, BookLayout.HEADER_BYTES, nameLength, StandardCharsets.UTF_8);
        final byte[] data = new byte[dataLength];
        b.getBytes(BookLayout.HEADER_BYTES + nameLength, data);
        byte[] signature = null;
        if (signed) {
            signature = new byte[BookLayout.SIGNATURE_BYTES];
            b.getBytes(BookLayout.HEADER_BYTES + nameLength + dataLength, signature);
        }
        return new Book(shelf, key,
            new NodeId(b.getLong(BookLayout.AUTHOR_HI_OFFSET), b.getLong(BookLayout.AUTHOR_MID_OFFSET),
                b.getInt(BookLayout.AUTHOR_LO_OFFSET)),
            name, b.getLong(BookLayout.VERSION_OFFSET), b.getLong(BookLayout.EXPIRES_AT_OFFSET),
            (b.getInt(BookLayout.FLAGS_OFFSET) & BookLayout.FLAG_TOMBSTONE) != 0, data, signature);
    }
}
