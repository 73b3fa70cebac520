package chisme.bench.scale;

import chisme.bench.report.Csv;
import chisme.wire.HeaderFlyweight;
import chisme.wire.MessageType;
import chisme.wire.NodeId;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Footprint of a real daemon in its own JVM ({@link FootprintNode}, same JVM flags as this one plus
 * -Xmx): start-up time from process start to the first answered PING (the harness PINGs every 2 ms),
 * VmRSS (/proc/PID/status) and heap after a GC, idle and holding N values and N books.
 * <p>
 * Each JVM profile of {@code --profiles} is measured in turn. "default" is what this machine's ergonomics
 * pick (G1: it has 2 CPUs and 24 GiB). "router" is what the same JVM picks by itself on a router with
 * less than 1,792 MB of RAM (the serial collector: JDK's server-class-machine rule) plus smaller code
 * cache and thread stacks, set explicitly so the figure is reproducible here. "memory" and "router-memory"
 * are the same with the daemon's {@code store = memory} (no Chronicle Map: nothing persists across restarts).
 */
final class Footprint {
    private Footprint() {
    }

    static void run(final Args args) throws Exception {
        final int items = args.integer("items", 10_000);
        final int starts = args.integer("starts", 3);
        final String xmx = args.string("xmx", "64m");
        final String[] profiles = args.string("profiles", "default,router,memory,router-memory").split(",");
        final Csv csv = new Csv("profile", "start", "state", "xmx", "startup_to_pong_ms", "vmrss_kib", "heap_used_kib", "heap_committed_kib",
            "nonheap_used_kib");
        for (final String profile : profiles) {
            final List<String> options = profileOptions(profile.trim());
            for (int s = 0; s < starts; s++) {
                measure(csv, profile.trim(), options, s, items, xmx);
            }
        }
        csv.print("footprint of a daemon in its own JVM, -Xmx" + xmx + "; profile router = " + ROUTER_OPTIONS
            + "; *memory = store memory instead of Chronicle Map");
        csv.write(args.results().resolve("footprint.csv"));
    }

    /** JVM options of the "router" profile (see the class comment). */
    static final List<String> ROUTER_OPTIONS = List.of("-XX:+UseSerialGC", "-XX:ReservedCodeCacheSize=32m", "-Xss512k",
        "-XX:MaxDirectMemorySize=32m");

    private static List<String> profileOptions(final String profile) {
        return switch (profile) {
            case "default", "memory" -> List.of();
            case "router", "router-memory" -> ROUTER_OPTIONS;
            default -> throw new IllegalArgumentException("--profiles: default, router, memory or router-memory, got " + profile);
        };
    }

    private static void measure(final Csv csv, final String profile, final List<String> options, final int s, final int items,
                                final String xmx) throws Exception {
        final Path dir = Files.createTempDirectory(Path.of("/tmp"), "chfp");
        final int port = freePort();
        final List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        for (final String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-Xmx") && !a.startsWith("-agentlib") && !a.startsWith("-javaagent")) {
                cmd.add(a);
            }
        }
        cmd.add("-Xmx" + xmx);
        cmd.addAll(options);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(FootprintNode.class.getName());
        cmd.add(dir.toString());
        cmd.add(Integer.toString(port));
        cmd.add(profile.endsWith("memory") ? "memory" : "chronicle");
        final long t0 = System.nanoTime();
        final Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            final double startMs = firstPong(port, t0, 120_000);
            final BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
            final PrintWriter in = new PrintWriter(p.getOutputStream(), true);
            final String ready = out.readLine();
            if (ready == null || !ready.startsWith("ready")) {
                throw new IllegalStateException("node did not start: " + ready);
            }
            Thread.sleep(2_000); // idle: let the start-up work (joins, first timers, JIT) settle
            sample(csv, profile, s, "idle", xmx, startMs, p, in, out);
            if (s == 0) {
                in.println("fill " + items);
                final String filled = out.readLine();
                if (filled == null || !filled.equals("filled " + items + " " + items)) {
                    throw new IllegalStateException("fill: " + filled);
                }
                Thread.sleep(2_000);
                sample(csv, profile, s, items + " values + " + items + " books", xmx, startMs, p, in, out);
            }
            in.println("quit");
            p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            p.destroyForcibly();
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static void sample(final Csv csv, final String profile, final int start, final String state, final String xmx, final double startMs, final Process p,
                               final PrintWriter in, final BufferedReader out) throws IOException {
        in.println("heap");
        final String[] h = out.readLine().split(" ");
        final long rss = vmRssKib(p.pid());
        csv.row(profile, start, state, xmx, startMs, rss, Long.parseLong(h[1]) >> 10, Long.parseLong(h[2]) >> 10, Long.parseLong(h[3]) >> 10);
        System.out.printf("%s start %d %s: up in %.0f ms, VmRSS %d KiB, heap used %d KiB%n", profile, start, state, startMs, rss,
            Long.parseLong(h[1]) >> 10);
    }

    private static long vmRssKib(final long pid) throws IOException {
        for (final String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    private static int freePort() throws IOException {
        try (DatagramChannel c = DatagramChannel.open()) {
            c.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            return ((InetSocketAddress) c.getLocalAddress()).getPort();
        }
    }

    /** PINGs 127.0.0.1:port every 2 ms until a PONG comes back; milliseconds since {@code t0Ns}. */
    private static double firstPong(final int port, final long t0Ns, final long timeoutMs) throws IOException {
        final InetSocketAddress target = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port);
        try (DatagramChannel c = DatagramChannel.open()) {
            c.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            c.configureBlocking(false);
            final ByteBuffer out = ByteBuffer.allocateDirect(64);
            final ByteBuffer in = ByteBuffer.allocateDirect(2048);
            final UnsafeBuffer req = new UnsafeBuffer(out);
            final HeaderFlyweight h = new HeaderFlyweight().wrap(req, 0);
            final SplittableRandom random = new SplittableRandom(5);
            final NodeId self = NodeId.random(random);
            final UnsafeBuffer reply = new UnsafeBuffer(in);
            final HeaderFlyweight rh = new HeaderFlyweight();
            long nextPingNs = 0;
            while (System.nanoTime() - t0Ns < timeoutMs * 1_000_000) {
                final long now = System.nanoTime();
                if (now >= nextPingNs) {
                    h.encode(MessageType.PING, HeaderFlyweight.FLAG_READ_ONLY, random.nextLong(), self);
                    out.clear().limit(HeaderFlyweight.LENGTH);
                    c.send(out, target);
                    nextPingNs = now + 2_000_000;
                }
                in.clear();
                if (c.receive(in) != null && in.position() >= HeaderFlyweight.LENGTH) {
                    rh.wrap(reply, 0);
                    if (rh.type() == MessageType.PONG) {
                        return (System.nanoTime() - t0Ns) / 1e6;
                    }
                }
                java.util.concurrent.locks.LockSupport.parkNanos(500_000); // do not steal the CPU the starting JVM needs
            }
        }
        throw new IllegalStateException("no PONG within " + timeoutMs + " ms");
    }
}
