package chisme.wire;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Inflates the raw DEFLATE stream (RFC 1951) of a BOOKS frame with {@link HeaderFlyweight#FLAG_DEFLATED}, with
 * a hard bound on the output: network input, so it never throws and never writes or works past the bound.
 * A decompression bomb (1 MB of zeros deflates to ~1 KB) stops at {@code maxLength} output bytes and is
 * dropped. Returns a {@link DecodeReason}: {@link DecodeReason#OK} (then {@link #length()} is the inflated
 * length), {@link DecodeReason#TOO_LARGE} (the output would pass the bound), {@link DecodeReason#BAD_LENGTH}
 * (truncated or corrupt stream, or bytes after its end). Reuses one {@link Inflater}; no allocation per call
 * beyond what java.util.zip does (a copy of the input only when it is not backed by a byte array). One
 * instance per thread; {@link #close()} frees the native state.
 */
public final class BodyInflater implements AutoCloseable {
    /** Each inflate() call below either fills the output, finishes, or needs input it does not have: a few suffice. */
    private static final int MAX_STEPS = 64;

    private final Inflater inflater = new Inflater(true);
    private final byte[] probe = new byte[1];
    private byte[] input = new byte[0];
    private int length;

    /**
     * Inflates {@code srcLength} bytes at {@code srcOffset} of {@code src} into {@code dst} at {@code dstOffset}.
     *
     * @param dst       must be backed by a byte array; an expandable buffer is grown to {@code dstOffset + maxLength}
     * @param maxLength most output bytes allowed
     * @return {@link DecodeReason#OK} or the reason to drop the frame
     */
    public int inflate(final DirectBuffer src, final int srcOffset, final int srcLength, final MutableDirectBuffer dst,
                       final int dstOffset, final int maxLength) {
        length = 0;
        if (srcLength <= 0 || srcOffset < 0 || (long) srcOffset + srcLength > src.capacity()) {
            return DecodeReason.BAD_LENGTH;
        }
        dst.checkLimit(dstOffset + maxLength);
        final byte[] out = dst.byteArray();
        if (out == null) {
            throw new IllegalArgumentException("the output buffer must be backed by a byte array");
        }
        final int outStart = dst.wrapAdjustment() + dstOffset;
        inflater.reset();
        final byte[] in = src.byteArray();
        if (in != null) {
            inflater.setInput(in, src.wrapAdjustment() + srcOffset, srcLength);
        } else {
            if (input.length < srcLength) {
                input = new byte[srcLength];
            }
            src.getBytes(srcOffset, input, 0, srcLength);
            inflater.setInput(input, 0, srcLength);
        }
        try {
            int n = 0;
            for (int step = 0; step < MAX_STEPS; step++) {
                if (n == maxLength) {
                    // Output full: one more byte means the stream passes the bound; none, and it must have ended.
                    if (!inflater.finished() && inflater.inflate(probe, 0, 1) > 0) {
                        return DecodeReason.TOO_LARGE;
                    }
                    return finish(n);
                }
                final int k = inflater.inflate(out, outStart + n, maxLength - n);
                n += k;
                if (inflater.finished()) {
                    return finish(n);
                }
                if (k == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    return DecodeReason.BAD_LENGTH; // truncated (or asks for a preset dictionary, which BOOKS never has)
                }
            }
            return DecodeReason.BAD_LENGTH;
        } catch (final DataFormatException e) {
            return DecodeReason.BAD_LENGTH;
        }
    }

    private int finish(final int n) {
        if (!inflater.finished() || inflater.getRemaining() != 0) {
            return DecodeReason.BAD_LENGTH; // not at the end of the stream, or trailing bytes after it
        }
        length = n;
        return DecodeReason.OK;
    }

    /** Inflated length after {@link DecodeReason#OK}; 0 otherwise. */
    public int length() {
        return length;
    }

    @Override
    public void close() {
        inflater.end();
    }
}
