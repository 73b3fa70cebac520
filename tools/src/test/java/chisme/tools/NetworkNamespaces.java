package chisme.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Network namespaces for a test: one "hub" namespace holding a bridge, and {@code n} node namespaces each
 * joined to the bridge by a veth pair (one Ethernet segment, as the radios of neighbouring routers are).
 * Names carry a random tag so parallel runs never meet; {@link #close()} deletes every namespace it made
 * (which also removes the veths). Needs root and iproute2: {@link #unavailableReason()} says why not.
 */
final class NetworkNamespaces implements AutoCloseable {
    private static final long COMMAND_TIMEOUT_MS = 10_000;
    private final String tag = "chd" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
    private final List<String> made = new ArrayList<>();
    private final int count;

    /** Makes the hub and {@code count} node namespaces; node i (1-based) has eth0 with 10.77.0.i/24. */
    NetworkNamespaces(final int count) throws IOException, InterruptedException {
        this.count = count;
        try {
            final String hub = tag + "h";
            add(hub);
            ip("-n", hub, "link", "add", "br0", "type", "bridge", "mcast_snooping", "0");
            ip("-n", hub, "link", "set", "br0", "up");
            for (int i = 1; i <= count; i++) {
                final String ns = name(i);
                add(ns);
                final String inside = tag + "a" + i;
                final String outside = tag + "b" + i;
                ip("link", "add", inside, "type", "veth", "peer", "name", outside);
                ip("link", "set", outside, "netns", hub);
                ip("link", "set", inside, "netns", ns);
                ip("-n", ns, "link", "set", inside, "name", "eth0");
                ip("-n", ns, "addr", "add", address(i) + "/24", "dev", "eth0");
                ip("-n", ns, "link", "set", "eth0", "up");
                ip("-n", hub, "link", "set", outside, "master", "br0");
                ip("-n", hub, "link", "set", outside, "up");
            }
        } catch (final IOException | InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Null when namespaces can be made here, else the reason (for a JUnit assumption). */
    static String unavailableReason() {
        if (!"Linux".equals(System.getProperty("os.name"))) {
            return "network namespaces need Linux";
        }
        if (ipBinary() == null) {
            return "no iproute2 'ip' command";
        }
        try {
            final String uid = Files.readString(Path.of("/proc/self/status"), StandardCharsets.US_ASCII)
                .lines().filter(l -> l.startsWith("Uid:")).findFirst().orElse("Uid: -1").split("\\s+")[1];
            if (!"0".equals(uid)) {
                return "not root (uid " + uid + "): cannot create network namespaces";
            }
        } catch (final IOException e) {
            return "cannot read /proc/self/status";
        }
        final String probe = "chdprobe" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
        try {
            run(List.of(ipBinary(), "netns", "add", probe));
            run(List.of(ipBinary(), "netns", "del", probe));
            return null;
        } catch (final IOException | InterruptedException e) {
            return "cannot create a network namespace: " + e.getMessage();
        }
    }

    String name(final int i) {
        return tag + i;
    }

    static String address(final int i) {
        return "10.77.0." + i;
    }

    /** The command prefix that runs a program inside namespace {@code i}. */
    List<String> exec(final int i) {
        return List.of(ipBinary(), "netns", "exec", name(i));
    }

    private void add(final String ns) throws IOException, InterruptedException {
        ip("netns", "add", ns);
        made.add(ns);
        ip("-n", ns, "link", "set", "lo", "up");
    }

    private static void ip(final String... args) throws IOException, InterruptedException {
        final List<String> cmd = new ArrayList<>(List.of(ipBinary()));
        cmd.addAll(List.of(args));
        run(cmd);
    }

    private static void run(final List<String> cmd) throws IOException, InterruptedException {
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(COMMAND_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + ": no answer in " + COMMAND_TIMEOUT_MS + " ms");
        }
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + ": exit " + p.exitValue() + " " + out);
        }
    }

    private static String ipBinary() {
        for (final String p : List.of("/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip")) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        return null;
    }

    /** Deletes every namespace made (veths and the bridge go with them). */
    @Override
    public void close() {
        for (int i = made.size() - 1; i >= 0; i--) {
            try {
                run(List.of(ipBinary(), "netns", "del", made.get(i)));
            } catch (final IOException | InterruptedException e) {
                // best effort: report nothing, the next namespace is still removed
            }
        }
        made.clear();
    }

    int count() {
        return count;
    }
}
