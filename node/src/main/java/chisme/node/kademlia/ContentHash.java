package chisme.node.kademlia;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-1 of a value lying in a buffer, compared with a key, without allocating per call: keys are content
 * hashes (xlattice), so a STORE whose value does not hash to its key is refused. One reused digest, a
 * scratch copy of the value (grown once to the largest value seen) and a 20-byte result. Node thread only.
 */
final class ContentHash {
    private final MessageDigest sha1;
    private final byte[] digest = new byte[20];
    private final UnsafeBuffer digestView = new UnsafeBuffer(digest);
    private byte[] scratch = new byte[1024];

    ContentHash() {
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by every Java platform", e);
        }
    }

    /** True when SHA-1 of {@code length} bytes at {@code offset} is the id (hi, mid, lo). */
    boolean matches(final DirectBuffer buffer, final int offset, final int length, final long hi, final long mid, final int lo) {
        if (scratch.length < length) {
            scratch = new byte[Math.max(length, scratch.length * 2)];
        }
        buffer.getBytes(offset, scratch, 0, length);
        sha1.update(scratch, 0, length);
        try {
            sha1.digest(digest, 0, digest.length);
        } catch (final java.security.DigestException e) {
            throw new IllegalStateException("SHA-1 digest into a 20-byte array", e);
        }
        // NodeId's wire form is the digest's bytes, big-endian (NodeId.readHi/readMid/readLo).
        return digestView.getLong(0, java.nio.ByteOrder.BIG_ENDIAN) == hi
            && digestView.getLong(8, java.nio.ByteOrder.BIG_ENDIAN) == mid
            && digestView.getInt(16, java.nio.ByteOrder.BIG_ENDIAN) == lo;
    }
}
