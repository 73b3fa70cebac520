package chisme.node.routing;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 12: contact addresses a peer names are used only when they are routable unicast. */
class RoutableAddressTest {
    private static boolean ok(final String ip, final int port, final boolean fromLoopback) {
        try {
            final byte[] raw = InetAddress.getByName(ip).getAddress();
            return RoutableAddress.routable(raw, port, fromLoopback);
        } catch (final UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void unicastIsRoutable() {
        assertTrue(ok("10.13.0.1", 4000, false));
        assertTrue(ok("192.168.1.20", 4000, false));
        assertTrue(ok("fd00::1", 4000, false));
        assertTrue(ok("2001:db8::7", 4000, false));
    }

    @Test
    void junkIsNot() {
        assertFalse(ok("10.13.0.1", 0, false), "port 0");
        assertFalse(ok("0.0.0.0", 4000, false), "unspecified");
        assertFalse(ok("::", 4000, false), "unspecified v6");
        assertFalse(ok("224.0.0.1", 4000, false), "multicast");
        assertFalse(ok("239.255.255.250", 4000, true), "multicast, even on loopback");
        assertFalse(ok("ff02::1", 4000, false), "multicast v6");
        assertFalse(ok("255.255.255.255", 4000, false), "broadcast");
        // InetAddress.getByName turns ::ffff:a.b.c.d into 4 bytes; the 16-byte form is checked too.
        final byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xFF;
        mapped[11] = (byte) 0xFF;
        mapped[12] = (byte) 224;
        mapped[15] = 1;
        assertFalse(RoutableAddress.routable(mapped, 4000, false), "IPv4-mapped multicast");
        mapped[12] = 10;
        assertTrue(RoutableAddress.routable(mapped, 4000, false), "IPv4-mapped unicast");
    }

    @Test
    void loopbackOnlyFromALoopbackPeer() {
        assertFalse(ok("127.0.0.1", 4000, false), "a remote peer cannot point us at our own machine");
        assertFalse(ok("::1", 4000, false));
        assertTrue(ok("127.0.0.1", 4000, true), "nodes on one machine (tests, the simulator)");
        assertTrue(ok("::1", 4000, true));
    }
}
