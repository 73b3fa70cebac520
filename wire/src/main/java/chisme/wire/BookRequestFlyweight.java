package chisme.wire;

/**
 * BOOK_REQUEST (0x22): asks a peer for the books of one shelf in a key-hash range that it holds in another
 * version or we lack (found to differ by SHELF_DIGEST / BUCKET_DIGEST). The u64 words are: word 0 the range
 * ({@code prefix bits << 32 | left-aligned prefix}, as in BUCKET_DIGEST), then (key hash, entry hash low
 * word) pairs of the books the requester holds there, so the count is odd (docs/shared-state.md
 * "Anti-entropy"). With {@link HeaderFlyweight#FLAG_CONTINUED} in the header, word 1 is a cursor: only books
 * whose key hash is above it (unsigned) are wanted, and the pairs follow it, so the count is even. Answered
 * by BOOKS.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                     header (32 bytes)                         |  0
 *  +---------------+-----------------------------------------------+
 *  | name length u8|  name (1..64 bytes [A-Za-z0-9_-]) ...          |  32 | 33
 *  +---------------+---------------+-------------------------------+
 *  |        count u16 LE           |                                  C = 33 + name length
 *  +-------------------------------+-------------------------------+
 *  |   word 0: range = prefix bits u32 (high half) | prefix u32    |  C + 2
 *  |           (u64 LE; the prefix left-aligned in its u32)        |
 *  +---------------------------------------------------------------+
 *  |   pair i: key hash u64 LE | entry hash low word u64 LE        |  C + 10 + 16 * i
 *  |                              ...                              |
 *  +---------------------------------------------------------------+  C + 2 + 8 * count
 *
 *  with FLAG_CONTINUED (flags bit 1):
 *  +---------------------------------------------------------------+
 *  |   word 0: range (as above)                                    |  C + 2
 *  +---------------------------------------------------------------+
 *  |   word 1: cursor = key hash u64 LE; only keys above it wanted |  C + 10
 *  +---------------------------------------------------------------+
 *  |   pair i: key hash u64 LE | entry hash low word u64 LE        |  C + 18 + 16 * i
 *  +---------------------------------------------------------------+  C + 2 + 8 * count
 * </pre>
 * {@link MessageDecoder#validate} checks the framing only (name, {@code count} words present); a receiver
 * then checks {@link #isRangeRequest()} before reading the range, cursor and pairs. Encode with
 * {@link #encodeRange} (or {@link #encodeRangeAfter} with a cursor) and {@link #putPair};
 * {@link #encode(byte[], int)} / {@link #putKeyHash} write raw words.
 */
public final class BookRequestFlyweight extends ShelfFrameFlyweight<BookRequestFlyweight> {
    /** Bytes of the word count after the name. */
    public static final int COUNT_LENGTH = 2;
    /** Bytes of one u64 word. */
    public static final int WORD_LENGTH = 8;
    /** Shortest frame that can hold the fixed fields (empty name, no hashes). */
    public static final int MIN_LENGTH = NAME_OFFSET + COUNT_LENGTH;
    /** Most (key hash, entry hash) pairs after the range word: the word count is a u16. */
    public static final int MAX_PAIRS = (0xFFFF - 2) / 2;

    public BookRequestFlyweight() {
        super(MessageType.BOOK_REQUEST);
    }

    /** Writes name and count; returns the total length. Then write each hash with {@link #putKeyHash}. */
    public int encode(final byte[] shelfName, final int count) {
        ShelfName.check(shelfName);
        if (count < 0 || count > 0xFFFF) {
            throw new IllegalArgumentException("count 0..65535, got " + count);
        }
        putName(shelfName);
        putU16(offset + NAME_OFFSET + shelfName.length, count);
        return lengthOf(shelfName.length, count);
    }

    /**
     * Writes name, count {@code 1 + 2 * pairCount} and the range word for the top {@code prefixBits} bits of
     * {@code prefix} (left-aligned, bits below zero: checked) and clears {@link HeaderFlyweight#FLAG_CONTINUED}
     * in the header; returns the total length. Then write each pair with {@link #putPair}.
     */
    public int encodeRange(final byte[] shelfName, final int prefixBits, final int prefix, final int pairCount) {
        checkRange(pairCount, prefixBits, prefix);
        continuedFlag(false);
        final int length = encode(shelfName, 1 + 2 * pairCount);
        putKeyHash(0, ((long) prefixBits << 32) | (prefix & 0xFFFF_FFFFL));
        return length;
    }

