package chisme.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** What a figure was measured on: CPU model, cores, load average, JDK and time (for docs/benchmarks.md). */
public final class Machine {
    private Machine() {
    }

    /** One line: date, CPU model name, available processors, load average, JDK. */
    public static String describe() {
        return String.format("%s, cpu \"%s\" x %d, load average %s, JDK %s %s", Instant.now().truncatedTo(ChronoUnit.SECONDS),
            cpuModel(), Runtime.getRuntime().availableProcessors(), loadAverage(), System.getProperty("java.vendor"),
            Runtime.version());
    }

    /** The 1-minute load average (/proc/loadavg), or "?" when unreadable. */
    public static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (final IOException | RuntimeException e) {
            return "?";
        }
    }

    private static String cpuModel() {
        try {
            for (final String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (final IOException e) {
            // fall through
        }
        return System.getProperty("os.arch");
    }
}
