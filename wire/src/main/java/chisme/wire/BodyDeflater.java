package chisme.wire;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.zip.Deflater;

/**
 * Deflates a message body into a raw DEFLATE stream (RFC 1951, no zlib header: {@code Deflater(level, true)})
 * for a BOOKS frame with {@link HeaderFlyweight#FLAG_DEFLATED}. Reuses one {@link Deflater}: no allocation per
 * call beyond what java.util.zip does (a copy of the input only when it is not backed by a byte array). The
 * caller sends the plain body when the stream would not be shorter. One instance per thread;
 * {@link #close()} frees the native state.
 */
public final class BodyDeflater implements AutoCloseable {
    /** A bound on deflate() calls per body: each call either fills the output or finishes. */
    private static final int MAX_STEPS = 64;

    private final Deflater deflater;
    private byte[] input = new byte[0];

    /** @param level 0..9 (java.util.zip.Deflater levels: 1 fastest, 9 smallest) */
    public BodyDeflater(final int level) {
        this.deflater = new Deflater(level, true);
    }

    /**
     * Deflates {@code length} bytes of {@code src} at {@code srcOffset} into {@code dst} at {@code dstOffset}.
     *
     * @param dst       must be backed by a byte array; an expandable buffer is grown to {@code dstOffset + maxLength}
     * @param maxLength largest stream accepted
     * @return the stream length, or -1 if it would be longer than {@code maxLength} (send the plain body)
     */
    public int deflate(final DirectBuffer src, final int srcOffset, final int length, final MutableDirectBuffer dst,
                       final int dstOffset, final int maxLength) {
        dst.checkLimit(dstOffset + maxLength);
        final byte[] out = dst.byteArray();
        if (out == null) {
            throw new IllegalArgumentException("the output buffer must be backed by a byte array");
        }
        final int outStart = dst.wrapAdjustment() + dstOffset;
        deflater.reset();
        final byte[] in = src.byteArray();
        if (in != null) {
            deflater.setInput(in, src.wrapAdjustment() + srcOffset, length);
        } else {
            if (input.length < length) {
                input = new byte[length];
            }
            src.getBytes(srcOffset, input, 0, length);
            deflater.setInput(input, 0, length);
        }
        deflater.finish();
        int n = 0;
        for (int step = 0; step < MAX_STEPS && !deflater.finished(); step++) {
            if (n == maxLength) {
                return -1;
            }
            n += deflater.deflate(out, outStart + n, maxLength - n);
        }
        return deflater.finished() ? n : -1;
    }

    @Override
    public void close() {
        deflater.end();
    }
}
