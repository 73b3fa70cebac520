package chisme.store;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

/**
 * The small metadata file {@code store.meta} next to the maps: format name, format version and the sizes
 * the maps were created with (Chronicle fixes capacity at creation, so later opens keep them).
 */
record StoreMeta(int version, int maxTuples, long maxTupleBytes, int maxValueBytes, int averageValueBytes,
                 int maxBooks, long maxBookBytes, int maxBookDataBytes, int averageBookDataBytes) {
    static final String FORMAT = "chisme-store";
    /** Bumped on any change to the file set, the record layouts or the map geometry rules. */
    static final int VERSION = 1;

    static StoreMeta of(final StoreConfig c) {
        return new StoreMeta(VERSION, c.maxTuples(), c.maxTupleBytes(), c.maxValueBytes(), c.averageValueBytes(),
            c.maxBooks(), c.maxBookBytes(), c.maxBookDataBytes(), c.averageBookDataBytes());
    }

    static StoreMeta read(final Path file) {
        final Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (final IOException | IllegalArgumentException e) {
            throw new StoreException(file, "unreadable store metadata: " + e.getMessage(), e);
        }
        if (!FORMAT.equals(p.getProperty("format"))) {
            throw new StoreException(file, "not a chisme store metadata file (format=" + p.getProperty("format") + ")");
        }
        final int version = (int) number(file, p, "version");
        if (version != VERSION) {
            throw new StoreException(file, "store format version " + version + " is incompatible with this build (reads "
                + VERSION + "); move the data directory away or use a matching chisme");
        }
        return new StoreMeta(version, (int) number(file, p, "maxTuples"), number(file, p, "maxTupleBytes"),
            (int) number(file, p, "maxValueBytes"), (int) number(file, p, "averageValueBytes"),
            (int) number(file, p, "maxBooks"), number(file, p, "maxBookBytes"),
            (int) number(file, p, "maxBookDataBytes"), (int) number(file, p, "averageBookDataBytes"));
    }

    private static long number(final Path file, final Properties p, final String name) {
        final String v = p.getProperty(name);
        try {
            final long n = Long.parseLong(v == null ? "" : v.trim());
            if (n <= 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (final NumberFormatException e) {
            throw new StoreException(file, "corrupt store metadata: bad or missing " + name + "=" + v);
        }
    }

    /** Writes atomically (temp file + rename) so a crash never leaves half a metadata file. */
    void write(final Path file) {
        final Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                w.write("# chisme store metadata: do not edit\n");
                w.write("format=" + FORMAT + "\n");
                w.write("version=" + version + "\n");
                w.write("maxTuples=" + maxTuples + "\n");
                w.write("maxTupleBytes=" + maxTupleBytes + "\n");
                w.write("maxValueBytes=" + maxValueBytes + "\n");
                w.write("averageValueBytes=" + averageValueBytes + "\n");
                w.write("maxBooks=" + maxBooks + "\n");
                w.write("maxBookBytes=" + maxBookBytes + "\n");
                w.write("maxBookDataBytes=" + maxBookDataBytes + "\n");
                w.write("averageBookDataBytes=" + averageBookDataBytes + "\n");
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (final IOException e) {
            throw new StoreException(file, "cannot write store metadata: " + e.getMessage(), e);
        }
    }
}
