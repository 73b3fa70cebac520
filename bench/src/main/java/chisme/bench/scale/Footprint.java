package chisme.bench.scale;

import chisme.bench.report.Csv;
import chisme.wire.HeaderFlyweight;
import chisme.wire.MessageType;
import chisme.wire.NodeId;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Footprint of the real {@code chisme node} started the way a user starts it ({@link FootprintProfile}: the repository
 * launcher {@code ./chisme node} or the runtime image's {@code usr/bin/chisme node}), one child per start, for each
 * profile of {@code --profiles}: start-up time from exec to the first answered PING (the harness PINGs every 2 ms),
 * the child's CPU time and peak RSS (VmHWM) at that moment, then VmRSS (and in the NMT start heap after a GC and
 * classes loaded) idle (2 s and 20 s after the first answer), holding N values, and holding N values + N books.
 * Values and books go in through the node's admin socket ({@link FootprintLoad}, the CLI's requests); heap, classes
 * and native memory are read with jcmd ({@link JvmProbe}) in the NMT start only, so nothing of the harness's is in
 * the other starts' RSS. The profiles take turns: each is started {@code --starts} times without native memory
 * tracking (start-up and RSS figures), then once more with {@code -XX:NativeMemoryTracking=summary} for the JVM's
 * own breakdown (heap, metaspace, code cache, direct buffers "Other", thread stacks, GC, CDS/AOT archive); NMT
 * costs some memory itself, so RSS figures come from the runs without it.
 * <p>Start CPU is the node's JVM process's own (utime + stime of the process the launcher exec'd); what the
 * launcher's shell ran before the exec (its sed, jvm-profile.sh) is {@code launcher_cpu_ms} (the process's
 * cutime + cstime, which exec keeps).
 */
final class Footprint {
    private static final String[] NMT_CATEGORIES = {"Java Heap", "Metaspace", "Class", "Code", "Other", "Thread", "GC",
        "Shared class space", "Total"};

    /** State name of the second idle sample, {@link #SETTLED_MS} after the first answer. */
    static final String SETTLED = "idle 20 s";
    private static final long SETTLED_MS = 20_000;

    private Footprint() {
    }

    static void run(final Args args) throws Exception {
        final int items = args.integer("items", 10_000);
        final int starts = args.integer("starts", 3);
        final boolean nmt = Boolean.parseBoolean(args.string("nmt", "true"));
        final String[] profiles = args.string("profiles", "bare,router,router-memory").split(",");
        final Csv csv = new Csv("profile", "start", "nmt", "state", "startup_to_pong_ms", "start_cpu_ms", "launcher_cpu_ms", "vmhwm_at_pong_kib",
            "vmrss_kib", "heap_used_kib", "heap_committed_kib", "classes", "data_dir_kib", "nmt_heap_kib", "nmt_metaspace_kib",
            "nmt_class_space_kib", "nmt_code_kib", "nmt_direct_kib", "nmt_thread_kib", "nmt_gc_kib", "nmt_cds_kib", "nmt_total_kib");
        final List<FootprintProfile> measured = new ArrayList<>();
        for (final String name : profiles) {
            measured.add(FootprintProfile.of(name.trim(), args));
        }
        // Profiles alternate start by start, so a change of the machine's load touches every profile alike.
        for (int s = 0; s < starts + (nmt ? 1 : 0); s++) {
            for (final FootprintProfile profile : measured) {
                measure(csv, profile, s, s == starts, items, s == 0 || s == starts);
            }
        }
        for (final FootprintProfile p : measured) {
            System.out.println("# " + p.name() + ": " + p.env() + " " + String.join(" ", p.launcher()) + (p.node() ? " node ... --store "
                + p.store() : ""));
        }
        csv.print("footprint of chisme node started by its launcher; values of " + FootprintLoad.VALUE_BYTES
            + " B published, books of ~90 B JSON inserted, both through the admin socket");
        csv.write(args.results().resolve("footprint.csv"));
        FootprintPlot.draw(csv, args.plots().resolve(FootprintPlot.PNG));
    }

