package chisme.node.discovery;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One network interface as discovery sees it: a snapshot of its state and addresses (a record, so the
 * selection rules are testable without real interfaces).
 *
 * @param addresses each address with its prefix length (the link's subnet)
 */
public record Link(String name, int index, boolean up, boolean loopback, boolean multicast, List<Address> addresses) {
    /** An address of the interface and the length of its subnet prefix. */
    public record Address(InetAddress address, int prefixLength) {
        /** True when {@code a} lies in this address's subnet (same family, same first prefixLength bits). */
        public boolean contains(final InetAddress a) {
            final byte[] mine = address.getAddress();
            final byte[] theirs = a.getAddress();
            if (mine.length != theirs.length) {
                return false;
            }
            final int bits = Math.min(prefixLength, mine.length * 8);
            final int whole = bits / 8;
            if (!Arrays.equals(mine, 0, whole, theirs, 0, whole)) {
                return false;
            }
            final int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            final int mask = (0xFF << (8 - rest)) & 0xFF;
            return (mine[whole] & mask) == (theirs[whole] & mask);
        }
    }

    public Link {
        addresses = List.copyOf(addresses);
    }

    /** The interface's first IPv4 address, or null: IPv4 group joins and sends need one. */
    public Inet4Address ipv4() {
        for (final Address a : addresses) {
            if (a.address() instanceof Inet4Address v4) {
                return v4;
            }
        }
        return null;
    }

    /** True when the interface has an IPv6 address (a link-local one suffices for ff02:: groups). */
    public boolean hasIpv6() {
        for (final Address a : addresses) {
            if (a.address() instanceof Inet6Address) {
                return true;
            }
        }
        return false;
    }

    /** Snapshot of a real interface. */
    public static Link of(final NetworkInterface nif) throws SocketException {
        final List<Address> out = new ArrayList<>();
        for (final InterfaceAddress ia : nif.getInterfaceAddresses()) {
            if (ia.getAddress() != null) {
                out.add(new Address(ia.getAddress(), ia.getNetworkPrefixLength()));
            }
        }
        return new Link(nif.getName(), nif.getIndex(), nif.isUp(), nif.isLoopback(), nif.supportsMulticast(), out);
    }
}
