package chisme.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Shared-state rules that only show between nodes, on separate {@code chisme node} processes started the way
 * a user starts them (the real main class, the router JVM profile, the default persistent store), each on its
 * own 127.x.y.z address and gossiping only with the static neighbours of a chain, driven through the CLI:
 * <ul>
 *   <li>a short-lived book reaches every node of a 5-node chain, is gone from every node within its TTL plus
 *       a stated bound, stays gone, and every node's hook ran for its arrival and its expiry (the session-5
 *       fix: TTL rounded down on the wire and no book sent with under a second left, so a relayed copy never
 *       outlives its source; before it, two neighbours could pass a nearly expired book back and forth
 *       forever);</li>
 *   <li>the node-wide {@code writers} key: under {@code writers = open} (set in the config file, as the
 *       OpenWrt package does) a second author's later write of a key wins on every node; under
 *       {@code writers = author} the second author's insert is refused whole with the documented one-line
 *       error (exit 4) and the first author's book stays on every node (docs/security.md).</li>
 * </ul>
 * Multicast discovery is off and gossip is static ({@code --discovery static}): the chain stays a chain and
 * nothing leaves loopback. Waits are generous bounds for a loaded machine; the figures are printed.
 */
class SharedStateProcessTest {
    /** Bound on JVM start: several JVMs opening Chronicle maps at once on 2 busy cores. */
    private static final long READY_MS = 90_000;
    private static final long SPREAD_MS = 30_000;
    private static final int CHAIN = 5;
    /**
     * Each of the 4 hops may take up to a second off the book (whole seconds, rounded down) and a book with
     * under a second left is not sent: 10 s leaves the far end a copy even when spreading takes 5 s at load
     * (about 3 s on a quiet machine).
     */
    private static final long TTL_S = 10;
    /**
     * How long after its TTL the last copy may still be seen: the expiry check runs every second
     * (SharedStateConfig#expiryCheckMs), plus CLI polling of 5 nodes on a loaded machine. Without the TTL fix
     * the book was never gone (SharedStateSimulationTest: still alive after 100 TTLs).
     */
    private static final long EXPIRY_SLACK_MS = 5_000;
    /** How long an expired book must stay gone: several anti-entropy rounds of every neighbour pair. */
    private static final long STAYS_GONE_MS = 5_000;
    private static final String LEASE = "{\"lease-1\":{\"ip\":\"10.13.0.7\"}}";

    @TempDir
    Path tmp;

    private final int octet = 64 + new SplittableRandom().nextInt(180);
    private final List<DaemonProcess> started = new ArrayList<>();

