package chisme.bench.scale;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Figures of another process from /proc (Linux): memory lines of /proc/PID/status and CPU time of /proc/PID/stat. */
final class ProcStats {
    /** USER_HZ: the unit of utime/stime in /proc/PID/stat; 100 on every Linux architecture chisme runs on. */
    private static final int CLOCK_TICKS_PER_SECOND = 100;

    private ProcStats() {
    }

    /** A "Vm...:" line of /proc/PID/status in KiB (VmRSS: resident now, VmHWM: the peak resident so far), -1 if absent. */
    static long statusKib(final long pid, final String field) throws IOException {
        for (final String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    /**
     * CPU time in milliseconds (10 ms resolution): {@code [0]} user + system of the process itself so far, {@code [1]} user +
     * system of the children it has waited for (cutime + cstime; exec keeps them, so for a launcher script that exec'd
     * java this is what the script ran before).
     */
    static long[] cpuMillis(final long pid) throws IOException {
        final String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        // Fields after the command name, which is in parentheses and may hold spaces: state is field 3,
        // utime field 14, stime field 15, cutime 16, cstime 17 (proc(5)).
        final String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        final long own = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        final long children = Long.parseLong(f[13]) + Long.parseLong(f[14]);
        return new long[] {own * 1000 / CLOCK_TICKS_PER_SECOND, children * 1000 / CLOCK_TICKS_PER_SECOND};
    }
}
