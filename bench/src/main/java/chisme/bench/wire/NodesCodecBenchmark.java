package chisme.bench.wire;

import chisme.wire.DecodeReason;
import chisme.wire.MessageDecoder;
import chisme.wire.NodesFlyweight;
import chisme.wire.WireLimits;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * NODES with 20 IPv4 contacts (k = 20, the common FIND_NODE answer): encoding from primitives and cached
 * address bytes, and validate + decode reading every contact. Goals: decode &lt;= 150 ns/op, 0 B/op both.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class NodesCodecBenchmark {
    private static final int CONTACTS = 20;

    private final UnsafeBuffer encodeBuffer = new UnsafeBuffer(new byte[WireLimits.MAX_DATAGRAM]);
    private final UnsafeBuffer decodeBuffer = new UnsafeBuffer(new byte[WireLimits.MAX_DATAGRAM]);
    private final NodesFlyweight encoder = new NodesFlyweight();
    private final NodesFlyweight decoder = new NodesFlyweight();
    private final long[] idHi = new long[CONTACTS];
    private final long[] idMid = new long[CONTACTS];
    private final int[] idLo = new int[CONTACTS];
    private final byte[][] addresses = new byte[CONTACTS][];
    private final int[] ports = new int[CONTACTS];
    private final byte[] address = new byte[16];
    private int length;
    private long transactionId;

    @Setup
    public void setup() {
        final SplittableRandom random = new SplittableRandom(20);
        for (int i = 0; i < CONTACTS; i++) {
            idHi[i] = random.nextLong();
            idMid[i] = random.nextLong();
            idLo[i] = random.nextInt();
            addresses[i] = new byte[] {127, 0, (byte) random.nextInt(256), (byte) random.nextInt(256)};
            ports[i] = 1024 + random.nextInt(60000);
        }
        length = encodeInto(encodeBuffer);
        decodeBuffer.putBytes(0, encodeBuffer, 0, length);
    }

    private int encodeInto(final UnsafeBuffer buffer) {
        final NodesFlyweight n = encoder.wrap(buffer, 0).header(0, ++transactionId, 1L, 2L, 3);
        final int len = n.encode(0x5EED_70C3L, CONTACTS, 0);
        for (int i = 0; i < CONTACTS; i++) {
            n.putContact(i, idHi[i], idMid[i], idLo[i], addresses[i], ports[i]);
        }
        return len;
    }

    @Benchmark
    public int encode() {
        return encodeInto(encodeBuffer);
    }

    @Benchmark
    public void decode(final Blackhole bh) {
        if (MessageDecoder.validate(decodeBuffer, 0, length) != DecodeReason.OK) {
            throw new IllegalStateException("benchmark frame must validate");
        }
        final NodesFlyweight n = decoder.wrap(decodeBuffer, 0);
        bh.consume(n.transactionId());
        bh.consume(n.token());
        for (int i = 0, count = n.count(); i < count; i++) {
            bh.consume(n.contactIdHi(i));
            bh.consume(n.contactIdMid(i));
            bh.consume(n.contactIdLo(i));
            bh.consume(n.contactAddress(i, address));
            bh.consume(address);
            bh.consume(n.contactPort(i));
        }
    }
}
