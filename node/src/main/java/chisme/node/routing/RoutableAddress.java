package chisme.node.routing;

/**
 * Which contact addresses learnt from a peer (a NODES reply) may be used: routable unicast only. Issue 12:
 * a peer answering with 20 fake contacts made a lookup send 20 FIND_VALUEs to an address of its choice,
 * including loopback, multicast, broadcast and 0.0.0.0. Checked on the raw bytes, before anything is
 * allocated for the contact (kademlia.md: drop junk before allocating).
 */
public final class RoutableAddress {
    private RoutableAddress() {
    }

    /**
     * True when {@code ip} (4 or 16 raw bytes) and {@code port} name a unicast destination we may send to.
     * Refused: port 0; unspecified (0.0.0.0/8, ::); multicast (224/4, ff00::/8); 240/4 (reserved, with the
     * broadcast 255.255.255.255); loopback (127/8, ::1) unless the peer that named it is itself on loopback
     * (nodes on one machine, tests). IPv4-mapped IPv6 addresses are judged as the IPv4 address they carry.
     */
    public static boolean routable(final byte[] ip, final int port, final boolean fromLoopback) {
        if (port <= 0 || port > 0xFFFF) {
            return false;
        }
        if (ip.length == 4) {
            return routable4(ip[0] & 0xFF, fromLoopback);
        }
        if (ip.length != 16) {
            return false;
        }
        if ((ip[0] & 0xFF) == 0xFF) {
            return false; // multicast
        }
        boolean zeroHead = true; // the first 10 bytes
        for (int i = 0; i < 10; i++) {
            zeroHead &= ip[i] == 0;
        }
        if (zeroHead && (ip[10] & 0xFF) == 0xFF && (ip[11] & 0xFF) == 0xFF) {
            return routable4(ip[12] & 0xFF, fromLoopback); // ::ffff:a.b.c.d
        }
        if (zeroHead && ip[10] == 0 && ip[11] == 0 && ip[12] == 0 && ip[13] == 0 && ip[14] == 0) {
            final int last = ip[15] & 0xFF;
            if (last == 0) {
                return false; // ::
            }
            if (last == 1) {
                return fromLoopback; // ::1
            }
        }
        return true;
    }

    private static boolean routable4(final int first, final boolean fromLoopback) {
        if (first == 0 || first >= 224) {
            return false; // 0/8 unspecified, 224/4 multicast, 240/4 reserved and broadcast
        }
        return first != 127 || fromLoopback;
    }
}
