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
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Footprint of a real daemon in its own JVM ({@link FootprintNode}), one child per start, for each profile of
 * {@code --profiles} ({@link FootprintProfile}): start-up time from process start to the first answered PING
 * (the harness PINGs every 2 ms), the child's CPU time and peak RSS (VmHWM) at that moment, then VmRSS, heap
 * after a GC and classes loaded idle (2 s and 20 s after the node's ready line), holding N values, and holding
 * N values + N books. Each profile is
 * started {@code --starts} times without native memory tracking (start-up and RSS figures), then once more
 * with {@code -XX:NativeMemoryTracking=summary} for the JVM's own breakdown (heap, metaspace, code cache,
 * direct buffers "Other", thread stacks, GC, CDS/AOT archive); NMT costs some memory itself, so RSS
 * figures come from the runs without it.
 */
final class Footprint {
    private static final String[] NMT_CATEGORIES = {"Java Heap", "Metaspace", "Class", "Code", "Other", "Thread", "GC",
        "Shared class space", "Total"};

    /** State name of the second idle sample, {@link #SETTLED_MS} after the node's ready line. */
    static final String SETTLED = "idle 20 s";
    private static final long SETTLED_MS = 20_000;

    private Footprint() {
    }

    static void run(final Args args) throws Exception {
        final int items = args.integer("items", 10_000);
        final int starts = args.integer("starts", 3);
        final boolean nmt = Boolean.parseBoolean(args.string("nmt", "true"));
        final String[] profiles = args.string("profiles", "default,router,memory,router-memory").split(",");
        final Csv csv = new Csv("profile", "start", "nmt", "state", "startup_to_pong_ms", "start_cpu_ms", "vmhwm_at_pong_kib", "vmrss_kib",
            "heap_used_kib", "heap_committed_kib", "classes", "data_dir_kib", "nmt_heap_kib", "nmt_metaspace_kib", "nmt_class_space_kib",
            "nmt_code_kib", "nmt_direct_kib", "nmt_thread_kib", "nmt_gc_kib", "nmt_cds_kib", "nmt_total_kib");
        final List<FootprintProfile> measured = new ArrayList<>();
        for (final String name : profiles) {
            final FootprintProfile profile = FootprintProfile.of(name.trim(), args);
            measured.add(profile);
            for (int s = 0; s < starts + (nmt ? 1 : 0); s++) {
                measure(csv, profile, s, s == starts, items, s == 0 || s == starts);
            }
        }
        for (final FootprintProfile p : measured) {
            System.out.println("# " + p.name() + ": " + p.java() + " " + String.join(" ", p.options()) + " (store " + p.store() + ")");
        }
        csv.print("footprint of a daemon in its own JVM; values of 200 B, books of ~90 B JSON");
        csv.write(args.results().resolve("footprint.csv"));
        FootprintPlot.draw(csv, args.plots().resolve(FootprintPlot.PNG));
    }

    private static void measure(final Csv csv, final FootprintProfile profile, final int s, final boolean nmt, final int items,
                                final boolean fill) throws Exception {
        final Path dir = Files.createTempDirectory(Path.of("/tmp"), "chfp");
        final int port = freePort();
        final List<String> cmd = new ArrayList<>();
        cmd.add(profile.java());
        cmd.addAll(profile.options());
        if (nmt) {
            cmd.add("-XX:NativeMemoryTracking=summary");
        }
        cmd.add("-cp");
        cmd.add(profile.classpath());
        cmd.add(profile.mainClass());
        cmd.add(dir.toString());
        cmd.add(Integer.toString(port));
        cmd.add(profile.store());
        final long t0 = System.nanoTime();
        final Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            final double startMs = firstPong(port, t0, 120_000);
            final long cpuMs = ProcStats.cpuMillis(p.pid());
            final long hwm = ProcStats.statusKib(p.pid(), "VmHWM");
            final BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
            final PrintWriter in = new PrintWriter(p.getOutputStream(), true);
            final String ready = out.readLine();
            if (ready == null || !ready.startsWith("ready")) {
                throw new IllegalStateException(profile.name() + ": node did not start: " + ready);
            }
            final Start start = new Start(profile.name(), s, nmt, startMs, cpuMs, hwm, p, dir, in, out);
            Thread.sleep(2_000); // idle: let the start-up work (joins, first timers, JIT) settle
            sample(csv, start, "idle");
            // Settled: HotSpot's chunk pool gives the compiler's and class parser's arena chunks back to malloc
            // every 5 s, and the router profile's -XX:TrimNativeHeapInterval=5000 then returns them to the kernel.
            Thread.sleep(SETTLED_MS - 2_000);
            sample(csv, start, SETTLED);
            if (fill && !FootprintProfile.BARE.equals(profile.store())) {
                command(in, out, "values " + items, "values " + items);
                Thread.sleep(1_000);
                sample(csv, start, items + " values");
                command(in, out, "books " + items, "books " + items);
                Thread.sleep(1_000);
                sample(csv, start, items + " values + " + items + " books");
            }
            in.println("quit");
            p.waitFor(30, TimeUnit.SECONDS);
        } finally {
            p.destroyForcibly();
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** What one child start measured at its first answer, and the pipes to drive it. */
    private record Start(String profile, int index, boolean nmt, double startMs, long cpuMs, long hwmKib, Process process, Path dir,
                         PrintWriter in, BufferedReader out) {
    }

    private static void command(final PrintWriter in, final BufferedReader out, final String command, final String expected) throws IOException {
        in.println(command);
        final String reply = out.readLine();
        if (!expected.equals(reply)) {
            throw new IllegalStateException(command + ": " + reply);
        }
    }

    private static void sample(final Csv csv, final Start s, final String state) throws Exception {
        s.in().println("heap");
        final String[] h = s.out().readLine().split(" ");
        final long rss = ProcStats.statusKib(s.process().pid(), "VmRSS");
        final Object[] row = new Object[12 + NMT_CATEGORIES.length];
        int i = 0;
        row[i++] = s.profile();
        row[i++] = s.index();
        row[i++] = s.nmt();
        row[i++] = state;
        row[i++] = s.startMs();
        row[i++] = s.cpuMs();
        row[i++] = s.hwmKib();
        row[i++] = rss;
        row[i++] = Long.parseLong(h[1]) >> 10;
        row[i++] = Long.parseLong(h[2]) >> 10;
        row[i++] = Long.parseLong(h[4]);
        row[i++] = diskKib(s.dir());
        final Map<String, Long> nmt = s.nmt() ? NativeMemory.committedKib(s.process().pid()) : Map.of();
        for (final String category : NMT_CATEGORIES) {
            row[i++] = s.nmt() ? nmt.getOrDefault(category, 0L) : "";
        }
        csv.row(row);
        System.out.printf("%s start %d%s %s: up in %.0f ms (CPU %d ms, VmHWM %d KiB), VmRSS %d KiB, heap used %d KiB, %s classes%n",
            s.profile(), s.index(), s.nmt() ? " (NMT)" : "", state, s.startMs(), s.cpuMs(), s.hwmKib(), rss, Long.parseLong(h[1]) >> 10, h[4]);
    }

    /** Disk blocks the data directory uses (sparse map files count only written pages), KiB. */
    private static long diskKib(final Path dir) throws IOException, InterruptedException {
        final Process du = new ProcessBuilder("du", "-sk", dir.toString()).redirectErrorStream(true).start();
        final String out = new String(du.getInputStream().readAllBytes()).trim();
        du.waitFor(10, TimeUnit.SECONDS);
        return Long.parseLong(out.split("\\s+")[0]);
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
