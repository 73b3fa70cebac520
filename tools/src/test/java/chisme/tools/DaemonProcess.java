package chisme.tools;

import chisme.node.admin.AdminClient;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code chisme node} in a separate process: this JVM's java binary, its JVM flags and class
 * path, main class {@link Chisme}. Output goes to {@code node.log} beside the data directory.
 */
final class DaemonProcess implements AutoCloseable {
    final Path dataDir;
    final Path log;
    final String host;
    final int port;
    final List<String> args;
    /** Words run before java, e.g. {@code ip netns exec NS} (empty: java itself). */
    final List<String> prefix;
    /** Extra JVM flags of the daemon, e.g. {@code -Dchisme.test.faults=true} for the fault hooks. */
    final List<String> jvmArgs = new ArrayList<>();
    /** JVM options of a launcher profile (tools/launcher/jvm-profile.sh), empty for the test JVM's own. */
    private List<String> jvmProfile = List.of();
    Process process;

    DaemonProcess(final Path dataDir, final int port, final List<String> extraArgs) {
        this(dataDir, "127.0.0.1", port, extraArgs);
    }

    /** A node bound to {@code host} (e.g. its own 127.0.x.y, as routers each have their own address). */
    DaemonProcess(final Path dataDir, final String host, final int port, final List<String> extraArgs) {
        this(dataDir, host, port, extraArgs, List.of());
    }

    /** A node bound to {@code host}, run under {@code prefix} (e.g. {@code ip netns exec NS}, in a network namespace). */
    DaemonProcess(final Path dataDir, final String host, final int port, final List<String> extraArgs, final List<String> prefix) {
        this.dataDir = dataDir;
        this.log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
        this.host = host;
        this.port = port;
        this.prefix = List.copyOf(prefix);
        this.args = new ArrayList<>(List.of("node", "--data", dataDir.toString(), "--bind", host, "--port", Integer.toString(port)));
        this.args.addAll(extraArgs);
    }

    /** A UDP port free right now on 127.0.0.1 (the daemon binds it a moment later). */
    static int freePort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * Starts the JVM with the options {@code ./chisme} uses on a router ({@code jvm-profile.sh router}: serial
     * GC, C1 only, small heap and stacks), as the nodes of a community mesh run.
     */
    DaemonProcess routerProfile() throws IOException, InterruptedException {
        final Process p = new ProcessBuilder("sh", Path.of("launcher", "jvm-profile.sh").toString(), "router")
            .redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes()).trim();
        if (p.waitFor() != 0 || out.isEmpty()) {
            throw new IOException("jvm-profile.sh router failed: " + out);
        }
        jvmProfile = List.of(out.split("\\s+"));
        return this;
    }

    /** This JVM's java binary, its JVM flags (no agents) and class path: the start of a chisme command line. */
    static List<String> javaCommand() {
        return javaCommand(List.of());
    }

    /** {@link #javaCommand()} with extra JVM flags before the class path (later flags win: -Xmx, GC). */
    static List<String> javaCommand(final List<String> jvmFlags) {
        final List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // Debuggers and coverage agents of the test JVM must not be inherited.
            if (!a.startsWith("-javaagent") && !a.startsWith("-agentlib") && !a.startsWith("-Xrunjdwp")) {
                cmd.add(a);
            }
        }
        cmd.add("-Xmx128m");
        cmd.addAll(jvmFlags);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path") + File.pathSeparator + System.getProperty("surefire.test.class.path", ""));
        return cmd;
    }

    DaemonProcess start() throws IOException {
        final List<String> flags = new ArrayList<>(jvmProfile);
        flags.addAll(jvmArgs);
        final List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(javaCommand(flags));
        cmd.add(Chisme.class.getName());
        cmd.addAll(args);
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return this;
    }

    /** Waits (bounded) until the admin socket answers; fails with the log when the process dies first. */
    DaemonProcess awaitReady(final long timeoutMs) throws IOException, InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        final Path socket = dataDir.resolve("admin.sock");
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("daemon exited with " + process.exitValue() + ":\n" + logText());
            }
            if (Files.exists(socket) && AdminClient.isListening(socket)) {
                return this;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("daemon not ready after " + timeoutMs + " ms:\n" + logText());
    }

    String logText() {
        try {
            return Files.exists(log) ? Files.readString(log) : "(no log)";
        } catch (final IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    String address() {
        return host + ":" + port;
    }

    /** SIGKILL: no shutdown hook runs (a crash or a power cut). */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** Polls {@code condition} every 100 ms until it holds; fails naming {@code what} after {@code ms}. */
    static void eventually(final String what, final long ms, final java.util.function.BooleanSupplier condition)
        throws InterruptedException {
        final long deadline = System.nanoTime() + ms * 1_000_000;
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not within " + ms + " ms: " + what);
    }

    /** Waits (bounded) for the process to end by itself; its exit status, or -1 when still running. */
    int awaitExit(final long timeoutMs) throws InterruptedException {
        if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
            return -1;
        }
        return process.exitValue();
    }

    /** SIGTERM, then waits (bounded) for the exit status; -1 when it did not exit in time. */
    int terminate(final long timeoutMs) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
            return -1;
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
