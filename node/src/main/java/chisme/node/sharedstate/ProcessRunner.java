package chisme.node.sharedstate;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs one external executable with stdin bytes and a timeout, capturing (a bounded amount of) its
 * combined output. Blocking: call it from a virtual thread, never from the node thread.
 */
final class ProcessRunner {
    /** Output kept for the event log. */
    static final int MAX_OUTPUT_BYTES = 2_048;

    /** Outcome: exit code, or -1 with timedOut / failed. */
    record Result(int exitCode, boolean timedOut, String output, String failure) {
        boolean ok() {
            return !timedOut && failure == null && exitCode == 0;
        }

        String describe() {
            if (failure != null) {
                return "failed to start: " + failure;
            }
            final String out = output.isBlank() ? "" : " output: " + output.strip().replace('\n', '|');
            return (timedOut ? "killed after timeout" : "exit " + exitCode) + out;
        }
    }

    private ProcessRunner() {
    }

    /** Regular executable files of {@code dir}, sorted by name (run-parts order); empty if none. */
    static List<Path> executables(final Path dir) {
        if (dir == null || !Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> Files.isRegularFile(p) && Files.isExecutable(p)).sorted().toList();
        } catch (final IOException e) {
            return List.of();
        }
    }

    static Result run(final List<String> command, final byte[] stdin, final long timeoutMs, final Map<String, String> env) {
        final Process process;
        try {
            final ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
            pb.environment().putAll(env);
            process = pb.start();
        } catch (final IOException | RuntimeException e) {
            return new Result(-1, false, "", String.valueOf(e.getMessage()));
        }
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final Thread reader = Thread.ofVirtual().start(() -> drain(process.getInputStream(), out));
        final Thread writer = Thread.ofVirtual().start(() -> {
            try (OutputStream in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            } catch (final IOException ignored) {
                // The program may exit without reading its stdin: that is its right.
            }
        });
        boolean finished;
        try {
            finished = process.waitFor(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            finished = false;
        }
        if (!finished) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                process.waitFor(1_000, TimeUnit.MILLISECONDS);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            writer.join(1_000);
            reader.join(1_000);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        final String output;
        synchronized (out) {
            output = out.toString(StandardCharsets.UTF_8);
        }
        return new Result(finished ? process.exitValue() : -1, !finished, output, null);
    }

    private static void drain(final InputStream in, final ByteArrayOutputStream out) {
        final byte[] buf = new byte[1024];
        try (in) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                synchronized (out) {
                    final int keep = Math.min(n, MAX_OUTPUT_BYTES - out.size());
                    if (keep > 0) {
                        out.write(buf, 0, keep);
                    }
                }
            }
        } catch (final IOException ignored) {
            // The process was killed; what was read so far is kept.
        }
    }
}
