package chisme.node.security;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SipHashTest {
    @Test
    void shouldMatchTheReferenceVectors() {
        // vectors.h of the SipHash reference code: key 00..0f, message 00..(n-1); our API takes the last two
        // message bytes as the port (big-endian).
        final long k0 = 0x0706050403020100L;
        final long k1 = 0x0f0e0d0c0b0a0908L;
        final byte[] m = new byte[64];
        for (int i = 0; i < m.length; i++) {
            m[i] = (byte) i;
        }
        assertEquals(0xa129ca6149be45e5L, SipHash.hash(k0, k1, m, 13, 0x0d0e), "15-byte message");
        assertEquals(0x3f2acc7f57c29bdbL, SipHash.hash(k0, k1, m, 14, 0x0e0f), "16-byte message");
        assertEquals(0x93f5f5799a932462L, SipHash.hash(k0, k1, m, 6, 0x0607), "8-byte message");
    }

    @Test
    void shouldDrawDistinctValuesFromChaChaRandom() {
        final ChaChaRandom r = ChaChaRandom.create();
        final Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            seen.add(r.nextLong());
        }
        assertEquals(10_000, seen.size());
    }
}
