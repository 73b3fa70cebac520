package chisme.node.routing;

import java.net.InetAddress;

/**
 * How many contacts one IP address, and one network prefix (an IPv4 /24, an IPv6 /64), may hold in one
 * bucket and in the whole routing table (issue 12: 300 ids from one IP took 98 of 98 slots). This is the
 * IP diversity rule of libp2p's routing table (at most 2 peers of an IP group per bucket, 3 per table)
 * and of BEP 42's motivation (ids per IP are cheap); a refused contact is counted, never added.
 * <p>
 * Addresses of this node's own host are not limited: another node at our own IP is on our machine (tests
 * run many nodes on 127.0.0.1), and a node bound to the wildcard address treats loopback contacts the same
 * way. Loopback addresses have no prefix limit either: all of 127/8 is one host (the simulator gives each
 * node its own 127.x.y.z, so the per-IP limit still applies there).
 *
 * @param perIpPerBucket     contacts of one IP in one bucket (its entries and replacement cache)
 * @param perIp              contacts of one IP in the whole table
 * @param perPrefixPerBucket contacts of one /24 or /64 in one bucket
 * @param perPrefix          contacts of one /24 or /64 in the whole table
 */
public record ContactLimits(int perIpPerBucket, int perIp, int perPrefixPerBucket, int perPrefix) {
    /** No limit (the table before issue 12; unit tests of the update rule). */
    public static final ContactLimits NONE = new ContactLimits(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE,
        Integer.MAX_VALUE);

    public ContactLimits {
        if (perIpPerBucket < 1 || perIp < 1 || perPrefixPerBucket < 1 || perPrefix < 1) {
            throw new IllegalArgumentException("contact limits must be at least 1 (use Integer.MAX_VALUE for none)");
        }
    }

    /** True when {@code a} is this host: {@code self} itself, or loopback while we are bound to the wildcard. */
    public static boolean sameHost(final InetAddress a, final InetAddress self) {
        if (self == null) {
            return false;
        }
        return a.equals(self) || (self.isAnyLocalAddress() && a.isLoopbackAddress());
    }

    /** The /24 of 4 raw address bytes or the /64 of 16 (callers keep the two families apart). */
    static long prefixKey(final byte[] ip) {
        final int n = ip.length == 4 ? 3 : 8;
        long k = 0;
        for (int i = 0; i < n; i++) {
            k = k << 8 | (ip[i] & 0xFFL);
        }
        return k;
    }
}
