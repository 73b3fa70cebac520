package chisme.bench.scale.micro;

import chisme.node.metrics.CounterId;
import chisme.node.metrics.Counters;
import chisme.node.rpc.Reassembler;
import chisme.node.rpc.RpcConfig;
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

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Reassembly of a VALUE with a 64 KiB value from its 56 FRAGMENT datagrams (wire.md, fragmentation) by the
 * node's {@link Reassembler}: bounds checks, copy into the partial message, completion callback. The
 * reassembler allocates one partial (about 66 KB) per message by design (slow path), so the allocation
 * figure is expected to be about the message size.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ReassemblyBenchmark {
    private final InetSocketAddress source = new InetSocketAddress("127.0.0.2", 4000);
    private final Counters counters = new Counters();
    private final Reassembler reassembler = new Reassembler(RpcConfig.DEFAULT, counters);
    private UnsafeBuffer[] fragments;
    private int[] lengths;
    private int messageLength;
    private Blackhole blackhole;
    private int completedLength;
    private final Reassembler.Sink sink = this::onMessage;

    @Setup
    public void setup(final Blackhole bh) {
        blackhole = bh;
        final UnsafeBuffer message = new UnsafeBuffer(new byte[WireLimits.MAX_MESSAGE]);
        final byte[] value = new byte[WireLimits.MAX_VALUE];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) (i * 31);
        }
        messageLength = new ValueFlyweight().wrap(message, 0).header(0, 1, 1L, 2L, 3).encode(7L, 4L, 5L, 6, 3600, value);
        final List<byte[]> out = new ArrayList<>();
        Fragmenter.fragment(message, 0, messageLength, 42, WireLimits.MAX_DATAGRAM, new UnsafeBuffer(new byte[WireLimits.MAX_DATAGRAM]),
            (buffer, offset, length) -> {
                final byte[] copy = new byte[length];
                buffer.getBytes(offset, copy);
                out.add(copy);
            });
        fragments = new UnsafeBuffer[out.size()];
        lengths = new int[out.size()];
        for (int i = 0; i < out.size(); i++) {
            fragments[i] = new UnsafeBuffer(out.get(i));
            lengths[i] = out.get(i).length;
        }
        // The benchmark must measure real completions: check one message comes out whole before timing.
        completedLength = 0;
        reassemble64KiB();
        if (completedLength != messageLength || counters.get(CounterId.MESSAGES_REASSEMBLED) != 1) {
            throw new IllegalStateException("reassembly did not complete: " + completedLength + " of " + messageLength);
        }
    }

    private void onMessage(final DirectBuffer buffer, final int offset, final int length, final InetSocketAddress from) {
        completedLength = length;
        blackhole.consume(buffer.getByte(offset + length - 1));
    }

    /** Feeds all fragments of one 64 KiB VALUE; returns the reassembled length. */
    @Benchmark
    public int reassemble64KiB() {
        for (int i = 0; i < fragments.length; i++) {
            reassembler.onFragment(fragments[i], 0, lengths[i], source, 0L, sink);
        }
        return completedLength;
    }
}
