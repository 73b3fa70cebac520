package chisme.node.kademlia;

import chisme.node.security.SipHash;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.random.RandomGenerator;

/**
 * Write tokens (BEP 5): a FIND_* reply carries a 64-bit token bound to the requester's address and port
 * and to a secret that rotates every {@code rotationMs}; a STORE must present a token made with the
 * current or the previous secret, so a token lives between one and two rotation periods and a peer
 * cannot store at a node it never asked from its real address (stops spoofed-source STORE floods).
 * <p>
 * The token is SipHash-2-4 (a keyed PRF, {@link SipHash}) of the raw address bytes and port under a
 * 128-bit secret: without the secret, tokens seen for some addresses tell nothing about the token of
 * another (issue 12: the earlier unkeyed mix let an attacker who learned the secret from the node's
 * {@code SplittableRandom} compute tokens for addresses it never used). Secrets come from the node's
 * generator, which over UDP is a CSPRNG ({@link chisme.node.security.ChaChaRandom}). Allocation-free
 * for a repeating requester. Node thread only.
 */
final class TokenIssuer {
    private final RandomGenerator random;
    private final long rotationMs;
    private long current0;
    private long current1;
    private long previous0;
    private long previous1;
    private long rotatedAtMs;
    private InetAddress lastAddress;
    private byte[] lastAddressBytes;

    TokenIssuer(final RandomGenerator random, final long rotationMs, final long nowMs) {
        this.random = random;
        this.rotationMs = rotationMs;
        this.current0 = random.nextLong();
        this.current1 = random.nextLong();
        this.previous0 = random.nextLong();
        this.previous1 = random.nextLong();
        this.rotatedAtMs = nowMs;
    }

    long token(final InetSocketAddress requester, final long nowMs) {
        rotate(nowMs);
        return token(current0, current1, requester);
    }

    boolean valid(final long token, final InetSocketAddress requester, final long nowMs) {
        rotate(nowMs);
        return token == token(current0, current1, requester) || token == token(previous0, previous1, requester);
    }

    private void rotate(final long nowMs) {
        if (nowMs - rotatedAtMs >= rotationMs) {
            if (nowMs - rotatedAtMs >= 2 * rotationMs) {
                // More than two periods idle: both secrets are stale, draw two fresh ones.
                previous0 = random.nextLong();
                previous1 = random.nextLong();
            } else {
                previous0 = current0;
                previous1 = current1;
            }
            current0 = random.nextLong();
            current1 = random.nextLong();
            rotatedAtMs = nowMs;
        }
    }

    private long token(final long k0, final long k1, final InetSocketAddress a) {
        final byte[] ip = addressBytes(a.getAddress());
        return SipHash.hash(k0, k1, ip, ip.length, a.getPort());
    }

    /** The channel hands a repeating sender the same InetAddress object: reuse its bytes (getAddress() clones). */
    private byte[] addressBytes(final InetAddress address) {
        if (address != lastAddress) {
            lastAddress = address;
            lastAddressBytes = address.getAddress();
        }
        return lastAddressBytes;
    }
}
