package chisme.node.sharedstate;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Parses one neighbour line as LibreMesh's shared-state-get_candidates_neigh prints them:
 * {@code host[%iface][:port]}. IPv6 with a port must be bracketed ({@code [fe80::1%wlan0]:6881});
 * an unbracketed address with several colons is all host ({@code fe80::1%wlan0}).
 */
public final class NeighbourAddress {
    private NeighbourAddress() {
    }

    /** Resolves {@code line}; throws IllegalArgumentException with a one-line reason. */
    public static InetSocketAddress parse(final String line, final int defaultPort) {
        final String s = line.strip();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty neighbour address");
        }
        String host = s;
        int port = defaultPort;
        if (s.startsWith("[")) {
            final int close = s.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("missing ']' in " + ShelfNames.abbreviate(s));
            }
            host = s.substring(1, close);
            final String rest = s.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new IllegalArgumentException("junk after ']' in " + ShelfNames.abbreviate(s));
                }
                port = port(rest.substring(1), s);
            }
        } else {
            final int first = s.indexOf(':');
            if (first >= 0 && first == s.lastIndexOf(':')) {
                host = s.substring(0, first);
                port = port(s.substring(first + 1), s);
            }
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("no host in " + ShelfNames.abbreviate(s));
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (final UnknownHostException | SecurityException e) {
            throw new IllegalArgumentException("unknown host " + ShelfNames.abbreviate(host));
        }
    }

    private static int port(final String p, final String line) {
        try {
            final int v = Integer.parseInt(p);
            if (v < 1 || v > 65_535) {
                throw new NumberFormatException();
            }
            return v;
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException("bad port in " + ShelfNames.abbreviate(line));
        }
    }
}
