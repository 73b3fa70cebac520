package chisme.bench.scale;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * How {@link Footprint} starts one child: the real {@code chisme node} through a launcher, as a user starts it
 * (issue 16, session 7: the CLI, picocli, config parsing and the launcher's own work are in every figure).
 * <ul>
 *   <li>{@code default}, {@code memory}: the repository launcher {@code ./chisme node} with {@code CHISME_PROFILE=server}
 *       (the machine's own ergonomics: G1 here) and {@code CHISME_JAVA_OPTS=-Xmx64m} (--xmx)</li>
 *   <li>{@code router}, {@code router-memory}: {@code ./chisme node} with {@code CHISME_PROFILE=router} sized as on a
 *       router with {@code --router-mem-mib} of memory ({@code CHISME_MEM_KIB}, read by tools/launcher/jvm-profile.sh)</li>
 *   <li>{@code router-jdk}: the same with {@code CHISME_ALL_MODULES=1}: the whole JDK's modules, jdk.compiler included
 *       (./chisme before session 7)</li>
 *   <li>{@code image}, {@code image-memory}: the runtime image's own launcher {@code usr/bin/chisme node} unpacked under
 *       {@code --image} ({@code CHISME_PREFIX}), router profile; it uses the image's AOT cache if it has one</li>
 *   <li>{@code image-aot}: the same for a second image, {@code --image-aot} (one built with {@code CHISME_IMAGE_AOT=1}), so both
 *       are measured in one run</li>
 *   <li>any NAME of {@code --images=NAME=DIR,...}: the same for each of those images</li>
 *   <li>{@code bare}: no chisme: the router profile's JVM running {@link BareNode} (a PING responder): the baseline</li>
 * </ul>
 * "-memory" profiles run the node with {@code --store memory}; the others with the persistent Chronicle stores.
 * Native memory tracking goes in through {@code CHISME_JAVA_OPTS}, which both launchers append last.
 */
record FootprintProfile(String name, List<String> launcher, Map<String, String> env, String store) {
    /** {@link #store()} of the baseline profile: no node, {@link BareNode} instead. */
    static final String BARE = "none";
    private static final String NMT = "-XX:NativeMemoryTracking=summary";

    static FootprintProfile of(final String name, final Args args) throws IOException, InterruptedException {
        final String store = name.endsWith("-memory") || name.equals("memory") ? "memory" : "chronicle";
        final Map<String, String> env = new HashMap<>();
        env.put("CHISME_MEM_KIB", Integer.toString(args.integer("router-mem-mib", 256) * 1024));
        return switch (name) {
            case "default", "memory" -> {
                env.put("CHISME_PROFILE", "server");
                env.put("CHISME_JAVA_OPTS", "-Xmx" + args.string("xmx", "64m"));
                yield new FootprintProfile(name, List.of(Path.of("chisme").toAbsolutePath().toString()), env, store);
            }
            case "router", "router-memory", "router-jdk" -> {
                env.put("CHISME_PROFILE", "router");
                if (name.equals("router-jdk")) {
                    env.put("CHISME_ALL_MODULES", "1");
                }
                yield new FootprintProfile(name, List.of(Path.of("chisme").toAbsolutePath().toString()), env, store);
            }
            case "image", "image-memory", "image-aot" -> {
                env.put("CHISME_PROFILE", "router");
                yield image(name, Path.of(required(args, name.equals("image-aot") ? "image-aot" : "image")), env, store);
            }
            case "bare" -> {
                final List<String> cmd = new ArrayList<>();
                cmd.add(ProcessHandle.current().info().command().orElse("java"));
                cmd.addAll(libraryFlags());
                cmd.addAll(routerOptions(args));
                cmd.add("-cp");
                cmd.add(System.getProperty("java.class.path"));
                cmd.add(BareNode.class.getName());
                yield new FootprintProfile(name, List.copyOf(cmd), Map.of(), BARE);
            }
            default -> {
                final String root = namedImages(args).get(name);
                if (root == null) {
                    throw new IllegalArgumentException("--profiles: default, memory, router, router-memory, router-jdk, image, image-memory,"
                        + " image-aot, bare or a NAME of --images=NAME=DIR,..., got " + name);
                }
                env.put("CHISME_PROFILE", "router");
                yield image(name, Path.of(root), env, store);
            }
        };
    }

    private static FootprintProfile image(final String name, final Path dir, final Map<String, String> env, final String store) {
        final Path root = dir.toAbsolutePath();
        if (!Files.isExecutable(root.resolve("usr/bin/chisme"))) {
            throw new IllegalArgumentException(name + ": " + root + " holds no usr/bin/chisme (the image's stage directory, "
                + "tools/target/image/root)");
        }
        env.put("CHISME_PREFIX", root.toString());
        return new FootprintProfile(name, List.of(root.resolve("usr/bin/chisme").toString()), env, store);
    }

    /** {@code --images=NAME=DIR,...}: more runtime images to compare, each a profile of its own NAME (router profile, Chronicle). */
    private static Map<String, String> namedImages(final Args args) {
        final Map<String, String> out = new HashMap<>();
        for (final String entry : args.string("images", "").split(",")) {
            final int eq = entry.indexOf('=');
            if (eq > 0) {
                out.put(entry.substring(0, eq).trim(), entry.substring(eq + 1).trim());
            }
        }
        return out;
    }

    /** True for the profiles that run a real node (every profile but {@code bare}). */
    boolean node() {
        return !BARE.equals(store);
    }

    /** The child's command line for a node with data directory {@code dir}/data on 127.0.0.1:{@code port}. */
    List<String> command(final Path dir, final int port, final boolean nmt) {
        final List<String> cmd = new ArrayList<>(launcher);
        if (node()) {
            cmd.addAll(List.of("node", "--data", dir.resolve("data").toString(), "--bind", "127.0.0.1", "--port", Integer.toString(port),
                "--store", store));
        } else {
            if (nmt) {
                cmd.add(cmd.size() - 3, NMT); // before -cp CLASSPATH MAIN
            }
            cmd.add(Integer.toString(port));
        }
        return cmd;
    }

    /** The child's environment on top of the harness's: the launcher's knobs; no system config file. */
    void environment(final Map<String, String> target, final Path dir, final boolean nmt) {
        for (final String k : List.of("CHISME_PROFILE", "CHISME_JAVA_OPTS", "CHISME_PREFIX", "CHISME_AOT_CACHE", "CHISME_DATA", "CHISME_ADMIN",
            "CHISME_ALL_MODULES")) {
            target.remove(k);
        }
        target.putAll(env);
        // A node started with no --config reads /etc/chisme/chisme.conf if it exists: not this machine's.
        target.put("CHISME_CONFIG", dir.resolve("no-such.conf").toString());
        if (nmt && node()) {
            target.merge("CHISME_JAVA_OPTS", NMT, (a, b) -> a + " " + b);
        }
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

    /** What the launcher adds on a router with {@code --router-mem-mib} MiB (default 256): for the bare baseline. */
    private static List<String> routerOptions(final Args args) throws IOException, InterruptedException {
        final ProcessBuilder pb = new ProcessBuilder("sh", "tools/launcher/jvm-profile.sh", "router");
        pb.environment().put("CHISME_MEM_KIB", Integer.toString(args.integer("router-mem-mib", 256) * 1024));
        pb.environment().remove("CHISME_AOT_CACHE");
        final Process p = pb.redirectError(ProcessBuilder.Redirect.INHERIT).start();
        final String line = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0 || line.isEmpty()) {
            throw new IllegalStateException("tools/launcher/jvm-profile.sh router failed (run from the repository root)");
        }
        return Arrays.asList(line.split("\\s+"));
    }

    private static String required(final Args args, final String flag) {
        final String v = args.string(flag, "");
        if (v.isEmpty()) {
            throw new IllegalArgumentException("this profile needs --" + flag + "=...");
        }
        return v;
    }
}
