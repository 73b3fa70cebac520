package chisme.bench.wire;

import chisme.wire.DecodeReason;
import chisme.wire.MessageDecoder;
import chisme.wire.NodesFlyweight;
import chisme.wire.WireLimits;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Companion to {@link NodesCodecBenchmark} for a shared, loaded machine: the same NODES(20) decode and
 * encode work, timed by this thread's CPU time as well as wall time, so time spent waiting for a core
 * taken by other processes is not counted. Prints the best and median of 10 rounds of 1,000,000 ops.
 * <pre>
 *   java -cp bench/target/benchmarks.jar chisme.bench.wire.NodesCpuTime
 * </pre>
 */
public final class NodesCpuTime {
    private static final int CONTACTS = 20;
    private static final int ROUNDS = 10;
    private static final int OPS = 1_000_000;

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[WireLimits.MAX_DATAGRAM]);
    private final UnsafeBuffer encodeBuffer = new UnsafeBuffer(new byte[WireLimits.MAX_DATAGRAM]);
    private final NodesFlyweight decoder = new NodesFlyweight();
    private final NodesFlyweight encoder = new NodesFlyweight();
    private final long[] idHi = new long[CONTACTS];
    private final long[] idMid = new long[CONTACTS];
    private final int[] idLo = new int[CONTACTS];
    private final byte[][] addresses = new byte[CONTACTS][];
    private final int[] ports = new int[CONTACTS];
    private final byte[] address = new byte[16];
    private final int length;
    private long transactionId;

    private NodesCpuTime() {
        final SplittableRandom random = new SplittableRandom(20);
        for (int i = 0; i < CONTACTS; i++) {
            idHi[i] = random.nextLong();
            idMid[i] = random.nextLong();
            idLo[i] = random.nextInt();
            addresses[i] = new byte[] {127, 0, (byte) random.nextInt(256), (byte) random.nextInt(256)};
            ports[i] = 1024 + random.nextInt(60000);
        }
        length = encode();
        buffer.putBytes(0, encodeBuffer, 0, length);
    }

    private int encode() {
        final NodesFlyweight n = encoder.wrap(encodeBuffer, 0).header(0, ++transactionId, 1L, 2L, 3);
        final int len = n.encode(0x5EED_70C3L, CONTACTS, 0);
        for (int i = 0; i < CONTACTS; i++) {
            n.putContact(i, idHi[i], idMid[i], idLo[i], addresses[i], ports[i]);
        }
        return len;
    }

    private long decode() {
        if (MessageDecoder.validate(buffer, 0, length) != DecodeReason.OK) {
            throw new IllegalStateException("frame must validate");
        }
        final NodesFlyweight n = decoder.wrap(buffer, 0);
        long sum = n.transactionId() + n.token();
        for (int i = 0, count = n.count(); i < count; i++) {
            sum += n.contactIdHi(i) ^ n.contactIdMid(i) ^ n.contactIdLo(i);
            sum += n.contactAddress(i, address) + address[3] + n.contactPort(i);
        }
        return sum;
    }

    private void run(final String name, final boolean decode, final ThreadMXBean threads) {
        final double[] cpu = new double[ROUNDS];
        final double[] wall = new double[ROUNDS];
        long sink = 0;
        for (int r = -3; r < ROUNDS; r++) { // 3 warm-up rounds
            final long c0 = threads.getCurrentThreadCpuTime();
            final long w0 = System.nanoTime();
            for (int k = 0; k < OPS; k++) {
                sink += decode ? decode() : encode();
            }
            if (r >= 0) {
                cpu[r] = (threads.getCurrentThreadCpuTime() - c0) / (double) OPS;
                wall[r] = (System.nanoTime() - w0) / (double) OPS;
            }
        }
        Arrays.sort(cpu);
        Arrays.sort(wall);
        System.out.printf("%s: cpu best %.1f median %.1f ns/op; wall best %.1f median %.1f ns/op (sink %d)%n",
            name, cpu[0], cpu[ROUNDS / 2], wall[0], wall[ROUNDS / 2], sink & 1);
    }

    public static void main(final String[] args) {
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final NodesCpuTime bench = new NodesCpuTime();
        bench.run("NODES(20) validate+decode", true, threads);
        bench.run("NODES(20) encode", false, threads);
    }
}
