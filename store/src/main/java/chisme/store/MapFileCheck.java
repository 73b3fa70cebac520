package chisme.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks the self-bootstrapping header of an existing Chronicle Map file before Chronicle opens it.
 * Chronicle treats a header it cannot read as "still being written by another process" and waits about
 * 60 s before failing; checking first turns a damaged file into an immediate, clear {@link StoreException}.
 * <pre>
 *   0   8 bytes   header checksum (Chronicle's)
 *   8   u32 LE    header length, top bits: 0x80000000 = not complete, 0x40000000 = meta data
 *   12  text      "!net.openhft.chronicle.map.VanillaChronicleMap { dataFileVersion: ..."
 * </pre>
 */
final class MapFileCheck {
    static final String MAP_CLASS = "!net.openhft.chronicle.map.VanillaChronicleMap";
    private static final int HEADER_OFFSET = 12;
    private static final int NOT_COMPLETE = 0x80000000;
    private static final int LENGTH_MASK = 0x3FFFFFFF;

    private MapFileCheck() {
    }

    static void check(final Path file) {
        final long size;
        final byte[] head = new byte[HEADER_OFFSET + MAP_CLASS.length()];
        int read = 0;
        try {
            size = Files.size(file);
            try (InputStream in = Files.newInputStream(file)) {
                while (read < head.length) {
                    final int n = in.read(head, read, head.length - read);
                    if (n < 0) {
                        break;
                    }
                    read += n;
                }
            }
        } catch (final IOException e) {
            throw new StoreException(file, "cannot read map file: " + e.getMessage(), e);
        }
        if (read < head.length) {
            throw new StoreException(file, "corrupt map file: " + size + " bytes, shorter than a Chronicle Map header");
        }
        final int word = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getInt(8);
        if ((word & NOT_COMPLETE) != 0) {
            throw new StoreException(file, "corrupt map file: header marked incomplete (creation interrupted?)");
        }
        final int length = word & LENGTH_MASK;
        if (length < MAP_CLASS.length() || HEADER_OFFSET + (long) length > size) {
            throw new StoreException(file, "corrupt map file: header length " + length + " does not fit file size " + size);
        }
        final String type = new String(head, HEADER_OFFSET, MAP_CLASS.length(), StandardCharsets.ISO_8859_1);
        if (!MAP_CLASS.equals(type)) {
            throw new StoreException(file, "corrupt map file: not a Chronicle Map header");
        }
    }
}
