package chisme.node.admin;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/** Reads '\n'-terminated UTF-8 lines with a size limit, so a client cannot make the reader grow without bound. */
final class LineReader {
    /** {@link #read()} result when the line is over the limit (the rest of the line is skipped). */
    static final String TOO_LONG = new String("<too long>");
    /** {@link #read()} result when the line is not valid UTF-8 (never silently replaced with U+FFFD). */
    static final String NOT_UTF8 = new String("<not utf-8>");
    private final InputStream in;
    private final int maxBytes;
    private final byte[] chunk = new byte[8192];
    private int chunkPos;
    private int chunkLen;
    private byte[] line = new byte[256];

    LineReader(final InputStream in, final int maxBytes) {
        this.in = in;
        this.maxBytes = maxBytes;
    }

    /** The next line without its terminator, {@link #TOO_LONG}, or null at end of stream. */
    String read() throws IOException {
        int len = 0;
        boolean overflow = false;
        while (true) {
            if (chunkPos == chunkLen) {
                chunkLen = in.read(chunk);
                chunkPos = 0;
                if (chunkLen <= 0) {
                    chunkLen = 0;
                    return len == 0 && !overflow ? null : overflow ? TOO_LONG : decode(len);
                }
            }
            final byte b = chunk[chunkPos++];
            if (b == '\n') {
                return overflow ? TOO_LONG : decode(len);
            }
            if (overflow) {
                continue;
            }
            if (len == maxBytes) {
                overflow = true;
                continue;
            }
            if (len == line.length) {
                line = Arrays.copyOf(line, Math.min(maxBytes, line.length * 2));
            }
            line[len++] = b;
        }
    }

    private String decode(final int len) {
        final String s = Json.utf8OrNull(line, 0, len);
        return s == null ? NOT_UTF8 : s;
    }
}
