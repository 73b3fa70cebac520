package chisme.bench.wire;

import chisme.wire.BodyDeflater;
import chisme.wire.BodyInflater;
import chisme.wire.BooksFlyweight;
import chisme.wire.DecodeReason;
import chisme.wire.HeaderFlyweight;
import chisme.wire.NodeId;
import chisme.wire.WireLimits;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * DEFLATE of a full BOOKS body (docs/wire.md, flag DEFLATED): ~60,000 bytes of dnsmasq-hosts books, the size
 * at which an anti-entropy reply is cut, at level 1 and at the level shared-state uses (6); and inflating it
 * back with the bounded {@link BodyInflater}. Setup fails unless the round trip gives the same bytes. The
 * figure to read next to the bytes saved (docs/benchmarks.md, gossip): CPU per ~600 books sent.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class BooksDeflateBenchmark {
    private static final int BODY_LIMIT = 60_000;

    @Param({"1", "6"})
    public int level;

    private final UnsafeBuffer plain = new UnsafeBuffer(new byte[WireLimits.MAX_MESSAGE]);
    private final UnsafeBuffer deflated = new UnsafeBuffer(new byte[WireLimits.MAX_MESSAGE]);
    private final UnsafeBuffer inflated = new UnsafeBuffer(new byte[WireLimits.MAX_MESSAGE]);
    private BodyDeflater deflater;
    private final BodyInflater inflater = new BodyInflater();
    private int plainLength;
    private int deflatedLength;

    @Setup(Level.Trial)
    public void setup() {
        deflater = new BodyDeflater(level);
        final BooksFlyweight books = new BooksFlyweight();
        books.wrap(plain, 0);
        int length = books.encode("dnsmasq-hosts".getBytes(StandardCharsets.US_ASCII));
        final byte[] author = "node-7".getBytes(StandardCharsets.UTF_8);
        final NodeId authorId = NodeId.random(new SplittableRandom(7));
        for (int i = 0; ; i++) {
            final byte[] key = ("10.13." + (i >> 8) + "." + (i & 255)).getBytes(StandardCharsets.UTF_8);
            final byte[] data = String.format("{\"host\":\"node-%d\",\"mac\":\"02:00:00:00:%02x:%02x\"}", i, i >> 8 & 255, i & 255)
                .getBytes(StandardCharsets.UTF_8);
            if (length + BooksFlyweight.bookLength(key.length, author.length, data.length) - HeaderFlyweight.LENGTH > BODY_LIMIT) {
                break;
            }
            length = books.appendBook(key, authorId, author, 1_700_000_000_000L << 16 | i, 3_600, 0, data);
        }
        plainLength = length - HeaderFlyweight.LENGTH;
        deflatedLength = deflate();
        if (deflatedLength <= 0 || inflate() != plainLength) {
            throw new IllegalStateException("round trip failed: " + plainLength + " -> " + deflatedLength);
        }
        for (int i = 0; i < plainLength; i++) {
            if (inflated.getByte(i) != plain.getByte(HeaderFlyweight.LENGTH + i)) {
                throw new IllegalStateException("inflated bytes differ at " + i);
            }
        }
        System.out.printf("%nBOOKS body %d bytes -> %d bytes deflated at level %d%n", plainLength, deflatedLength, level);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        deflater.close();
        inflater.close();
    }

    /** Deflates the body; returns the stream length. */
    @Benchmark
    public int deflate() {
        return deflater.deflate(plain, HeaderFlyweight.LENGTH, plainLength, deflated, 0, WireLimits.MAX_MESSAGE);
    }

    /** Inflates the stream with the receiver's bound; returns the inflated length. */
    @Benchmark
    public int inflate() {
        final int reason = inflater.inflate(deflated, 0, deflatedLength, inflated, 0, WireLimits.MAX_MESSAGE - HeaderFlyweight.LENGTH);
        return reason == DecodeReason.OK ? inflater.length() : -reason;
    }
}
