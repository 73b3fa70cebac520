package chisme.node.rpc;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * The network a source address belongs to, as one long: an IPv4 /24 or an IPv6 /64 (issue 12 item 6;
 * BEP 42 and libp2p use the same groupings). One host or one subnet easily owns many addresses and
 * ports, so fair shares of partial-message slots and request budgets are counted per prefix, not per
 * address. Loopback and link-local sources are keyed by their whole address: LibreMesh neighbours talk
 * over fe80::/64, where every neighbour of a link shares the prefix, and test networks share 127/8.
 * IPv4 costs nothing ({@code hashCode} is the address); IPv6 reads the bytes once per
 * InetAddress object (the channel reuses the object of a repeating sender). Not thread-safe: one per
 * node thread.
 */
public final class SourcePrefix {
    private static final long IPV4_TAG = 1L << 62;
    private static final long WHOLE_ADDRESS_TAG = 1L << 61;
    private static final long IPV6_TAG = 1L << 60;
    private InetAddress lastAddress;
    private long lastKey;

    /** The prefix key of {@code address}: never 0, IPv4 and IPv6 keys never equal. */
    public long of(final InetAddress address) {
        final boolean whole = address.isLoopbackAddress() || address.isLinkLocalAddress();
        if (address instanceof Inet4Address) {
            final long ip = address.hashCode() & 0xFFFF_FFFFL;
            return whole ? IPV4_TAG | WHOLE_ADDRESS_TAG | ip : IPV4_TAG | (ip >>> 8);
        }
        if (address != lastAddress) {
            final byte[] b = address.getAddress();
            long high = 0;
            long low = 0;
            for (int i = 0; i < 8; i++) {
                high = (high << 8) | (b[i] & 0xFF);
                low = (low << 8) | (b[8 + i] & 0xFF);
            }
            // Fold the /64 (or the whole address) into 60 bits and set bit 60 (never 0, tag bits 61-62 clear); a
            // collision only merges two prefixes' budgets. (Setting bit 0 instead merged every pair of /64s that
            // differ in their last bit.)
            final long folded = whole ? high * 0x9E3779B97F4A7C15L ^ low : high;
            lastKey = ((folded ^ (folded >>> 60)) & (IPV6_TAG - 1)) | IPV6_TAG;
            lastAddress = address;
        }
        return lastKey;
    }
}
