package chisme.node.discovery;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The links discovery runs on, chosen once per round from the host's interfaces, and the two questions
 * the receiver asks about a source address: is it on one of these links, and is it ours.
 * <p>
 * Choice: interfaces named in the config (loopback allowed, as tests use it), else every interface that
 * is up, multicast-capable and not loopback. When the node binds one address (not {@code ::} or
 * {@code 0.0.0.0}) only the interfaces holding it qualify: elsewhere the node cannot be reached at the
 * address an announcement would come from.
 */
public final class Links {
    private final List<Link> links;

    public Links(final List<Link> links) {
        this.links = List.copyOf(links);
    }

    /** The chosen links, in the host's order. */
    public List<Link> all() {
        return links;
    }

    public boolean isEmpty() {
        return links.isEmpty();
    }

    /** Applies the choice rules of the class comment to {@code interfaces}. */
    public static Links select(final List<Link> interfaces, final List<String> named, final InetAddress bind) {
        final List<Link> out = new ArrayList<>();
        for (final Link l : interfaces) {
            final boolean wanted = named.isEmpty() ? l.up() && l.multicast() && !l.loopback() : l.up() && named.contains(l.name());
            if (wanted && !l.addresses().isEmpty() && (bind == null || bind.isAnyLocalAddress() || holds(l, bind))) {
                out.add(l);
            }
        }
        return new Links(out);
    }

    /** The host's interfaces right now (an interface that vanishes while being read is left out). */
    public static List<Link> scan() {
        final List<Link> out = new ArrayList<>();
        try {
            for (final NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                try {
                    out.add(Link.of(nif));
                } catch (final SocketException e) {
                    // gone between listing and reading: not a link this round
                }
            }
        } catch (final SocketException e) {
            return List.of();
        }
        return out;
    }

    private static boolean holds(final Link l, final InetAddress a) {
        for (final Link.Address la : l.addresses()) {
            if (sameAddress(la.address(), a)) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when {@code source} is on one of the links: an IPv6 link-local source must have arrived on one
     * of them (its scope id names the interface); any other source must lie in one of their subnets.
     * Announcements are sent with TTL 1 to link-scoped groups, so a source failing this came from afar
     * (a unicast datagram to the discovery port) and is not a link neighbour.
     */
    public boolean onLink(final InetAddress source) {
        if (source instanceof Inet6Address v6 && v6.isLinkLocalAddress()) {
            for (final Link l : links) {
                if (l.index() == v6.getScopeId()) {
                    return true;
                }
            }
            return false;
        }
        for (final Link l : links) {
            for (final Link.Address a : l.addresses()) {
                if (a.contains(source)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** True when {@code address} is one of the links' own addresses (scope ignored). */
    public boolean isLocal(final InetAddress address) {
        for (final Link l : links) {
            if (holds(l, address)) {
                return true;
            }
        }
        return false;
    }

    private static boolean sameAddress(final InetAddress a, final InetAddress b) {
        return Arrays.equals(a.getAddress(), b.getAddress());
    }

    /** Names, for logs: "eth0, wlan0". */
    public String names() {
        final List<String> n = new ArrayList<>();
        for (final Link l : links) {
            n.add(l.name());
        }
        return String.join(", ", n);
    }
}
