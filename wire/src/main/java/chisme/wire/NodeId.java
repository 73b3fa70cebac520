package chisme.wire;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.random.RandomGenerator;

/**
 * A 160-bit Kademlia identifier: a node id or a key (the SHA-1 of a value).
 * <p>
 * Held as three primitive words in big-endian bit order so that the unsigned comparison of
 * {@code (hi, mid, lo)} is the unsigned comparison of the 20 bytes:
 * <pre>
 *  bytes  0..7  -> hi   (byte 0 is the most significant)
 *  bytes  8..15 -> mid
 *  bytes 16..19 -> lo   (low 32 bits of an int)
 * </pre>
 * XOR distance (Maymounkov and Mazieres 2002, section 2.1) is computed word by word without
 * allocating; {@link #compareDistance} and {@link #bucketIndex} are the hot-path operations and
 * have static primitive forms for code that keeps ids in arrays.
 * <p>
 * Immutable and thread-safe.
 */
public final class NodeId implements Comparable<NodeId> {
    /** Length of an id on the wire. */
    public static final int BYTES = 20;
    /** Number of bits, B in the xlattice specification. */
    public static final int BITS = 160;

    private static final HexFormat HEX = HexFormat.of();

    private final long hi;
    private final long mid;
    private final int lo;

    public NodeId(final long hi, final long mid, final int lo) {
        this.hi = hi;
        this.mid = mid;
        this.lo = lo;
    }

    public long hi() {
        return hi;
    }

    public long mid() {
        return mid;
    }

    public int lo() {
        return lo;
    }

    /** Reads 20 bytes in wire order (the raw id bytes, most significant first). */
    public static NodeId read(final DirectBuffer buffer, final int offset) {
        return new NodeId(readHi(buffer, offset), readMid(buffer, offset), readLo(buffer, offset));
    }

    public static long readHi(final DirectBuffer buffer, final int offset) {
        return buffer.getLong(offset, java.nio.ByteOrder.BIG_ENDIAN);
    }

    public static long readMid(final DirectBuffer buffer, final int offset) {
        return buffer.getLong(offset + 8, java.nio.ByteOrder.BIG_ENDIAN);
    }

    public static int readLo(final DirectBuffer buffer, final int offset) {
        return buffer.getInt(offset + 16, java.nio.ByteOrder.BIG_ENDIAN);
    }

    /** Writes the 20 id bytes, most significant first. */
    public void write(final MutableDirectBuffer buffer, final int offset) {
        write(buffer, offset, hi, mid, lo);
    }

    public static void write(final MutableDirectBuffer buffer, final int offset, final long hi, final long mid, final int lo) {
        buffer.putLong(offset, hi, java.nio.ByteOrder.BIG_ENDIAN);
        buffer.putLong(offset + 8, mid, java.nio.ByteOrder.BIG_ENDIAN);
        buffer.putInt(offset + 16, lo, java.nio.ByteOrder.BIG_ENDIAN);
    }

    public static NodeId fromBytes(final byte[] bytes) {
        if (bytes.length != BYTES) {
            throw new IllegalArgumentException("an id is 20 bytes, got " + bytes.length);
        }
        long h = 0;
        long m = 0;
        int l = 0;
        for (int i = 0; i < 8; i++) {
            h = (h << 8) | (bytes[i] & 0xFF);
            m = (m << 8) | (bytes[8 + i] & 0xFF);
        }
        for (int i = 16; i < 20; i++) {
            l = (l << 8) | (bytes[i] & 0xFF);
        }
        return new NodeId(h, m, l);
    }

    public byte[] toBytes() {
        final byte[] out = new byte[BYTES];
        for (int i = 0; i < 8; i++) {
            out[i] = (byte) (hi >>> (56 - 8 * i));
            out[8 + i] = (byte) (mid >>> (56 - 8 * i));
        }
        for (int i = 0; i < 4; i++) {
            out[16 + i] = (byte) (lo >>> (24 - 8 * i));
        }
        return out;
    }

    /** Parses 40 hex digits (either case). Throws {@link IllegalArgumentException} with a one-line reason. */
    public static NodeId fromHex(final String hex) {
        if (hex == null || hex.length() != 2 * BYTES) {
            throw new IllegalArgumentException("a key is 40 hex digits, got " + (hex == null ? "nothing" : hex.length() + " characters"));
        }
        for (int i = 0; i < hex.length(); i++) {
            if (Character.digit(hex.charAt(i), 16) < 0) {
                throw new IllegalArgumentException("a key is 40 hex digits, '" + hex.charAt(i) + "' is not one");
            }
        }
        return fromBytes(HEX.parseHex(hex));
    }

