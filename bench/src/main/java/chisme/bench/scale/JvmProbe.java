package chisme.bench.scale;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Heap, classes and (with NMT) native memory of another JVM, read from outside with one {@code jcmd PID -f FILE}
 * (the jcmd beside the harness's java): {@code GC.run} (so "heap used" is what survives a full GC),
 * {@code GC.heap_info}, {@code VM.classloader_stats} and, for a child started with
 * {@code -XX:NativeMemoryTracking=summary}, {@code VM.native_memory summary}. The child needs nothing for this but
 * HotSpot's attach listener (no jdk.attach module, no perf data: works on the runtime image with -XX:-UsePerfData);
 * the first call starts the child's "Attach Listener" thread, which stays (its stack is in later RSS samples).
 */
final class JvmProbe {
    /** "DefNew total 2432K, used 536K", "Tenured ...", "garbage-first heap total ..., used ...": every heap space. */
    private static final Pattern HEAP = Pattern.compile("total (\\d+)K, used (\\d+)K");
    /** VM.classloader_stats' last table line: "Total = LOADERS CLASSES CHUNKS BLOCKS". */
    private static final Pattern CLASSES = Pattern.compile("^Total = \\d+\\s+(\\d+)");

    /** What one probe read; {@code nmt} is empty when the child runs without native memory tracking. */
    record Sample(long heapUsedKib, long heapCommittedKib, long classes, Map<String, Long> nmt) {
    }

    private JvmProbe() {
    }

    static Sample sample(final long pid, final boolean nmt) throws IOException, InterruptedException {
        final Path commands = Files.createTempFile("chisme-jcmd-", ".txt");
        try {
            Files.writeString(commands, "GC.run\nGC.heap_info\nVM.classloader_stats\n" + (nmt ? "VM.native_memory summary scale=KB\n" : ""));
            final Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
            final Process p = new ProcessBuilder(java.resolveSibling("jcmd").toString(), Long.toString(pid), "-f", commands.toString())
                .redirectErrorStream(true).start();
            final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("jcmd " + pid + " failed: " + out.lines().limit(3).toList());
            }
            long used = 0;
            long committed = 0;
            long classes = -1;
            for (final String line : out.lines().toList()) {
                final Matcher h = HEAP.matcher(line);
                if (h.find()) {
                    committed += Long.parseLong(h.group(1));
                    used += Long.parseLong(h.group(2));
                }
                final Matcher c = CLASSES.matcher(line.trim());
                if (c.find()) {
                    classes = Long.parseLong(c.group(1));
                }
            }
            if (committed == 0 || classes < 0) {
                throw new IllegalStateException("jcmd " + pid + ": no heap or class figures in " + out.lines().limit(5).toList());
            }
            return new Sample(used, committed, classes, nmt ? NativeMemory.committedKib(out) : Map.of());
        } finally {
            Files.deleteIfExists(commands);
        }
    }
}
