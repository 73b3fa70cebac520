package chisme.bench.store;

import chisme.store.DiskSpace;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

/**
 * The free-space check every store write passes (issue 13): its cost next to a tuple put
 * ({@link TupleStoreBenchmark#put}), run in the same JMH invocation so the ratio holds under load.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DiskSpaceBenchmark {
    private DiskSpace disk;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        disk = DiskSpace.of(Files.createTempDirectory("chisme-disk-bench-"), 4L << 20);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        Files.deleteIfExists(disk.dir());
    }

    @Benchmark
    public boolean allowWrite() {
        return disk.allowWrite(276);
    }
}
