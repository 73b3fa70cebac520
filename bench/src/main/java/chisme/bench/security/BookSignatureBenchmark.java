package chisme.bench.security;

import chisme.node.security.BookSigner;
import chisme.wire.NodeId;
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

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * CPU of book signatures (issue 12 item 2): Ed25519 sign (each local insert) and verify (each remote book
 * that would change what a node holds), for a ~100-byte dnsmasq-hosts book. JDK built-in Ed25519.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class BookSignatureBenchmark {
    private final BookSigner signer = BookSigner.ephemeral();
    private final BookSigner verifier = BookSigner.ephemeral();
    private final NodeId author = NodeId.random(new SplittableRandom(1));
    private final byte[] data = "{\"host\":\"node-17\",\"mac\":\"02:00:00:00:00:11\",\"ip\":\"10.13.0.17\"}".getBytes(StandardCharsets.UTF_8);
    private byte[] block;

    @Setup
    public void setUp() {
        block = signer.sign("dnsmasq-hosts", "10.13.0.17", author, 1L << 40, 3600, false, data);
    }

    @Benchmark
    public byte[] sign() {
        return signer.sign("dnsmasq-hosts", "10.13.0.17", author, 1L << 40, 3600, false, data);
    }

    @Benchmark
    public boolean verify() {
        return verifier.verify("dnsmasq-hosts", "10.13.0.17", author, 1L << 40, false, data, block);
    }
}
