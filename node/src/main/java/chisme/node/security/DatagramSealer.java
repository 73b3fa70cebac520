package chisme.node.security;

import chisme.node.metrics.CounterId;
import chisme.node.metrics.Counters;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;

/**
 * Seals and opens datagrams with the network key (issue 12 item 1): AES-256-GCM from the JDK, the
 * cipher and the 29-byte overhead of Serf's keyring. One place for every socket: the node's
 * {@link chisme.node.transport.UdpTransport} and multicast discovery both call it.
 * <pre>
 *   0        1                         9                13                          n-16        n
 *   +--------+-------------------------+----------------+---------------------------+-----------+
 *   | key id | session (8 B, random    | counter (4 B,  | ciphertext of the chisme  | GCM tag   |
 *   | (1 B)  | per sealer start)       | big-endian)    | datagram (same length)    | (16 B)    |
 *   +--------+-------------------------+----------------+---------------------------+-----------+
 *            \____________ 96-bit GCM nonce ____________/
 *   additional authenticated data: the key id byte
 * </pre>
 * Nonces never repeat under one key: the session is 64 random bits drawn when the sealer starts and
 * again whenever the 32-bit counter wraps, so two senders (or two boots) collide with probability
 * ~ n^2 / 2^65 over n sessions (NIST SP 800-38D 8.2.2 asks for less than 2^-32). Opening checks, in
 * order of cost: length, key id, replay window ({@link ReplayWindow}), then the tag; a datagram that
 * fails any is dropped and counted and costs no more than the check it failed. Node thread only
 * (one instance per socket; the {@link Keyring} behind it may change from any thread).
 */
public final class DatagramSealer {
    public static final int HEADER_BYTES = 1 + 8 + 4;
    public static final int TAG_BYTES = 16;
    /** Bytes a sealed datagram adds to the plain one. */
    public static final int OVERHEAD_BYTES = HEADER_BYTES + TAG_BYTES;

    private final Keyring keyring;
    private final Counters counters;
    private final SecureRandom random;
    private final ReplayWindow window;
    private final Cipher encrypt;
    private final Cipher decrypt;
    private final byte[] nonce = new byte[12];
    // The cipher runs on heap arrays: the JDK's GCM allocates twice as much per call on direct buffers
    // (2.0 KB against 0.9 KB for a 533-byte datagram, measured); the copies cost less than that garbage.
    // Sized for a full 1,232-byte datagram, grown (rarely: only oversized datagrams) as needed.
    private byte[] in = new byte[2_048];
    private byte[] out = new byte[2_048 + TAG_BYTES];
    private final byte[] aad = new byte[1];
    private final SecretKey[] secretKeys = new SecretKey[256];
    private final NetworkKey[] secretKeysOf = new NetworkKey[256];
    private long session;
    private long counter;

    public DatagramSealer(final Keyring keyring, final Counters counters) {
        this(keyring, counters, new SecureRandom(), 4_096);
    }

    DatagramSealer(final Keyring keyring, final Counters counters, final SecureRandom random, final int maxSources) {
        this.keyring = keyring;
        this.counters = counters;
        this.random = random;
        this.window = new ReplayWindow(maxSources);
        try {
            this.encrypt = Cipher.getInstance("AES/GCM/NoPadding");
            this.decrypt = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (final GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no AES/GCM", e);
        }
        this.session = random.nextLong();
    }

    /** The keyring this sealer reads. */
    public Keyring keyring() {
        return keyring;
    }

    /** True when no key is installed: callers send and accept datagrams in the clear. */
    public boolean open() {
        return keyring.open();
    }

    /**
     * Seals {@code plain} (position to limit) into {@code sealed} at its position with the primary key.
     *
     * @return bytes written, or -1 when no key is installed (send the plain datagram)
     */
    public int seal(final ByteBuffer plain, final ByteBuffer sealed) {
        final NetworkKey key = keyring.snapshot().primary();
        if (key == null) {
            return -1;
        }
        if (counter == 0xFFFF_FFFFL) {
            session = random.nextLong(); // never reuse (session, counter): start a new session
            counter = 0;
        }
        final long c = counter++;
        putLong(nonce, 0, session);
        nonce[8] = (byte) (c >>> 24);
        nonce[9] = (byte) (c >>> 16);
        nonce[10] = (byte) (c >>> 8);
        nonce[11] = (byte) c;
        final int start = sealed.position();
        sealed.put((byte) key.id()).put(nonce);
        aad[0] = (byte) key.id();
        final int length = plain.remaining();
        room(length);
        plain.get(in, 0, length);
        final int n;
        try {
            encrypt.init(Cipher.ENCRYPT_MODE, secretKey(key), new GCMParameterSpec(TAG_BYTES * 8, nonce));
            encrypt.updateAAD(aad);
            n = encrypt.doFinal(in, 0, length, out, 0);
        } catch (final GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM seal failed", e);
        }
        sealed.put(out, 0, n);
        counters.increment(CounterId.DATAGRAMS_SEALED);
        return sealed.position() - start;
    }

    /**
     * Opens the sealed datagram in {@code sealed} (position to limit) from {@code source} into
     * {@code plain} at its position.
     *
     * @return the plain length, or -1 when dropped (counted by reason)
     */
    public int open(final ByteBuffer sealed, final InetSocketAddress source, final ByteBuffer plain) {
        final int start = sealed.position();
        final int length = sealed.remaining();
        if (length < OVERHEAD_BYTES) {
            counters.increment(CounterId.DROP_NETKEY_SHORT);
            return -1;
        }
        final int id = sealed.get(start) & 0xFF;
        final NetworkKey key = keyring.snapshot().byId()[id];
        if (key == null) {
            counters.increment(CounterId.DROP_NETKEY_UNKNOWN_KEY);
            return -1;
        }
        final long s = sealed.getLong(start + 1);
        final long c = sealed.getInt(start + 9) & 0xFFFF_FFFFL;
        if (!window.fresh(source, s, c)) {
            counters.increment(CounterId.DROP_NETKEY_REPLAY);
            return -1;
        }
        sealed.get(start + 1, nonce, 0, 12);
        aad[0] = (byte) id;
        final int cipherLength = length - HEADER_BYTES;
        room(cipherLength);
        sealed.get(start + HEADER_BYTES, in, 0, cipherLength);
        final int n;
        try {
            decrypt.init(Cipher.DECRYPT_MODE, secretKey(key), new GCMParameterSpec(TAG_BYTES * 8, nonce));
            decrypt.updateAAD(aad);
            n = decrypt.doFinal(in, 0, cipherLength, out, 0);
        } catch (final GeneralSecurityException | RuntimeException e) {
            // AEADBadTagException: a forgery, another network's key, or a damaged datagram.
            counters.increment(CounterId.DROP_NETKEY_BAD_TAG);
            return -1;
        }
        sealed.position(start + length);
        plain.put(out, 0, n);
        window.mark(source, s, c);
        counters.increment(CounterId.DATAGRAMS_OPENED);
        return n;
    }

    private void room(final int length) {
        if (in.length < length) {
            in = new byte[length];
            out = new byte[length + TAG_BYTES];
        }
    }

    private SecretKey secretKey(final NetworkKey key) {
        if (secretKeysOf[key.id()] != key) {
            secretKeys[key.id()] = key.secretKey();
            secretKeysOf[key.id()] = key;
        }
        return secretKeys[key.id()];
    }

    private static void putLong(final byte[] b, final int at, final long v) {
        for (int i = 0; i < 8; i++) {
            b[at + i] = (byte) (v >>> (56 - 8 * i));
        }
    }
}
