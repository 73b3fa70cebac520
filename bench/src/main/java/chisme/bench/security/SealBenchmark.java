package chisme.bench.security;

import chisme.node.metrics.Counters;
import chisme.node.security.DatagramSealer;
import chisme.node.security.Keyring;
import chisme.node.security.NetworkKey;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;

/**
 * CPU per datagram of the network key (issue 12 item 1): AES-256-GCM seal, seal + open (a round trip's
 * receive side), and the cost of refusing a forgery (tag check fails) or a replay (window only). Sizes:
 * 33 B (a PING), 533 B (a NODES reply of 20 IPv4 contacts), 1,232 B (a full datagram).
 * {@code bench/jmh SealBenchmark -prof gc} adds bytes allocated per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SealBenchmark {
    @Param({"33", "533", "1232"})
    int size;

    private final InetSocketAddress source = new InetSocketAddress("10.0.0.1", 4200);
    private DatagramSealer sender;
    private DatagramSealer receiver;
    private ByteBuffer plain;
    private ByteBuffer sealed;
    private ByteBuffer opened;
    private ByteBuffer forged;
    private ByteBuffer replayed;

    @Setup
    public void setUp() {
        final Keyring ring = new Keyring();
        ring.install(NetworkKey.generate(new SecureRandom()));
        sender = new DatagramSealer(ring, new Counters());
        receiver = new DatagramSealer(ring, new Counters());
        plain = ByteBuffer.allocateDirect(size);
        sealed = ByteBuffer.allocateDirect(size + DatagramSealer.OVERHEAD_BYTES);
        opened = ByteBuffer.allocateDirect(size + 64);
        forged = ByteBuffer.allocateDirect(size + DatagramSealer.OVERHEAD_BYTES);
        sender.seal(plain.clear(), forged);
        forged.flip();
        forged.put(forged.limit() - 1, (byte) (forged.get(forged.limit() - 1) ^ 1));
        replayed = ByteBuffer.allocateDirect(size + DatagramSealer.OVERHEAD_BYTES);
        sender.seal(plain.clear(), replayed);
        replayed.flip();
        receiver.open(replayed.duplicate(), source, opened.clear());
    }

    @Benchmark
    public int seal() {
        sealed.clear();
        return sender.seal(plain.clear(), sealed);
    }

    @Benchmark
    public int sealAndOpen() {
        sealed.clear();
        sender.seal(plain.clear(), sealed);
        return receiver.open(sealed.flip(), source, opened.clear());
    }

    @Benchmark
    public int refuseForgery() {
        return receiver.open(forged.duplicate(), source, opened.clear());
    }

    @Benchmark
    public int refuseReplay() {
        return receiver.open(replayed.duplicate(), source, opened.clear());
    }
}
