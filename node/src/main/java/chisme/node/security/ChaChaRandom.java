package chisme.node.security;

import javax.crypto.Cipher;
import javax.crypto.spec.ChaCha20ParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.random.RandomGenerator;

/**
 * A cryptographically strong {@link RandomGenerator}: the JDK's ChaCha20 keystream (RFC 8439) under a
 * key drawn from {@link SecureRandom}, re-keyed after every block with "fast key erasure" (Bernstein,
 * "Fast-key-erasure random-number generators", 2017): the first 32 bytes of each 768-byte keystream
 * block become the next key and are never handed out, so neither past nor future outputs follow from
 * the outputs seen (the predicted transaction ids and token secrets of issue 12 came from
 * {@link java.util.SplittableRandom}, whose whole state one output reveals).
 * <p>
 * Why not {@code SecureRandom} directly: its {@code nextLong} costs a synchronised DRBG call per
 * draw; this refills 92 longs per cipher call. Not thread-safe: one instance per node thread.
 */
public final class ChaChaRandom implements RandomGenerator {
    private static final int KEY_BYTES = 32;
    private static final int BLOCK_BYTES = 768;
    private static final byte[] ZEROS = new byte[BLOCK_BYTES];

    private final Cipher cipher;
    private final byte[] block = new byte[BLOCK_BYTES];
    private final byte[] nonce = new byte[12];
    private int position = BLOCK_BYTES;
    private byte[] key;
    private long refills;

    private ChaChaRandom(final byte[] key) {
        this.key = key;
        try {
            this.cipher = Cipher.getInstance("ChaCha20");
        } catch (final GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no ChaCha20", e);
        }
    }

    /** A generator keyed from {@code seed} (a {@link SecureRandom}). */
    public static ChaChaRandom seededFrom(final SecureRandom seed) {
        final byte[] key = new byte[KEY_BYTES];
        seed.nextBytes(key);
        return new ChaChaRandom(key);
    }

    /** A generator keyed from a fresh {@link SecureRandom}. */
    public static ChaChaRandom create() {
        return seededFrom(new SecureRandom());
    }

    @Override
    public long nextLong() {
        if (position + Long.BYTES > BLOCK_BYTES) {
            refill();
        }
        long v = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            v = (v << 8) | (block[position + i] & 0xFF);
        }
        position += Long.BYTES;
        return v;
    }

    @Override
    public void nextBytes(final byte[] bytes) {
        int i = 0;
        while (i < bytes.length) {
            if (position >= BLOCK_BYTES) {
                refill();
            }
            final int n = Math.min(bytes.length - i, BLOCK_BYTES - position);
            System.arraycopy(block, position, bytes, i, n);
            java.util.Arrays.fill(block, position, position + n, (byte) 0);
            position += n;
            i += n;
        }
    }

    private void refill() {
        // The nonce counts refills: even a repeated key (it cannot repeat, but the JDK refuses a reused
        // key+nonce pair in any case) would give a different stream.
        refills++;
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (refills >>> (56 - 8 * i));
        }
        try {
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new ChaCha20ParameterSpec(nonce, 0));
            cipher.doFinal(ZEROS, 0, BLOCK_BYTES, block, 0);
        } catch (final GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20 keystream failed", e);
        }
        final byte[] next = new byte[KEY_BYTES];
        System.arraycopy(block, 0, next, 0, KEY_BYTES);
        java.util.Arrays.fill(block, 0, KEY_BYTES, (byte) 0);
        java.util.Arrays.fill(key, (byte) 0);
        key = next;
        position = KEY_BYTES;
    }
}
