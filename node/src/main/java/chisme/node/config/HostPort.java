package chisme.node.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * A {@code HOST:PORT} pair as typed by a user: {@code 10.0.0.1:4200}, {@code router.lan:4200} or
 * {@code [fe80::1%wlan0]:4200} (IPv6 in brackets, RFC 3986 style, so the port is unambiguous).
 */
public record HostPort(String host, int port) {
    public HostPort {
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("empty host");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port " + port + " not in 1..65535");
        }
    }

    /** Parses {@code HOST:PORT}; throws {@link IllegalArgumentException} with a one-line reason. */
    public static HostPort parse(final String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("expected HOST:PORT, got an empty value");
        }
        final String s = text.trim();
        final String host;
        final String portText;
        if (s.startsWith("[")) {
            final int close = s.indexOf(']');
            if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("expected [IPV6]:PORT, got '" + s + "'");
            }
            host = s.substring(1, close);
            portText = s.substring(close + 2);
        } else {
            final int colon = s.lastIndexOf(':');
            if (colon <= 0 || s.indexOf(':') != colon) {
                throw new IllegalArgumentException("expected HOST:PORT (IPv6 as [ADDR]:PORT), got '" + s + "'");
            }
            host = s.substring(0, colon);
            portText = s.substring(colon + 1);
        }
        if (host.isEmpty() || !host.matches("[A-Za-z0-9.:%_-]+")) {
            throw new IllegalArgumentException("bad host in '" + s + "'");
        }
        final int port;
        try {
            port = Integer.parseInt(portText);
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException("bad port in '" + s + "'");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port " + port + " not in 1..65535 in '" + s + "'");
        }
        return new HostPort(host, port);
    }

    /** Resolves the host (a name lookup when it is not a literal address). */
    public InetSocketAddress resolve() throws UnknownHostException {
        return new InetSocketAddress(InetAddress.getByName(host), port);
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