    /** True if {@code s} is 40 hex digits. */
    public static boolean isHex(final String s) {
        if (s == null || s.length() != 2 * BYTES) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    public String toHex() {
        return HEX.formatHex(toBytes());
    }

    /** SHA-1 of the content: the key of a published value (xlattice: keys are 160-bit SHA-1 hashes). */
    public static NodeId sha1(final byte[] content) {
        return sha1(content, 0, content.length);
    }

    public static NodeId sha1(final byte[] content, final int offset, final int length) {
        try {
            final MessageDigest md = MessageDigest.getInstance("SHA-1");
            md.update(content, offset, length);
            return fromBytes(md.digest());
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by every Java platform", e);
        }
    }

    public static NodeId random(final RandomGenerator random) {
        return new NodeId(random.nextLong(), random.nextLong(), random.nextInt());
    }

    public static NodeId random() {
        return random(new SecureRandom());
    }

    /**
     * Compares the XOR distances of {@code a} and {@code b} to this target: negative if {@code a} is
     * closer, positive if {@code b} is closer, zero if equal (only when a equals b).
     */
    public int compareDistance(final NodeId a, final NodeId b) {
        return compareDistance(hi, mid, lo, a.hi, a.mid, a.lo, b.hi, b.mid, b.lo);
    }

    /** Primitive form of {@link #compareDistance(NodeId, NodeId)}: unsigned compare of t^a against t^b. */
    public static int compareDistance(
        final long tHi, final long tMid, final int tLo,
        final long aHi, final long aMid, final int aLo,
        final long bHi, final long bMid, final int bLo) {
        int c = Long.compareUnsigned(tHi ^ aHi, tHi ^ bHi);
        if (c != 0) {
            return c;
        }
        c = Long.compareUnsigned(tMid ^ aMid, tMid ^ bMid);
        if (c != 0) {
            return c;
        }
        return Integer.compareUnsigned(tLo ^ aLo, tLo ^ bLo);
    }

    /**
     * Index j of the k-bucket that holds {@code other} seen from this id: 2^j &lt;= d &lt; 2^(j+1) where
     * d = this XOR other (xlattice "Routing"). Returns -1 when the ids are equal.
     */
    public int bucketIndex(final NodeId other) {
        return bucketIndex(hi, mid, lo, other.hi, other.mid, other.lo);
    }

    public static int bucketIndex(final long aHi, final long aMid, final int aLo, final long bHi, final long bMid, final int bLo) {
        final long xh = aHi ^ bHi;
        if (xh != 0) {
            return 159 - Long.numberOfLeadingZeros(xh);
        }
        final long xm = aMid ^ bMid;
        if (xm != 0) {
            return 95 - Long.numberOfLeadingZeros(xm);
        }
        final int xl = aLo ^ bLo;
        if (xl != 0) {
            return 31 - Integer.numberOfLeadingZeros(xl);
        }
        return -1;
    }

    /** Bit i of the id, counting from the least significant bit (bit 159 is the top bit of byte 0). */
    public boolean bit(final int i) {
        if (i >= 96) {
            return ((hi >>> (i - 96)) & 1L) != 0;
        }
        if (i >= 32) {
            return ((mid >>> (i - 32)) & 1L) != 0;
        }
        return ((lo >>> i) & 1) != 0;
    }

    /**
     * A random id whose distance to this one falls in bucket {@code j} (2^j &lt;= d &lt; 2^(j+1)): used by
     * bucket refresh (xlattice "Bucket refresh": look up a random id in the bucket's range).
     */
    public NodeId randomInBucket(final int j, final RandomGenerator random) {
        if (j < 0 || j >= BITS) {
            throw new IllegalArgumentException("bucket index out of range: " + j);
        }
        // distance d: bit j set, bits above j clear, bits below j random.
        long dh = random.nextLong();
        long dm = random.nextLong();
        int dl = random.nextInt();
        if (j >= 96) {
            final int s = j - 96;
            dh = (dh & ((1L << s) - 1)) | (1L << s);
        } else if (j >= 32) {
            final int s = j - 32;
            dh = 0;
            dm = (dm & ((1L << s) - 1)) | (1L << s);
        } else {
            dh = 0;
            dm = 0;
            dl = (int) ((dl & ((1L << j) - 1)) | (1L << j));
        }
        return new NodeId(hi ^ dh, mid ^ dm, lo ^ dl);
    }

    @Override
    public int compareTo(final NodeId o) {
        int c = Long.compareUnsigned(hi, o.hi);
        if (c != 0) {
            return c;
        }
        c = Long.compareUnsigned(mid, o.mid);
        return c != 0 ? c : Integer.compareUnsigned(lo, o.lo);
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof NodeId n && n.hi == hi && n.mid == mid && n.lo == lo;
    }

    public boolean equals(final long oHi, final long oMid, final int oLo) {
        return hi == oHi && mid == oMid && lo == oLo;
    }

    @Override
    public int hashCode() {
        return (int) (hi ^ (hi >>> 32)) * 31 + (int) (mid ^ (mid >>> 32)) * 17 + lo;
    }

    @Override
    public String toString() {
        return toHex();
    }

    /** The first 8 hex digits, for logs. */
    public String shortHex() {
        return toHex().substring(0, 8);
    }
}
