package chisme.node.kademlia;

import java.net.InetSocketAddress;
import java.util.random.RandomGenerator;

/**
 * Write tokens (BEP 5): a FIND_* reply carries a 64-bit token bound to the requester's address and port
 * and to a secret that rotates every {@code rotationMs}; a STORE must present a token made with the
 * current or the previous secret, so a token lives between one and two rotation periods and a peer
 * cannot store at a node it never asked from its real address (stops spoofed-source STORE floods).
 * The token is a keyed 64-bit mix (two rounds of the SplitMix/Murmur3 finaliser over secret, IP hash
 * and port), not a cryptographic MAC; allocation-free. Node thread only.
 */
final class TokenIssuer {
    private final RandomGenerator random;
    private final long rotationMs;
    private long current;
    private long previous;
    private long rotatedAtMs;

    TokenIssuer(final RandomGenerator random, final long rotationMs, final long nowMs) {
        this.random = random;
        this.rotationMs = rotationMs;
        this.current = random.nextLong();
        this.previous = random.nextLong();
        this.rotatedAtMs = nowMs;
    }

    long token(final InetSocketAddress requester, final long nowMs) {
        rotate(nowMs);
        return token(current, requester);
    }

    boolean valid(final long token, final InetSocketAddress requester, final long nowMs) {
        rotate(nowMs);
        return token == token(current, requester) || token == token(previous, requester);
    }

    private void rotate(final long nowMs) {
        if (nowMs - rotatedAtMs >= rotationMs) {
            // More than two periods idle: both secrets are stale, draw two fresh ones.
            previous = nowMs - rotatedAtMs >= 2 * rotationMs ? random.nextLong() : current;
            current = random.nextLong();
            rotatedAtMs = nowMs;
        }
    }

    private static long token(final long secret, final InetSocketAddress a) {
        final long ip = a.getAddress().hashCode();
        return mix(secret ^ mix(ip * 0x9E3779B97F4A7C15L + a.getPort() + secret));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
