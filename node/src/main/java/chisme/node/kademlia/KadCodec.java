package chisme.node.kademlia;

import chisme.wire.HeaderFlyweight;
import chisme.wire.NodeId;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;

/**
 * Bodies of the Kademlia frames, exactly as docs/wire.md lays them out (little-endian integers, raw
 * 20-byte ids, addresses in network order). Offsets are relative to the start of the body (just after the
 * 32-byte header). Every decode checks lengths before reading and returns a failure value instead of
 * throwing. Package-private: written here because the wire module's flyweights had not landed yet.
 * <pre>
 * PING        (empty)
 * PONG        family u8 (4|6) | addr 4|16 | port u16
 * FIND_NODE   target 20
 * NODES       token u64 | count4 u8 | count6 u8 | count4 x (id 20 | ipv4 4 | port u16) | count6 x (id 20 | ipv6 16 | port u16)
 * FIND_VALUE  key 20
 * VALUE       token u64 | publisher 20 | ttl s u32 | length u32 | value
 * STORE       key 20 | token u64 | publisher 20 | ttl s u32 | length u32 | value
 * STORE_RESULT status u8
 * ERROR       code u16 | length u8 | message UTF-8
 * </pre>
 */
final class KadCodec {
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final int BODY = HeaderFlyweight.LENGTH;
    static final int MAX_CONTACTS = 32;
    static final int CONTACT4 = 26;
    static final int CONTACT6 = 38;
    static final int NODES_FIXED = 10;
    static final int VALUE_FIXED = 8 + 20 + 4 + 4;
    static final int STORE_FIXED = 20 + 8 + 20 + 4 + 4;

    static final int STATUS_OK = 0;
    static final int STATUS_BAD_TOKEN = 1;
    static final int STATUS_TOO_LARGE = 2;
    static final int STATUS_STORE_FULL = 3;
    static final int STATUS_KEY_MISMATCH = 4;
    static final int STATUS_RATE_LIMITED = 5;
    static final int STATUS_BAD_REQUEST = 6;

    private KadCodec() {
    }

    static int encodePong(final MutableDirectBuffer b, final int body, final byte[] ip, final int port) {
        b.putByte(body, (byte) (ip.length == 4 ? 4 : 6));
        b.putBytes(body + 1, ip);
        b.putShort(body + 1 + ip.length, (short) port, LE);
        return 1 + ip.length + 2;
    }

    /** Reads the endpoint of a PONG body; null when malformed. */
    static InetSocketAddress decodePong(final DirectBuffer b, final int body, final int bodyLength) {
        if (bodyLength < 1) {
            return null;
        }
        final int family = b.getByte(body);
        final int n = family == 4 ? 4 : family == 6 ? 16 : -1;
        if (n < 0 || bodyLength != 1 + n + 2) {
            return null;
        }
        final byte[] ip = new byte[n];
        b.getBytes(body + 1, ip);
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), b.getShort(body + 1 + n, LE) & 0xFFFF);
        } catch (final UnknownHostException e) {
            return null;
        }
    }

    static int encodeNodes(final MutableDirectBuffer b, final int body, final long token, final KadContact[] cs, final int n) {
        b.putLong(body, token, LE);
        int p = body + NODES_FIXED;
        int c4 = 0;
        for (int i = 0; i < n; i++) {
            final KadContact c = cs[i];
            if (c.ip.length == 4) {
                NodeId.write(b, p, c.hi, c.mid, c.lo);
                b.putBytes(p + 20, c.ip);
                b.putShort(p + 24, (short) c.port, LE);
                p += CONTACT4;
                c4++;
            }
        }
        int c6 = 0;
        for (int i = 0; i < n; i++) {
            final KadContact c = cs[i];
            if (c.ip.length == 16) {
                NodeId.write(b, p, c.hi, c.mid, c.lo);
                b.putBytes(p + 20, c.ip);
                b.putShort(p + 36, (short) c.port, LE);
                p += CONTACT6;
                c6++;
            }
        }
        b.putByte(body + 8, (byte) c4);
        b.putByte(body + 9, (byte) c6);
        return p - body;
    }

    /** True when a NODES body's lengths are consistent. */
    static boolean validNodes(final DirectBuffer b, final int body, final int bodyLength) {
        if (bodyLength < NODES_FIXED) {
            return false;
        }
        final int c4 = b.getByte(body + 8) & 0xFF;
        final int c6 = b.getByte(body + 9) & 0xFF;
        return c4 + c6 <= MAX_CONTACTS && bodyLength == NODES_FIXED + c4 * CONTACT4 + c6 * CONTACT6;
    }

    static long nodesToken(final DirectBuffer b, final int body) {
        return b.getLong(body, LE);
    }

    /** Visits the contacts of a validated NODES body (allocates: client side of a lookup). */
    static void forEachNode(final DirectBuffer b, final int body, final NodeSink sink) {
        final int c4 = b.getByte(body + 8) & 0xFF;
        final int c6 = b.getByte(body + 9) & 0xFF;
        int p = body + NODES_FIXED;
        for (int i = 0; i < c4 + c6; i++) {
            final int n = i < c4 ? 4 : 16;
            final NodeId id = NodeId.read(b, p);
            final byte[] ip = new byte[n];
            b.getBytes(p + 20, ip);
            final int port = b.getShort(p + 20 + n, LE) & 0xFFFF;
            p += 20 + n + 2;
            if (port == 0) {
                continue; // port 0 is junk (kademlia.md "drop junk before allocating")
            }
            try {
                sink.onNode(id, new InetSocketAddress(InetAddress.getByAddress(ip), port));
            } catch (final UnknownHostException e) {
                // cannot happen for 4 or 16 raw bytes; skip the contact
            }
        }
    }

    @FunctionalInterface
    interface NodeSink {
        void onNode(NodeId id, InetSocketAddress address);
    }

    static boolean validValue(final DirectBuffer b, final int body, final int bodyLength) {
        return bodyLength >= VALUE_FIXED && b.getInt(body + 32, LE) == bodyLength - VALUE_FIXED;
    }

    static int encodeValueHeader(final MutableDirectBuffer b, final int body, final long token, final NodeId publisher,
                                 final long ttlSeconds, final int valueLength) {
        b.putLong(body, token, LE);
        publisher.write(b, body + 8);
        b.putInt(body + 28, (int) Math.min(0xFFFF_FFFFL, Math.max(0, ttlSeconds)), LE);
        b.putInt(body + 32, valueLength, LE);
        return VALUE_FIXED;
    }

    static boolean validStore(final DirectBuffer b, final int body, final int bodyLength) {
        return bodyLength >= STORE_FIXED && b.getInt(body + 52, LE) == bodyLength - STORE_FIXED;
    }

    static int encodeStoreHeader(final MutableDirectBuffer b, final int body, final NodeId key, final long token,
                                 final NodeId publisher, final long ttlSeconds, final int valueLength) {
        key.write(b, body);
        b.putLong(body + 20, token, LE);
        publisher.write(b, body + 28);
        b.putInt(body + 48, (int) Math.min(0xFFFF_FFFFL, Math.max(0, ttlSeconds)), LE);
        b.putInt(body + 52, valueLength, LE);
        return STORE_FIXED;
    }
}
