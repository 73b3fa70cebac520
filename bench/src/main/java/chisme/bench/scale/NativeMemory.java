package chisme.bench.scale;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Committed native memory by category of a JVM started with {@code -XX:NativeMemoryTracking=summary}, from the
 * output of {@code jcmd PID VM.native_memory summary scale=KB} (the JDK's own accounting: Java Heap, Class =
 * metaspace and class space, Code = code cache, Other = direct ByteBuffers, Thread = stacks ...). Chronicle's
 * mapped files are not in it (the kernel maps them; they show in RSS only as pages touched).
 */
final class NativeMemory {
    private static final Pattern CATEGORY = Pattern.compile("^-\\s+(.+?) \\(reserved=(\\d+)KB, committed=(\\d+)KB");
    private static final Pattern TOTAL = Pattern.compile("^Total: reserved=(\\d+)KB, committed=(\\d+)KB");

    private NativeMemory() {
    }

    /** Category name -> committed KiB (plus "Total") from jcmd's summary text. */
    static Map<String, Long> committedKib(final String jcmdOutput) {
        final Map<String, Long> kib = new LinkedHashMap<>();
        for (final String line : jcmdOutput.lines().map(String::trim).toList()) {
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
            throw new IllegalStateException("no NMT summary from jcmd (child started without -XX:NativeMemoryTracking?): "
                + jcmdOutput.lines().limit(3).toList());
        }
        return kib;
    }
}
