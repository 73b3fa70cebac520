package chisme.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The entry hash used by shelf summaries: SHA-1 over (shelf, key, version, tombstone), first 16 bytes. */
final class BookHashing {
    private BookHashing() {
    }

    static void entryHash(final Book book, final long[] out) {
        try {
            final MessageDigest md = MessageDigest.getInstance("SHA-1");
            final byte[] shelf = book.shelf().getBytes(StandardCharsets.UTF_8);
            final byte[] key = book.key().getBytes(StandardCharsets.UTF_8);
            md.update((byte) shelf.length);
            md.update(shelf);
            md.update((byte) (key.length >>> 8));
            md.update((byte) key.length);
            md.update(key);
            final long v = book.version();
            for (int i = 7; i >= 0; i--) {
                md.update((byte) (v >>> (8 * i)));
            }
            md.update((byte) (book.tombstone() ? 1 : 0));
            final byte[] d = md.digest();
            long hi = 0;
            long lo = 0;
            for (int i = 0; i < 8; i++) {
                hi = (hi << 8) | (d[i] & 0xFF);
                lo = (lo << 8) | (d[8 + i] & 0xFF);
            }
            out[0] = hi;
            out[1] = lo;
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by every Java platform", e);
        }
    }
}
