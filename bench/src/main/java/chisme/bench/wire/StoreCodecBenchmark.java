package chisme.bench.wire;

import chisme.wire.DecodeReason;
import chisme.wire.MessageDecoder;
import chisme.wire.StoreFlyweight;
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

/** STORE with a 200-byte value: encode (copying the value in), and validate + decode copying it out. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class StoreCodecBenchmark {
    private static final int VALUE_LENGTH = 200;

    private final UnsafeBuffer encodeBuffer = new UnsafeBuffer(new byte[WireLimits.MAX_DATAGRAM]);
    private final UnsafeBuffer decodeBuffer = new UnsafeBuffer(new byte[WireLimits.MAX_DATAGRAM]);
    private final UnsafeBuffer value = new UnsafeBuffer(new byte[VALUE_LENGTH]);
    private final byte[] valueOut = new byte[WireLimits.MAX_VALUE];
    private final StoreFlyweight encoder = new StoreFlyweight();
    private final StoreFlyweight decoder = new StoreFlyweight();
    private int length;
    private long transactionId;

    @Setup
    public void setup() {
        final byte[] bytes = new byte[VALUE_LENGTH];
        new SplittableRandom(200).nextBytes(bytes);
        value.putBytes(0, bytes);
        length = encode();
        decodeBuffer.putBytes(0, encodeBuffer, 0, length);
    }

    @Benchmark
    public int encode() {
        return encoder.wrap(encodeBuffer, 0).header(0, ++transactionId, 1L, 2L, 3)
            .encode(0xAAL, 0xBBL, 0xCC, 0x70CE7L, 4L, 5L, 6, 3600, value, 0, VALUE_LENGTH);
    }

    @Benchmark
    public void decode(final Blackhole bh) {
        if (MessageDecoder.validate(decodeBuffer, 0, length) != DecodeReason.OK) {
            throw new IllegalStateException("benchmark frame must validate");
        }
        final StoreFlyweight s = decoder.wrap(decodeBuffer, 0);
        bh.consume(s.keyHi());
        bh.consume(s.keyMid());
        bh.consume(s.keyLo());
        bh.consume(s.token());
        bh.consume(s.publisherHi());
        bh.consume(s.publisherMid());
        bh.consume(s.publisherLo());
        bh.consume(s.ttlSeconds());
        bh.consume(s.value(valueOut, 0));
        bh.consume(valueOut);
    }
}
