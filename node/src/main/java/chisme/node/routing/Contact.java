package chisme.node.routing;

import chisme.wire.NodeId;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * A peer known to the routing table: its id, its UDP address and its liveness.
 * <p>
 * Identity (id, address, the raw address bytes) is immutable. The raw address bytes are taken once
 * at construction so that encoding a NODES reply needs no {@code InetAddress.getAddress()} copy per
 * contact; {@link #addressBytes()} returns that cached array, which callers must never modify.
 * <p>
 * Liveness ({@link #lastSeenMs()}, {@link #failures()}, {@link #isVerified()}, {@link #isStale()}) is
 * written only by the owning {@link RoutingTable} on the node thread, and read there: plain fields. Other
 * threads get immutable copies made on the node thread, never a Contact whose liveness may still change.
 */
public final class Contact {
    /** Sentinel for "no head ping outstanding". */
    static final long NO_PING = Long.MIN_VALUE;

    private final NodeId id;
    private final long hi;
    private final long mid;
    private final int lo;
    private final InetSocketAddress address;
    private final byte[] addressBytes;
    private final int port;
    private final boolean ipv6;
    private final long prefixKey;

    private long lastSeenMs;
    private int failures;
    private boolean verified;
    private boolean stale;

    // Table-private placement.
    Bucket bucket;
    boolean inCache;
    long headPingSentMs = NO_PING;

    /**
     * @param id      the peer's id
     * @param address a resolved address with a port in 1..65535
     * @throws IllegalArgumentException if the address is unresolved or the port is 0
     */
    public Contact(final NodeId id, final InetSocketAddress address) {
        if (id == null || address == null) {
            throw new IllegalArgumentException("a contact needs an id and an address");
        }
        final InetAddress ip = address.getAddress();
        if (ip == null || address.getPort() == 0) {
            throw new IllegalArgumentException("a contact needs a resolved address and a non-zero port: " + address);
        }
        this.id = id;
        this.hi = id.hi();
        this.mid = id.mid();
        this.lo = id.lo();
        this.address = address;
        this.addressBytes = ip.getAddress();
        this.port = address.getPort();
        this.ipv6 = ip instanceof Inet6Address;
        this.prefixKey = ContactLimits.prefixKey(addressBytes);
    }

    /** The /24 (IPv4) or /64 (IPv6) of the address, as {@link ContactLimits} counts it. */
    long prefixKey() {
        return prefixKey;
    }

    public NodeId id() {
        return id;
    }

    /** Most significant 64 bits of the id. */
    public long hi() {
        return hi;
    }

    public long mid() {
        return mid;
    }

    public int lo() {
        return lo;
    }

    /** True if the id is (hi, mid, lo). */
    public boolean hasId(final long idHi, final long idMid, final int idLo) {
        return hi == idHi && mid == idMid && lo == idLo;
    }

    public InetSocketAddress address() {
        return address;
    }

    /** The raw IP address, 4 bytes (IPv4) or 16 bytes (IPv6). Cached: do not modify. */
    public byte[] addressBytes() {
        return addressBytes;
    }

    public int port() {
        return port;
    }

    public boolean isIpv6() {
        return ipv6;
    }

    /** Time of the last message from this contact (any kind), in the caller's clock. */
    public long lastSeenMs() {
        return lastSeenMs;
    }

    /** Consecutive failures (timeouts) since the last verified message. */
    public int failures() {
        return failures;
    }

    /** True once it answered a request we sent (mldht: only such contacts are handed to others). */
    public boolean isVerified() {
        return verified;
    }

    /** True after the table's failure threshold was reached; cleared by a verified message. */
    public boolean isStale() {
        return stale;
    }

    /** True while the contact waits in a replacement cache rather than in a bucket. */
    public boolean inReplacementCache() {
        return inCache;
    }

    void seen(final long nowMs, final boolean verifiedNow) {
        lastSeenMs = nowMs;
        headPingSentMs = NO_PING;
        if (verifiedNow) {
            failures = 0;
            verified = true;
            stale = false;
        }
    }

    /** Counts a failure; returns the new consecutive count. */
    int fail(final int staleAfter) {
        headPingSentMs = NO_PING;
        final int f = failures + 1;
        failures = f;
        if (f >= staleAfter) {
            stale = true;
        }
        return f;
    }

    /** Copies liveness from an older entry with the same id (address change). */
    void copyLiveness(final Contact from) {
        lastSeenMs = from.lastSeenMs;
        failures = from.failures;
        verified = from.verified;
        stale = from.stale;
    }

    @Override
    public String toString() {
        return id.shortHex() + "@" + address.getAddress().getHostAddress() + ":" + port
            + (stale ? " stale" : "") + (verified ? "" : " unverified");
    }
}
