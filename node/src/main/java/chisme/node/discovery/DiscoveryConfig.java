package chisme.node.discovery;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Settings of link discovery (docs/configuration.md "link-discovery*"), validated once by {@link #conclude()}.
 * The limits that are not settings are constants here, sized for a mesh router with a few dozen link
 * neighbours: they bound what a flood of announcements can cost (style.md habit 7).
 */
public final class DiscoveryConfig {
    public static final String DEFAULT_GROUP4 = "239.255.199.1";
    public static final String DEFAULT_GROUP6 = "ff02::c7:1";
    public static final int DEFAULT_PORT = 4199;
    public static final long DEFAULT_INTERVAL_MS = 30_000;

    /** The first announcement goes out this soon after start (plus up to the same again of jitter). */
    public static final long FIRST_DELAY_MS = 500;
    /** Each later round is the interval times 1 +- this. */
    public static final double JITTER = 0.25;
    /** Announcements accepted per second from one source address, and its burst. */
    public static final int SOURCE_PER_SECOND = 2;
    public static final int SOURCE_BURST = 4;
    /** Announcements accepted per second from all sources together, and the burst. */
    public static final int TOTAL_PER_SECOND = 50;
    public static final int TOTAL_BURST = 100;
    /** Endpoints remembered for de-duplication (the oldest is forgotten first). */
    public static final int MAX_REMEMBERED = 512;
    /** Candidates waiting for their verifying PING; more are dropped and counted. */
    public static final int VERIFY_QUEUE = 32;

    private boolean enabled = true;
    private final List<String> interfaces = new ArrayList<>();
    private InetAddress group4 = literal(DEFAULT_GROUP4);
    private InetAddress group6 = literal(DEFAULT_GROUP6);
    private int port = DEFAULT_PORT;
    private long intervalMs = DEFAULT_INTERVAL_MS;

    /** Checks the groups' scopes (announcements must never leave the link); throws IllegalArgumentException. */
    public DiscoveryConfig conclude() {
        if (!(group4 instanceof Inet4Address) || !linkScoped4(group4)) {
            throw new IllegalArgumentException("link-discovery-group4: " + group4.getHostAddress()
                + " is not an IPv4 link-local (224.0.0.0/24) or local-scope (239.255.0.0/16) multicast group");
        }
        if (!(group6 instanceof Inet6Address) || !group6.isMCLinkLocal()) {
            throw new IllegalArgumentException("link-discovery-group6: " + group6.getHostAddress()
                + " is not an IPv6 link-local scope multicast group (ff02::/16)");
        }
        return this;
    }

    /** 224.0.0.0/24 is never forwarded (RFC 5771); 239.255.0.0/16 is the IPv4 Local Scope (RFC 2365 6.1). */
    static boolean linkScoped4(final InetAddress a) {
        final byte[] b = a.getAddress();
        return ((b[0] & 0xFF) == 224 && b[1] == 0 && b[2] == 0) || ((b[0] & 0xFF) == 239 && (b[1] & 0xFF) == 255);
    }

    /** Parses an IP literal (never a DNS lookup); IllegalArgumentException with a one-line reason. */
    public static InetAddress literal(final String text) {
        final String s = text.trim();
        if (s.isEmpty() || !s.matches("[0-9A-Fa-f:.]+")) {
            throw new IllegalArgumentException("'" + s + "' is not an IP address");
        }
        try {
            return InetAddress.getByName(s);
        } catch (final UnknownHostException e) {
            throw new IllegalArgumentException("'" + s + "' is not an IP address");
        }
    }

    /** Validates one interface name as Linux allows them (1..15 bytes, no '/', ':' or spaces). */
    public static String interfaceName(final String text) {
        final String s = text.trim();
        if (!s.matches("[A-Za-z0-9._@-]{1,15}")) {
            throw new IllegalArgumentException("'" + s + "' is not an interface name");
        }
        return s;
    }

    /** The per-endpoint de-duplication window: a live neighbour is re-verified this often. */
    public long dedupWindowMs() {
        return Math.max(10_000, 5 * intervalMs);
    }

    /** A verified link neighbour not verified again for this long is forgotten. */
    public long neighbourExpiryMs() {
        return 2 * dedupWindowMs() + intervalMs;
    }

    public boolean enabled() { return enabled; }
    public DiscoveryConfig enabled(final boolean v) { enabled = v; return this; }
    /** Interfaces named by the user (mutable); empty = chosen automatically (see {@link LinkSelector}). */
    public List<String> interfaces() { return interfaces; }
    public InetAddress group4() { return group4; }
    public DiscoveryConfig group4(final InetAddress v) { group4 = v; return this; }
    public InetAddress group6() { return group6; }
    public DiscoveryConfig group6(final InetAddress v) { group6 = v; return this; }
    public int port() { return port; }
    public DiscoveryConfig port(final int v) { port = v; return this; }
    public long intervalMs() { return intervalMs; }
    public DiscoveryConfig intervalMs(final long v) { intervalMs = v; return this; }
}
