package chisme.bench.scale;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Committed native memory by category of a JVM started with {@code -XX:NativeMemoryTracking=summary}, read
 * with {@code jcmd PID VM.native_memory summary scale=KB} (the JDK's own accounting: Java Heap, Class =
 * metaspace and class space, Code = code cache, Other = direct ByteBuffers, Thread = stacks ...). Chronicle's
 * mapped files are not in it (the kernel maps them; they show in RSS only as pages touched).
 */
final class NativeMemory {
    private static final Pattern CATEGORY = Pattern.compile("^-\\s+(.+?) \\(reserved=(\\d+)KB, committed=(\\d+)KB");
    private static final Pattern TOTAL = Pattern.compile("^Total: reserved=(\\d+)KB, committed=(\\d+)KB");

    private NativeMemory() {
    }

    /** Category name -> committed KiB (plus "Total"); jcmd is the one beside the harness's own java. */
    static Map<String, Long> committedKib(final long pid) throws IOException, InterruptedException {
        final Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
        final Process p = new ProcessBuilder(java.resolveSibling("jcmd").toString(), Long.toString(pid), "VM.native_memory", "summary",
            "scale=KB").redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + pid + " VM.native_memory failed: " + out.lines().findFirst().orElse(""));
        }
        final Map<String, Long> kib = new LinkedHashMap<>();
        for (final String line : out.lines().map(String::trim).toList()) {
            final Matcher c = CATEGORY.matcher(line);
            if (c.find()) {
                kib.put(c.group(1).trim(), Long.parseLong(c.group(3)));
            }
            final Matcher t = TOTAL.matcher(line);
            if (t.find()) {
                kib.put("Total", Long.parseLong(t.group(2)));
            }
        }
        if (!kib.containsKey("Total")) {
            throw new IllegalStateException("no NMT summary from jcmd " + pid + " (started without -XX:NativeMemoryTracking?): "
                + out.lines().limit(3).toList());
        }
        return kib;
    }
}
