package chisme.tools;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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

    /**
     * The process's own streams, always UTF-8: without a UTF-8 locale (OpenWrt has none; cron, rpcd and
     * CGI run without LANG) the JVM's System.out would print every non-ASCII character as '?'.
     */
    public static CliContext system() {
        return new CliContext(System.in, utf8(FileDescriptor.out), utf8(FileDescriptor.err));
    }

    private static PrintStream utf8(final FileDescriptor fd) {
        return new PrintStream(new FileOutputStream(fd), true, StandardCharsets.UTF_8);
    }
}