    /**
     * As {@link #encodeRange} with a cursor: sets {@link HeaderFlyweight#FLAG_CONTINUED} in the header (a
     * caller writing the header afterwards must set it too), count {@code 2 + 2 * pairCount}, the range word
     * and word 1 = {@code cursor} (only keys whose hash is above it, unsigned, are wanted); returns the total
     * length. Then write each pair with {@link #putPair}.
     */
    public int encodeRangeAfter(final byte[] shelfName, final int prefixBits, final int prefix, final long cursor,
                                final int pairCount) {
        checkRange(pairCount, prefixBits, prefix);
        continuedFlag(true);
        final int length = encode(shelfName, 2 + 2 * pairCount);
        putKeyHash(0, ((long) prefixBits << 32) | (prefix & 0xFFFF_FFFFL));
        putKeyHash(1, cursor);
        return length;
    }

    private static void checkRange(final int pairCount, final int prefixBits, final int prefix) {
        if (pairCount < 0 || pairCount > MAX_PAIRS || !BucketDigestFlyweight.isAlignedPrefix(prefixBits, prefix)) {
            throw new IllegalArgumentException("0.." + MAX_PAIRS + " pairs and an aligned prefix of 0..32 bits, got "
                + pairCount + ", " + prefixBits + ", " + Integer.toHexString(prefix));
        }
    }

    private void continuedFlag(final boolean on) {
        flags(on ? flags() | FLAG_CONTINUED : flags() & ~FLAG_CONTINUED);
    }

    /** Writes pair {@code i} (key hash, low word of the entry hash) after the range word (and the cursor, if continued). */
    public BookRequestFlyweight putPair(final int i, final long keyHash, final long entryHash) {
        putKeyHash(firstPairWord() + 2 * i, keyHash);
        return putKeyHash(firstPairWord() + 1 + 2 * i, entryHash);
    }

    /** Writes raw word {@code i}. */
    public BookRequestFlyweight putKeyHash(final int i, final long keyHash) {
        mutableBuffer.putLong(hashesIndex() + i * WORD_LENGTH, keyHash, LE);
        return this;
    }

    public int count() {
        return u16(afterName());
    }

    private int hashesIndex() {
        return afterName() + COUNT_LENGTH;
    }

    /** Raw word {@code i} (word 0 is the range in a range request). */
    public long keyHash(final int i) {
        return buffer.getLong(hashesIndex() + i * WORD_LENGTH, LE);
    }

    /** Word index of the first pair: 1, or 2 after a cursor. */
    private int firstPairWord() {
        return continued() ? 2 : 1;
    }

    /**
     * True if the words form a range request: a range word, a cursor word when {@link #continued()} (the header's {@link HeaderFlyweight#FLAG_CONTINUED}: word 1 is a cursor), then
     * whole pairs (so an odd count, or an even count of at least 2 when continued), at most 32 prefix bits and
     * no prefix bit set below them. Reads nothing past the frame after {@link MessageDecoder#validate}.
     */
    public boolean isRangeRequest() {
        final int count = count();
        if (count < firstPairWord() || ((count - firstPairWord()) & 1) != 0) {
            return false;
        }
        final long range = keyHash(0);
        final long bits = range >>> 32;
        return bits <= WireLimits.MAX_BUCKET_LEVEL && BucketDigestFlyweight.isAlignedPrefix((int) bits, (int) range);
    }

    /** Prefix bits of the range (high half of word 0); only after {@link #isRangeRequest()}. */
    public int rangePrefixBits() {
        return (int) (keyHash(0) >>> 32);
    }

    /** The range prefix, left-aligned in its u32 (low half of word 0); only after {@link #isRangeRequest()}. */
    public int rangePrefix() {
        return (int) keyHash(0);
    }

    /** The cursor (word 1): only keys whose hash is above it, unsigned, are wanted; only when {@link #continued()}. */
    public long cursor() {
        return keyHash(1);
    }

    /** Number of (key hash, entry hash) pairs after the range word (and the cursor). */
    public int pairCount() {
        return Math.max(0, (count() - firstPairWord()) / 2);
    }

    public long pairKeyHash(final int i) {
        return keyHash(firstPairWord() + 2 * i);
    }

    public long pairEntryHash(final int i) {
        return keyHash(firstPairWord() + 1 + 2 * i);
    }

    /** Total length of a frame with a name of {@code nameLength} bytes and {@code count} words. */
    public static int lengthOf(final int nameLength, final int count) {
        return NAME_OFFSET + nameLength + COUNT_LENGTH + count * WORD_LENGTH;
    }

    @Override
    public int length() {
        return lengthOf(nameLength(), count());
    }
}
