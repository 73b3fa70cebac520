package chisme.wire;

import org.agrona.DirectBuffer;

/** Shelf-name helpers shared by the shared-state flyweights: charset {@code [A-Za-z0-9_-]{1,64}}. */
final class Names {
    private Names() {
    }

    /** Throws IllegalArgumentException if {@code name} is not a valid shelf name (encode side). */
    static void check(final byte[] name) {
        if (name.length < 1 || name.length > WireLimits.MAX_SHELF_NAME) {
            throw new IllegalArgumentException("a shelf name is 1..64 bytes, got " + name.length);
        }
        for (final byte b : name) {
            if (!MessageDecoder.isNameByte(b & 0xFF)) {
                throw new IllegalArgumentException("a shelf name is [A-Za-z0-9_-], got byte " + (b & 0xFF));
            }
        }
    }

    static boolean equals(final DirectBuffer buffer, final int index, final int length, final byte[] name) {
        if (length != name.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (buffer.getByte(index + i) != name[i]) {
                return false;
            }
        }
        return true;
    }
}
