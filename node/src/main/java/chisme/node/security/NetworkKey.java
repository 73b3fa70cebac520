package chisme.node.security;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * One AES-256 network key and its one-byte id. The id is derived from the key (first byte of
 * SHA-256("chisme network key id" || key)), so every node that installs the same key agrees on its id
 * without configuring one; it lets a receiver pick the key without trying each (Serf tries every key).
 *
 * @param id    key id carried in every sealed datagram (0..255)
 * @param bytes the 32 key bytes
 */
public record NetworkKey(int id, byte[] bytes) {
    public static final int KEY_BYTES = 32;

    public NetworkKey {
        if (bytes.length != KEY_BYTES) {
            throw new IllegalArgumentException("a network key is 32 bytes (AES-256), got " + bytes.length);
        }
    }

    /** The key of {@code bytes} with its derived id. */
    public static NetworkKey of(final byte[] bytes) {
        if (bytes.length != KEY_BYTES) {
            throw new IllegalArgumentException("a network key is 32 bytes (AES-256), got " + bytes.length);
        }
        try {
            final MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("chisme network key id".getBytes(StandardCharsets.US_ASCII));
            return new NetworkKey(sha.digest(bytes)[0] & 0xFF, bytes.clone());
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256", e);
        }
    }

    /** Parses the base64 text of a key ({@code chisme keys generate} prints one). */
    public static NetworkKey parse(final String base64) {
        final byte[] b;
        try {
            b = Base64.getDecoder().decode(base64.trim());
        } catch (final IllegalArgumentException e) {
            throw new IllegalArgumentException("a network key is 32 bytes in base64: " + e.getMessage());
        }
        return of(b);
    }

    /** A fresh random key. */
    public static NetworkKey generate(final SecureRandom random) {
        final byte[] b = new byte[KEY_BYTES];
        random.nextBytes(b);
        return of(b);
    }

    public String base64() {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** The id as two hex digits, as {@code chisme keys list} shows it. */
    public String idHex() {
        return String.format("%02x", id);
    }

    SecretKey secretKey() {
        return new SecretKeySpec(bytes, "AES");
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof NetworkKey k && k.id == id && Arrays.equals(k.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return id;
    }

    @Override
    public String toString() {
        return "NetworkKey[" + idHex() + "]"; // never the key bytes
    }
}
