package chisme.tools;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * Standard streams of one CLI run, so tests can run commands in-process with captured output.
 *
 * @param socket admin socket used when a command names none (set by the shell), or null
 */
public record CliContext(InputStream in, PrintStream out, PrintStream err, Path socket) {
    public CliContext(final InputStream in, final PrintStream out, final PrintStream err) {
        this(in, out, err, null);
    }

    /** The process's own streams. */
    public static CliContext system() {
        return new CliContext(System.in, System.out, System.err);
    }
}