    private static void measure(final Csv csv, final FootprintProfile profile, final int s, final boolean nmt, final int items,
                                final boolean fill) throws Exception {
        final Path dir = Files.createTempDirectory(Path.of("/tmp"), "chfp");
        final int port = freePort();
        final ProcessBuilder pb = new ProcessBuilder(profile.command(dir, port, nmt))
            .redirectErrorStream(true).redirectOutput(dir.resolve("node.log").toFile());
        profile.environment(pb.environment(), dir, nmt);
        final long t0 = System.nanoTime();
        final Process p = pb.start();
        try {
            final double startMs = firstPong(p, port, t0, 120_000);
            final long[] cpu = ProcStats.cpuMillis(p.pid());
            final long hwm = ProcStats.statusKib(p.pid(), "VmHWM");
            final Start start = new Start(profile.name(), s, nmt, startMs, cpu[0], cpu[1], hwm, p, dir);
            final FootprintLoad load = new FootprintLoad(dir.resolve("data"));
            if (profile.node()) {
                load.awaitAdmin(60_000);
            }
            Thread.sleep(2_000); // idle: let the start-up work (joins, first timers, JIT) settle
            sample(csv, start, "idle");
            // Settled: HotSpot's chunk pool gives the compiler's and class parser's arena chunks back to malloc
            // every 5 s, and the router profile's -XX:TrimNativeHeapInterval=5000 then returns them to the kernel.
            Thread.sleep(SETTLED_MS - 2_000);
            sample(csv, start, SETTLED);
            if (fill && profile.node() && items > 0) {
                expect(items + " values", load.values(items), items);
                Thread.sleep(1_000);
                sample(csv, start, items + " values");
                expect(items + " books", load.books(items), items);
                Thread.sleep(1_000);
                sample(csv, start, items + " values + " + items + " books");
            }
            p.destroy(); // SIGTERM: the node stops cleanly (BareNode simply ends)
            p.getOutputStream().close();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException(profile.name() + ": no exit within 30 s of SIGTERM; log " + dir.resolve("node.log"));
            }
        } catch (final RuntimeException | IOException e) {
            throw new IllegalStateException(profile.name() + " start " + s + ": " + e.getMessage() + "; node log: "
                + (Files.exists(dir.resolve("node.log")) ? Files.readAllLines(dir.resolve("node.log")).stream().limit(20).toList() : "none"), e);
        } finally {
            p.destroyForcibly();
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static void expect(final String what, final int got, final int wanted) {
        if (got != wanted) {
            throw new IllegalStateException(what + ": the node took " + got);
        }
    }

    /** What one child start measured at its first answer. */
    private record Start(String profile, int index, boolean nmt, double startMs, long cpuMs, long launcherCpuMs, long hwmKib, Process process,
                         Path dir) {
    }

    private static void sample(final Csv csv, final Start s, final String state) throws Exception {
        final long rss = ProcStats.statusKib(s.process().pid(), "VmRSS");
        // jcmd only in the NMT start: its attach listener thread and the full GC it asks for stay in the child's RSS
        // (measured: +0.7 MiB idle at 20 s on the image, +2.6 MiB with the AOT cache, whose archived heap and
        // metadata pages the GC touches), so the RSS starts are left alone.
        final JvmProbe.Sample jvm = s.nmt() ? JvmProbe.sample(s.process().pid(), true) : null;
        final Object[] row = new Object[13 + NMT_CATEGORIES.length];
        int i = 0;
        row[i++] = s.profile();
        row[i++] = s.index();
        row[i++] = s.nmt();
        row[i++] = state;
        row[i++] = s.startMs();
        row[i++] = s.cpuMs();
        row[i++] = s.launcherCpuMs();
        row[i++] = s.hwmKib();
        row[i++] = rss;
        row[i++] = jvm == null ? "" : jvm.heapUsedKib();
        row[i++] = jvm == null ? "" : jvm.heapCommittedKib();
        row[i++] = jvm == null ? "" : jvm.classes();
        row[i++] = diskKib(s.dir().resolve("data"));
        for (final String category : NMT_CATEGORIES) {
            row[i++] = jvm == null ? "" : jvm.nmt().getOrDefault(category, 0L);
        }
        csv.row(row);
        System.out.printf("%s start %d%s %s: up in %.0f ms (CPU %d ms + launcher %d ms, VmHWM %d KiB), VmRSS %d KiB%s (load %s)%n",
            s.profile(), s.index(), s.nmt() ? " (NMT)" : "", state, s.startMs(), s.cpuMs(), s.launcherCpuMs(), s.hwmKib(), rss,
            jvm == null ? "" : ", heap used " + jvm.heapUsedKib() + " KiB, " + jvm.classes() + " classes",
            Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    }

    /** Disk blocks the data directory uses (sparse map files count only written pages), KiB. */
    private static long diskKib(final Path dir) throws IOException, InterruptedException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
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

    /** PINGs 127.0.0.1:port every 2 ms until a PONG comes back (or the child ends); milliseconds since {@code t0Ns}. */
    private static double firstPong(final Process child, final int port, final long t0Ns, final long timeoutMs) throws IOException {
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
            while (System.nanoTime() - t0Ns < timeoutMs * 1_000_000 && child.isAlive()) {
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
        throw new IllegalStateException(child.isAlive() ? "no PONG within " + timeoutMs + " ms" : "the child exited: " + child.exitValue());
    }
}
