package chisme.wire;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hot path must not allocate: validate + decode of NODES(20) and its encoding are measured with the
 * per-thread allocation counter over 100,000 iterations after warm-up. Fails if either allocates one
 * byte per iteration or more (the measurement itself costs a small constant).
 */
class NodesAllocationTest {
    private static final int ITERATIONS = 100_000;
    private static final int CONTACTS = 20;

    private final com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[WireLimits.MAX_DATAGRAM]);
    private final NodesFlyweight nodes = new NodesFlyweight();
    private final byte[] address = new byte[16];
    private final byte[][] addresses = new byte[CONTACTS][];
    private final long[] ids = new long[CONTACTS * 3];

    NodesAllocationTest() {
        for (int i = 0; i < CONTACTS; i++) {
            addresses[i] = new byte[] {127, 0, (byte) (i >> 8), (byte) i};
            ids[3 * i] = 0x1234_5678_9ABC_DEF0L * (i + 1);
            ids[3 * i + 1] = ~ids[3 * i];
            ids[3 * i + 2] = i * 7919;
        }
    }

    private int encode(final long tx) {
        final int len = nodes.wrap(buffer, 0).header(0, tx, 1L, 2L, 3).encode(tx ^ 0x5555, CONTACTS, 0);
        for (int i = 0; i < CONTACTS; i++) {
            nodes.putContact(i, ids[3 * i], ids[3 * i + 1], (int) ids[3 * i + 2], addresses[i], 4000 + i);
        }
        return len;
    }

    private long decode(final int len) {
        if (MessageDecoder.validate(buffer, 0, len) != DecodeReason.OK) {
            return -1;
        }
        nodes.wrap(buffer, 0);
        long sum = nodes.token() + nodes.transactionId();
        for (int i = 0, n = nodes.count(); i < n; i++) {
            sum += nodes.contactIdHi(i) ^ nodes.contactIdMid(i) ^ nodes.contactIdLo(i);
            sum += nodes.contactPort(i) + nodes.contactAddress(i, address) + address[3];
        }
        return sum;
    }

    private long allocatedBytes() {
        return threads.getCurrentThreadAllocatedBytes();
    }

    @Test
    void shouldValidateAndDecodeNodes20WithoutAllocating() {
        assertTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        final int len = encode(1);
        assertEquals(NodesFlyweight.length(CONTACTS, 0), len);
        long sink = 0;
        for (int i = 0; i < 20_000; i++) {
            sink += decode(len);
        }
        final long before = allocatedBytes();
        for (int i = 0; i < ITERATIONS; i++) {
            sink += decode(len);
        }
        final long allocated = allocatedBytes() - before;
        assertTrue(sink != 0);
        assertTrue(allocated < ITERATIONS, "decode allocated " + allocated + " bytes over " + ITERATIONS + " iterations");
    }

    @Test
    void shouldEncodeNodes20WithoutAllocating() {
        long sink = 0;
        for (int i = 0; i < 20_000; i++) {
            sink += encode(i);
        }
        final long before = allocatedBytes();
        for (int i = 0; i < ITERATIONS; i++) {
            sink += encode(i);
        }
        final long allocated = allocatedBytes() - before;
        assertTrue(sink != 0);
        assertTrue(allocated < ITERATIONS, "encode allocated " + allocated + " bytes over " + ITERATIONS + " iterations");
    }

    @Test
    void shouldDetectAllocationWhenDecodingCreatesIds() {
        // Guards the guard: the slow-path accessor allocates a NodeId per contact, and the same
        // measurement must see it.
        final int len = encode(1);
        nodes.wrap(buffer, 0);
        long sink = 0;
        final long before = allocatedBytes();
        for (int i = 0; i < 10_000; i++) {
            sink += nodes.contactIdAsNodeId(i % CONTACTS).hashCode();
        }
        final long allocated = allocatedBytes() - before;
        assertTrue(sink != 0 || len > 0);
        assertTrue(allocated >= 10_000, "expected allocation to be visible, saw " + allocated);
    }
}
