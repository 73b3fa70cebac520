package chisme.bench.wire;

import chisme.wire.Fragmenter;
import chisme.wire.ValueFlyweight;
import chisme.wire.WireLimits;
import org.agrona.DirectBuffer;
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

import java.util.concurrent.TimeUnit;

/** Splitting a VALUE with a 64 KiB value into 1232-byte FRAGMENT datagrams (56 of them). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class FragmenterBenchmark {
    private final UnsafeBuffer message = new UnsafeBuffer(new byte[WireLimits.MAX_MESSAGE]);
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[WireLimits.MAX_DATAGRAM]);
    private int length;
    private Blackhole blackhole;
    private final Fragmenter.Sink sink = this::onDatagram;

    @Setup
    public void setup(final Blackhole bh) {
        blackhole = bh;
        final byte[] value = new byte[WireLimits.MAX_VALUE];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) (i * 31);
        }
        length = new ValueFlyweight().wrap(message, 0).header(0, 1, 1L, 2L, 3).encode(7L, 4L, 5L, 6, 3600, value);
    }

    private void onDatagram(final DirectBuffer buffer, final int offset, final int datagramLength) {
        blackhole.consume(buffer.getByte(offset + datagramLength - 1));
        blackhole.consume(datagramLength);
    }

    @Benchmark
    public int fragment64KiB() {
        return Fragmenter.fragment(message, 0, length, 42, WireLimits.MAX_DATAGRAM, scratch, sink);
    }
}
