package chisme.node.security;

/**
 * SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF", 2012): a keyed 64-bit MAC for
 * short inputs, the PRF the Linux kernel uses against chosen inputs. Used for write tokens over
 * (address, port). Allocation-free; static, thread-safe.
 */
public final class SipHash {
    private SipHash() {
    }

    /** SipHash-2-4 of {@code data[0..length)} followed by the two bytes of {@code port} (big-endian), under key (k0, k1). */
    public static long hash(final long k0, final long k1, final byte[] data, final int length, final int port) {
        long v0 = 0x736f6d6570736575L ^ k0;
        long v1 = 0x646f72616e646f6dL ^ k1;
        long v2 = 0x6c7967656e657261L ^ k0;
        long v3 = 0x7465646279746573L ^ k1;
        final int total = length + 2;
        final int fullWords = total / 8;
        // Words 0..fullWords-1 are message bytes; word fullWords holds the tail and the length byte
        // (paper section 2); after it, finalisation with 0xff and 4 rounds.
        for (int word = 0; ; word++) {
            final boolean finalising = word > fullWords;
            long m = 0;
            if (finalising) {
                v2 ^= 0xff;
            } else {
                final int start = word * 8;
                final int end = Math.min(start + 8, total);
                for (int i = start; i < end; i++) {
                    final int b = i < length ? data[i] & 0xFF : (i == length ? (port >>> 8) & 0xFF : port & 0xFF);
                    m |= ((long) b) << (8 * (i - start));
                }
                if (word == fullWords) {
                    m |= ((long) (total & 0xFF)) << 56;
                }
                v3 ^= m;
            }
            for (int r = finalising ? 4 : 2; r > 0; r--) {
                v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
                v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
                v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
                v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
            }
            if (finalising) {
                return v0 ^ v1 ^ v2 ^ v3;
            }
            v0 ^= m;
        }
    }
}
