package chisme.node.discovery;

import chisme.node.metrics.EnumCounters;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.MembershipKey;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The sockets of link discovery. One receive channel bound to the discovery port on the wildcard address
 * (IPv6 dual stack, which on Linux may also join the IPv4 group; IPv4 only where IPv6 is missing), member
 * of the groups on every chosen link. Two send channels, IPv4 and IPv6, with TTL / hop limit 1, bound to the
 * node's bind address when it is a single address, so that an announcement's source address is one the
 * node answers at. The node's own UDP socket is never touched: it belongs to the node thread.
 */
final class MulticastChannels implements AutoCloseable {
    private final DiscoveryConfig config;
    private final EnumCounters<DiscoveryCounter> counters;
    private final DatagramChannel receive;
    private final boolean receiveIpv6;
    private final DatagramChannel send4;
    private final DatagramChannel send6;
    private final Map<String, MembershipKey> memberships = new HashMap<>();

    private MulticastChannels(final DiscoveryConfig config, final EnumCounters<DiscoveryCounter> counters, final DatagramChannel receive,
                              final boolean receiveIpv6, final DatagramChannel send4, final DatagramChannel send6) {
        this.config = config;
        this.counters = counters;
        this.receive = receive;
        this.receiveIpv6 = receiveIpv6;
        this.send4 = send4;
        this.send6 = send6;
    }

    /** Opens the channels; IOException with a one-line reason when the discovery port cannot be bound. */
    static MulticastChannels open(final DiscoveryConfig config, final InetAddress bind, final EnumCounters<DiscoveryCounter> counters)
        throws IOException {
        DatagramChannel receive = null;
        DatagramChannel send4 = null;
        DatagramChannel send6 = null;
        try {
            boolean ipv6 = true;
            try {
                receive = receiveChannel(StandardProtocolFamily.INET6, config.port());
            } catch (final IOException | UnsupportedOperationException e) {
                ipv6 = false; // a host without IPv6: IPv4 only
                receive = receiveChannel(StandardProtocolFamily.INET, config.port());
            }
            final boolean wildcard = bind.isAnyLocalAddress();
            // A node bound to 0.0.0.0 or an IPv4 address answers only over IPv4, one bound to an IPv6 address only over IPv6.
            if (bind instanceof Inet4Address || (wildcard && bind instanceof Inet6Address)) {
                send4 = sendChannel(StandardProtocolFamily.INET, wildcard || !(bind instanceof Inet4Address) ? null : bind);
            }
            if (bind instanceof Inet6Address && ipv6) {
                send6 = sendChannel(StandardProtocolFamily.INET6, wildcard ? null : bind);
            }
            return new MulticastChannels(config, counters, receive, ipv6, send4, send6);
        } catch (final IOException | RuntimeException e) {
            closeQuietly(receive);
            closeQuietly(send4);
            closeQuietly(send6);
            throw new IOException("link discovery: cannot open UDP port " + config.port() + ": " + e.getMessage(), e);
        }
    }

    private static DatagramChannel receiveChannel(final ProtocolFamily family, final int port) throws IOException {
        final DatagramChannel c = DatagramChannel.open(family);
        try {
            // Every chisme node on a host listens on the same discovery port; each gets every announcement.
            c.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            c.bind(new InetSocketAddress(port));
            c.configureBlocking(false);
            return c;
        } catch (final IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private static DatagramChannel sendChannel(final ProtocolFamily family, final InetAddress source) throws IOException {
        final DatagramChannel c = DatagramChannel.open(family);
        try {
            // TTL 1: an announcement never crosses a router (the groups are link-scoped anyway).
            c.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 1);
            // Loop on: other nodes on this host (tests, several daemons) hear it; our own copy is dropped by id.
            c.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
            c.bind(source == null ? null : new InetSocketAddress(source, 0));
            return c;
        } catch (final IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    DatagramChannel receiveChannel() {
        return receive;
    }

    /** Reads one datagram into {@code into}; null when none is waiting. */
    SocketAddress receive(final ByteBuffer into) throws IOException {
        return receive.receive(into);
    }

    /** Joins the groups on links new since the last call and leaves those on links now gone. */
    void update(final Links links) {
        final Set<String> wanted = new HashSet<>();
        for (final Link l : links.all()) {
            if (l.ipv4() != null) {
                join(l, config.group4(), l.name() + "/4", wanted);
            }
            if (receiveIpv6 && l.hasIpv6()) {
                join(l, config.group6(), l.name() + "/6", wanted);
            }
        }
        for (final Iterator<Map.Entry<String, MembershipKey>> it = memberships.entrySet().iterator(); it.hasNext(); ) {
            final Map.Entry<String, MembershipKey> e = it.next();
            if (!wanted.contains(e.getKey()) || !e.getValue().isValid()) {
                e.getValue().drop();
                it.remove();
            }
        }
    }

    private void join(final Link l, final InetAddress group, final String key, final Set<String> wanted) {
        final MembershipKey have = memberships.get(key);
        if (have != null && have.isValid()) {
            wanted.add(key);
            return;
        }
        try {
            final NetworkInterface nif = NetworkInterface.getByIndex(l.index());
            if (nif == null) {
                counters.increment(DiscoveryCounter.JOIN_FAILED);
                return;
            }
            memberships.put(key, receive.join(group, nif));
            wanted.add(key);
        } catch (final IOException | RuntimeException e) {
            // e.g. an IPv4 group on a host that cannot join it from an IPv6 socket: that family is not heard there
            counters.increment(DiscoveryCounter.JOIN_FAILED);
        }
    }

    /** Multicasts {@code frame} on {@code link}, once per address family the link and the node have. */
    void send(final Link link, final ByteBuffer frame) {
        final NetworkInterface nif;
        try {
            nif = NetworkInterface.getByIndex(link.index());
        } catch (final IOException e) {
            counters.increment(DiscoveryCounter.SEND_FAILED);
            return;
        }
        if (nif == null) {
            counters.increment(DiscoveryCounter.SEND_FAILED);
            return;
        }
        if (send4 != null && link.ipv4() != null) {
            sendOn(send4, nif, new InetSocketAddress(config.group4(), config.port()), frame);
        }
        if (send6 != null && link.hasIpv6()) {
            final InetSocketAddress to;
            try {
                to = new InetSocketAddress(Inet6Address.getByAddress(null, config.group6().getAddress(), nif), config.port());
            } catch (final IOException e) {
                counters.increment(DiscoveryCounter.SEND_FAILED);
                return;
            }
            sendOn(send6, nif, to, frame);
        }
    }

    private void sendOn(final DatagramChannel channel, final NetworkInterface nif, final InetSocketAddress to, final ByteBuffer frame) {
        try {
            channel.setOption(StandardSocketOptions.IP_MULTICAST_IF, nif);
            final int sent = channel.send(frame.duplicate(), to);
            counters.increment(sent > 0 ? DiscoveryCounter.SENT : DiscoveryCounter.SEND_FAILED);
        } catch (final IOException | RuntimeException e) {
            counters.increment(DiscoveryCounter.SEND_FAILED);
        }
    }

    @Override
    public void close() {
        closeQuietly(receive);
        closeQuietly(send4);
        closeQuietly(send6);
    }

    private static void closeQuietly(final DatagramChannel c) {
        if (c != null) {
            try {
                c.close();
            } catch (final IOException ignored) {
                // nothing to flush on a datagram channel
            }
        }
    }
}
