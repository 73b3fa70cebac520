package chisme.wire;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class NodeIdTest {
    @Test
    void shouldHashContentWithSha1() {
        // SHA-1("hola") from any reference implementation.
        assertEquals("99800b85d3383e3a2fb45eb7d0066a4879a9dad0",
            NodeId.sha1("hola".getBytes(StandardCharsets.UTF_8)).toHex());
    }

    @Test
    void shouldRoundTripHexBytesAndBuffer() {
        final SplittableRandom r = new SplittableRandom(7);
        final UnsafeBuffer buf = new UnsafeBuffer(new byte[32]);
        for (int i = 0; i < 1000; i++) {
            final NodeId id = NodeId.random(r);
            assertEquals(id, NodeId.fromHex(id.toHex()));
            assertEquals(id, NodeId.fromBytes(id.toBytes()));
            id.write(buf, 5);
            assertEquals(id, NodeId.read(buf, 5));
        }
    }

    @Test
    void shouldRejectBadHexWithReason() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NodeId.fromHex("abc"));
        assertTrue(e.getMessage().contains("40 hex digits"));
        assertThrows(IllegalArgumentException.class, () -> NodeId.fromHex("z".repeat(40)));
        assertFalse(NodeId.isHex("g".repeat(40)));
        assertTrue(NodeId.isHex("A".repeat(40)));
    }

    @Test
    void shouldCompareDistanceLikeBigIntegerXor() {
        final SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < 5000; i++) {
            final NodeId t = NodeId.random(r);
            final NodeId a = i % 3 == 0 ? new NodeId(t.hi(), r.nextLong(), r.nextInt()) : NodeId.random(r);
            final NodeId b = i % 5 == 0 ? new NodeId(t.hi(), t.mid(), r.nextInt()) : NodeId.random(r);
            final BigInteger da = big(t).xor(big(a));
            final BigInteger db = big(t).xor(big(b));
            assertEquals(Integer.signum(da.compareTo(db)), Integer.signum(t.compareDistance(a, b)));
            final int expected = da.signum() == 0 ? -1 : da.bitLength() - 1;
            assertEquals(expected, t.bucketIndex(a));
        }
    }

    @Test
    void shouldMakeRandomIdsInsideTheRequestedBucket() {
        final SplittableRandom r = new SplittableRandom(3);
        final NodeId self = NodeId.random(r);
        for (int j = 0; j < NodeId.BITS; j++) {
            for (int n = 0; n < 20; n++) {
                assertEquals(j, self.bucketIndex(self.randomInBucket(j, r)));
            }
        }
    }

    private static BigInteger big(final NodeId id) {
        return new BigInteger(1, id.toBytes());
    }
}
