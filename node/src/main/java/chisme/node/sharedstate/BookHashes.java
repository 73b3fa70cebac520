package chisme.node.sharedstate;

import chisme.store.Book;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The hashes anti-entropy compares. Key hash: first 8 bytes of SHA-1(key), which places a key in the
 * 64-way bucket tree. Entry hash: 128 bits of SHA-1 over (key hash, version, author id, tombstone,
 * data), so two nodes agree on a key's entry hash exactly when they hold the same version (TTL is left
 * out: it differs per node). Same on every node. One instance per thread (holds a digest).
 */
public final class BookHashes {
    private final MessageDigest sha1;

    public BookHashes() {
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by every Java platform", e);
        }
    }

    /** 64-bit key hash. */
    public long keyHash(final String key) {
        sha1.reset();
        final byte[] d = sha1.digest(key.getBytes(StandardCharsets.UTF_8));
        return readLong(d, 0);
    }

    /** 128-bit entry hash into out[0], out[1]. */
    public void entryHash(final long keyHash, final Book book, final long[] out) {
        sha1.reset();
        updateLong(keyHash);
        updateLong(book.version());
        final byte[] author = book.authorId().toBytes();
        sha1.update(author);
        sha1.update((byte) (book.tombstone() ? 1 : 0));
        sha1.update(book.data());
        final byte[] d = sha1.digest();
        out[0] = readLong(d, 0);
        out[1] = readLong(d, 8);
    }

    /** Content key of the CONTENT policy: 16 hex digits of SHA-1(data) (Pirania keys vouchers by an 8-hex md5). */
    public String contentKey(final byte[] data) {
        sha1.reset();
        final byte[] d = sha1.digest(data);
        return String.format("%016x", readLong(d, 0));
    }

    private void updateLong(final long v) {
        for (int i = 7; i >= 0; i--) {
            sha1.update((byte) (v >>> (8 * i)));
        }
    }

    private static long readLong(final byte[] d, final int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (d[off + i] & 0xFF);
        }
        return v;
    }
}
