package chisme.bench.scale;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * How {@link Footprint} starts one child JVM: which java, which options, which class path, which store.
 * <ul>
 *   <li>{@code default}, {@code memory}: this JVM's flags plus {@code -Xmx} (the machine's own ergonomics: G1 here)</li>
 *   <li>{@code router}, {@code router-memory}: plus the launcher's router profile ({@code tools/launcher/jvm-profile.sh
 *       router}) sized as on a router with {@code --router-mem-mib} of memory</li>
 *   <li>{@code router-javac}: the router profile on a copy of the harness jar without the Chronicle class the store
 *       module ships (Chronicle then compiles it with javac at run time, as before issue 16)</li>
 *   <li>{@code image}, {@code image-memory}: the runtime image unpacked under {@code --image} (its jlink java, its
 *       jvm.options, its AOT cache if it was built with one, its class path, then the harness jar), router profile</li>
 *   <li>{@code bare}: the router profile's JVM running {@link BareNode} (a PING responder, no daemon): the baseline</li>
 * </ul>
 * "-memory" profiles run the daemon with {@code store = memory}; the others with the persistent Chronicle stores.
 */
record FootprintProfile(String name, String java, List<String> options, String classpath, String store) {
    /** {@link #store()} of the baseline profile: no daemon, {@link BareNode} instead. */
    static final String BARE = "none";

    /** The child's main class. */
    String mainClass() {
        return BARE.equals(store) ? BareNode.class.getName() : FootprintNode.class.getName();
    }

    static FootprintProfile of(final String name, final Args args) throws IOException, InterruptedException {
        final String self = ProcessHandle.current().info().command().orElse("java");
        final String cp = System.getProperty("java.class.path");
        final String store = name.endsWith("-memory") || name.equals("memory") ? "memory" : "chronicle";
        final List<String> libraryFlags = libraryFlags();
        return switch (name) {
            case "default", "memory" -> new FootprintProfile(name, self, join(libraryFlags, List.of("-Xmx" + args.string("xmx", "64m"))),
                cp, store);
            case "router", "router-memory" -> new FootprintProfile(name, self, join(libraryFlags, routerOptions(args)), cp, store);
            case "bare" -> new FootprintProfile(name, self, join(libraryFlags, routerOptions(args)), cp, BARE);
            case "router-javac" -> new FootprintProfile(name, self, join(libraryFlags, routerOptions(args)), withoutShippedClass(cp), store);
            case "image", "image-memory" -> image(name, Path.of(required(args, "image")), args, cp, store);
            default -> throw new IllegalArgumentException("--profiles: default, memory, router, router-memory, router-javac, image,"
                + " image-memory or bare, got " + name);
        };
    }

    private static FootprintProfile image(final String name, final Path root, final Args args, final String harnessJar,
                                          final String store) throws IOException, InterruptedException {
        final Path lib = root.resolve("usr/lib/chisme");
        final String prefix = lib.toAbsolutePath().toString();
        final List<String> options = new ArrayList<>();
        for (final String o : Files.readString(lib.resolve("jvm.options")).trim().split("\\s+")) {
            options.add(o.replace("/usr/lib/chisme", prefix));
        }
        // An image built with CHISME_IMAGE_AOT=1 has an AOT cache; its launcher then keeps class sharing on.
        final Path aot = lib.resolve("chisme.aot");
        final boolean withAot = Files.isRegularFile(aot);
        if (withAot) {
            options.add("-XX:AOTCache=" + aot.toAbsolutePath());
        }
        options.addAll(routerOptions(args, withAot));
        final String cp = Files.readString(lib.resolve("classpath")).trim().replace("/usr/lib/chisme", prefix);
        return new FootprintProfile(name, lib.resolve("jre/bin/java").toString(), options, cp + ":" + harnessJar, store);
    }

    /** The chisme.jvm.flags this harness runs with (bench/scale passes the parent pom's), without heap, agents or NMT. */
    private static List<String> libraryFlags() {
        final List<String> out = new ArrayList<>();
        for (final String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-Xmx") && !a.startsWith("-agentlib") && !a.startsWith("-javaagent") && !a.startsWith("-XX:NativeMemoryTracking")) {
                out.add(a);
            }
        }
        return out;
    }

    /** What the launcher would add on a router with {@code --router-mem-mib} MiB (default 256). */
    static List<String> routerOptions(final Args args) throws IOException, InterruptedException {
        return routerOptions(args, false);
    }

    /** Same, for a JVM with an AOT cache ({@code CHISME_AOT_CACHE}: the profile then keeps class sharing on). */
    private static List<String> routerOptions(final Args args, final boolean aotCache) throws IOException, InterruptedException {
        final int mib = args.integer("router-mem-mib", 256);
        final ProcessBuilder pb = new ProcessBuilder("sh", "tools/launcher/jvm-profile.sh", "router");
        pb.environment().put("CHISME_MEM_KIB", Integer.toString(mib * 1024));
        pb.environment().remove("CHISME_AOT_CACHE");
        if (aotCache) {
            pb.environment().put("CHISME_AOT_CACHE", "1");
        }
        final Process p = pb.redirectError(ProcessBuilder.Redirect.INHERIT).start();
        final String line = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0 || line.isEmpty()) {
            throw new IllegalStateException("tools/launcher/jvm-profile.sh router failed (run from the repository root)");
        }
        return Arrays.asList(line.split("\\s+"));
    }

    /** The class Chronicle would otherwise generate and compile (store module, issue 16). */
    private static final String SHIPPED_CLASS = "net/openhft/chronicle/hash/VanillaGlobalMutableState$$Native.class";

    /** A temporary copy of the (single) harness jar without {@link #SHIPPED_CLASS}. */
    private static String withoutShippedClass(final String jar) throws IOException {
        if (jar.contains(File.pathSeparator) || !jar.endsWith(".jar")) {
            throw new IllegalArgumentException("router-javac needs the harness on one jar (bench/scale), class path is " + jar);
        }
        final Path copy = Files.createTempFile("chisme-javac-", ".jar");
        copy.toFile().deleteOnExit();
        int dropped = 0;
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(Path.of(jar)));
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(copy))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                if (e.getName().equals(SHIPPED_CLASS)) {
                    dropped++;
                    continue;
                }
                out.putNextEntry(new ZipEntry(e.getName()));
                in.transferTo(out);
                out.closeEntry();
            }
        }
        if (dropped != 1) {
            throw new IllegalStateException(jar + " does not hold " + SHIPPED_CLASS + ": nothing to compare against");
        }
        return copy.toString();
    }

    private static String required(final Args args, final String flag) {
        final String v = args.string(flag, "");
        if (v.isEmpty()) {
            throw new IllegalArgumentException("this profile needs --" + flag + "=...");
        }
        return v;
    }

    private static List<String> join(final List<String> a, final List<String> b) {
        final List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
