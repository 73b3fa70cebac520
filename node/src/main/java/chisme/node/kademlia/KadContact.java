package chisme.node.kademlia;

import chisme.wire.NodeId;

import java.net.InetSocketAddress;

/**
 * A peer as the Kademlia logic holds it: id, address, and the address pre-split into raw bytes and port
 * so a NODES reply is encoded without allocating. Mutable bookkeeping (last seen, failures, verified)
 * belongs to the node thread.
 */
public final class KadContact {
    final NodeId id;
    final long hi;
    final long mid;
    final int lo;
    InetSocketAddress address;
    byte[] ip;
    int port;
    long lastSeenMs;
    int failures;
    boolean verified;

    KadContact(final NodeId id, final InetSocketAddress address) {
        this.id = id;
        this.hi = id.hi();
        this.mid = id.mid();
        this.lo = id.lo();
        address(address);
    }

    void address(final InetSocketAddress a) {
        this.address = a;
        this.ip = a.getAddress().getAddress();
        this.port = a.getPort();
    }

    public NodeId id() {
        return id;
    }

    public InetSocketAddress address() {
        return address;
    }

    public long lastSeenMs() {
        return lastSeenMs;
    }

    public int failures() {
        return failures;
    }

    @Override
    public String toString() {
        return id.shortHex() + "@" + address.getAddress().getHostAddress() + ":" + port;
    }
}
