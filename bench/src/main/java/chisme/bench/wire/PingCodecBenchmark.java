package chisme.bench.wire;

import chisme.wire.DecodeReason;
import chisme.wire.HeaderFlyweight;
import chisme.wire.MessageDecoder;
import chisme.wire.PingFlyweight;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/** The 32-byte header on its own (a PING): encode, and validate + read every header field. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PingCodecBenchmark {
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
    private final PingFlyweight ping = new PingFlyweight();
    private final HeaderFlyweight header = new HeaderFlyweight();
    private long transactionId;

    @Benchmark
    public int encode() {
        return ping.wrap(buffer, 0).header(0, ++transactionId, 0x0102030405060708L, 0x1112131415161718L, 0x21222324).encode();
    }

    @Benchmark
    public void decode(final Blackhole bh) {
        if (MessageDecoder.validate(buffer, 0, PingFlyweight.LENGTH) != DecodeReason.OK) {
            buffer.putBytes(0, new byte[PingFlyweight.LENGTH]);
            encode();
        }
        header.wrap(buffer, 0);
        bh.consume(header.type());
        bh.consume(header.flags());
        bh.consume(header.transactionId());
        bh.consume(header.senderHi());
        bh.consume(header.senderMid());
        bh.consume(header.senderLo());
    }
}