    @Test
    void aShortLivedBookReachesEveryNodeOfAChainThenExpiresEverywhereAndStaysGone() throws Exception {
        final List<DaemonProcess> chain = new ArrayList<>();
        for (int i = 0; i < CHAIN; i++) {
            final Path hooks = hookRecordingTo(tmp.resolve("hooks-" + i), "lease", tmp.resolve("hook-" + i + ".log"));
            chain.add(node("ttl", 4, i, List.of("--hooks", "data:" + hooks, "--shelf", "lease.ttl-s=" + TTL_S,
                "--shelf", "lease.sync-interval-s=1")));
        }
        try {
            startChain(chain);
            final long insertNs = System.nanoTime();
            insert(chain.getFirst(), "lease", LEASE, 0);
            final long[] seenMs = new long[CHAIN];
            Arrays.fill(seenMs, -1);
            DaemonProcess.eventually("the book on every node of the chain", TTL_S * 1_000, () -> {
                for (int i = 0; i < CHAIN; i++) {
                    if (seenMs[i] < 0 && (shelf(chain.get(i), "lease").equals(LEASE) || hookLines(i).contains(LEASE))) {
                        seenMs[i] = elapsedMs(insertNs);
                    }
                }
                return Arrays.stream(seenMs).allMatch(ms -> ms >= 0);
            });
            final long budgetMs = TTL_S * 1_000 + EXPIRY_SLACK_MS;
            DaemonProcess.eventually("the book gone from every node within TTL " + TTL_S + " s + " + EXPIRY_SLACK_MS + " ms",
                budgetMs - elapsedMs(insertNs), () -> chain.stream().allMatch(d -> shelf(d, "lease").equals("{}")));
            final long goneMs = elapsedMs(insertNs);
            final long checkUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STAYS_GONE_MS);
            while (System.nanoTime() < checkUntil) {
                for (final DaemonProcess d : chain) {
                    assertEquals("{}", shelf(d, "lease"), "the expired book came back on " + d.address());
                }
                Thread.sleep(250);
            }
            for (int i = 0; i < CHAIN; i++) {
                final int node = i;
                // Hooks run on their own threads after a change: give the last run time to land.
                DaemonProcess.eventually("hook of " + chain.get(i).address() + " ran for the book and then for its expiry", SPREAD_MS,
                    () -> {
                        final List<String> lines = hookLines(node);
                        final int arrived = lines.indexOf(LEASE);
                        return arrived >= 0 && lines.subList(arrived, lines.size()).contains("{}") && lines.getLast().equals("{}");
                    });
                assertTrue(counter(chain.get(i), "shelf_books_expired") >= 1, chain.get(i).address() + " counted no expiry");
            }
            System.out.printf("shared-state process chain of %d: a %d s book first seen on the nodes %s ms after the insert, gone"
                + " from every node %d ms after it (bound %d ms), still gone %d ms later; hooks ran for both on every node%n",
                CHAIN, TTL_S, Arrays.toString(seenMs), goneMs, budgetMs, STAYS_GONE_MS);
        } finally {
            stopAll();
        }
    }

    @Test
    void theNodeWideWritersKeyDecidesWhetherASecondAuthorsWriteWinsEverywhereOrIsRefused() throws Exception {
        final Path openConf = tmp.resolve("open.conf");
        Files.writeString(openConf, "writers = open\nsync-interval-s = 1\n");
        final List<DaemonProcess> open = new ArrayList<>();
        final List<DaemonProcess> author = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            open.add(node("open", 6, i, List.of("--config", openConf.toString())));
            author.add(node("author", 7, i, List.of("--writers", "author", "--sync-interval-s", "1")));
        }
        try {
            final List<DaemonProcess> all = new ArrayList<>(open);
            all.addAll(author);
            startChain(open);
            startChain(author);
            final String fromA = "{\"10.13.0.9\":{\"name\":\"from-a\"}}";
            final String fromB = "{\"10.13.0.9\":{\"name\":\"from-b\"}}";
            for (final List<DaemonProcess> mesh : List.of(open, author)) {
                insert(mesh.getFirst(), "hosts", fromA, 0);
                awaitShelfEverywhere(mesh, "hosts", fromA);
            }

            // writers = open: the later write of the other end wins on every node and stays.
            insert(open.getLast(), "hosts", fromB, 0);
            awaitShelfEverywhere(open, "hosts", fromB);

            // writers = author: the key is A's; B's insert is refused before anything is written, also when
            // it carries a key of B's own (all or nothing). A key of B's own alone is B's to write.
            final String aKey = statusField(author.getFirst(), "bookSigningKey");
            final CliRunner.Result refused = insert(author.getLast(), "hosts",
                "{\"10.13.0.9\":{\"name\":\"from-b\"},\"10.13.0.10\":{\"name\":\"only-b\"}}", ExitCode.FAILED);
            assertEquals("chisme: book '10.13.0.9' of shelf hosts belongs to key " + aKey + " (writers author); nothing written\n",
                refused.err(), refused.toString());
            insert(author.getLast(), "hosts", "{\"10.13.0.11\":{\"name\":\"own-b\"}}", 0);
            final String both = "{\"10.13.0.11\":{\"name\":\"own-b\"},\"10.13.0.9\":{\"name\":\"from-a\"}}";
            awaitShelfEverywhere(author, "hosts", both);

            // Several anti-entropy rounds later nothing has flipped back or over.
            Thread.sleep(STAYS_GONE_MS);
            for (final DaemonProcess d : open) {
                assertEquals(fromB, shelf(d, "hosts"), "writers = open on " + d.address());
            }
            for (final DaemonProcess d : author) {
                assertEquals(both, shelf(d, "hosts"), "writers = author on " + d.address());
                assertEquals(0, counter(d, "shelf_drop_not_author"), "no node was sent B's version of A's key: " + d.address());
            }
            System.out.printf("shared-state process writers: open -> the second author's write on all %d nodes; author -> refused"
                + " whole (exit %d), the first author's book on all %d nodes%n", open.size(), refused.code(), author.size());
            for (final DaemonProcess d : all) {
                assertEquals(0, d.terminate(20_000), d.logText());
            }
        } finally {
            stopAll();
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Node {@code i} of a chain: its own folder and address 127.OCTET.SUBNET.(i+1), neighbours i-1 and i+1 only. */
    private DaemonProcess node(final String group, final int subnet, final int i, final List<String> extra) throws Exception {
        final List<String> args = new ArrayList<>(List.of("--link-discovery", "off", "--discovery", "static"));
        args.addAll(extra);
        final DaemonProcess d = new DaemonProcess(tmp.resolve(group + "-" + i), "127." + octet + "." + subnet + "." + (i + 1), port(), args)
            .routerProfile();
        started.add(d);
        return d;
    }

    private int port;

    /** One port for every node (each has its own address), free on 127.0.0.1 when first asked. */
    private int port() throws IOException {
        if (port == 0) {
            port = DaemonProcess.freePort();
        }
        return port;
    }

    /** Links each node to its chain neighbours, starts them all at once and waits until each answers. */
    private static void startChain(final List<DaemonProcess> chain) throws Exception {
        for (int i = 0; i < chain.size(); i++) {
            for (final int j : new int[]{i - 1, i + 1}) {
                if (j >= 0 && j < chain.size()) {
                    chain.get(i).args.addAll(List.of("--neighbour", chain.get(j).address()));
                }
            }
        }
        final long launchNs = System.nanoTime();
        for (final DaemonProcess d : chain) {
            d.start();
        }
        for (final DaemonProcess d : chain) {
            d.awaitReady(Math.max(1, READY_MS - elapsedMs(launchNs)));
        }
    }

    private void stopAll() {
        for (final DaemonProcess d : started) {
            d.close();
        }
    }

    /** A hooks directory whose one hook of {@code shelf} appends each run's stdin as one line to {@code log}. */
    private static Path hookRecordingTo(final Path hooks, final String shelf, final Path log) throws IOException {
        final Path hook = Files.createDirectories(hooks.resolve(shelf)).resolve("record");
        Files.writeString(hook, "#!/bin/sh\n{ tr -d '\\n'; echo; } >> '" + log + "'\n");
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
        return hooks;
    }

    /** The shelf as each run of node {@code i}'s hook saw it, oldest first. */
    private List<String> hookLines(final int i) {
        final Path log = tmp.resolve("hook-" + i + ".log");
        try {
            return Files.exists(log) ? Files.readAllLines(log) : List.of();
        } catch (final IOException e) {
            return List.of();
        }
    }

    private static CliRunner.Result insert(final DaemonProcess d, final String shelf, final String json, final int expectedExit) {
        final CliRunner.Result r = CliRunner.runWithStdin(json, "shelf", "insert", shelf, "--data", d.dataDir.toString());
        assertEquals(expectedExit, r.code(), "insert on " + d.address() + ": " + r);
        return r;
    }

    private static void awaitShelfEverywhere(final List<DaemonProcess> nodes, final String shelf, final String expected)
        throws InterruptedException {
        for (final DaemonProcess d : nodes) {
            DaemonProcess.eventually(shelf + " = " + expected + " on " + d.address(), SPREAD_MS, () -> shelf(d, shelf).equals(expected));
        }
    }

    private static String shelf(final DaemonProcess d, final String shelf) {
        final CliRunner.Result r = CliRunner.run("shelf", "get", shelf, "--compact", "--data", d.dataDir.toString());
        return r.code() == 0 ? r.out().trim() : "(" + r.err().trim() + ")";
    }

    private static long counter(final DaemonProcess d, final String name) {
        final Object v = json(d, "stats").get(name);
        if (!(v instanceof Number n)) {
            fail("no counter " + name + " in chisme stats of " + d.address());
            return -1;
        }
        return n.longValue();
    }

    private static String statusField(final DaemonProcess d, final String name) {
        return String.valueOf(json(d, "status").get(name));
    }

    private static Map<String, Object> json(final DaemonProcess d, final String command) {
        final CliRunner.Result r = CliRunner.run(command, "--json", "--data", d.dataDir.toString());
        assertEquals(0, r.code(), r.toString());
        return JsonTree.object(r.out().trim());
    }

    private static long elapsedMs(final long startNs) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
    }
}
