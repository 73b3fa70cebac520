package chisme.wire;

/**
 * BUCKET_DIGEST (0x21): shared-state anti-entropy, narrowing step. For one shelf, the books whose key
 * hash starts with {@code prefix} (its top {@code level} bits) are split into buckets by the following
 * bits; each bucket carries its book count and a 64-bit hash, so peers recurse only into buckets that
 * differ. Request and reply have the same layout.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                     header (32 bytes)                         |  0
 *  +---------------+-----------------------------------------------+
 *  | name length u8|  name (1..64 bytes [A-Za-z0-9_-]) ...          |  32 | 33
 *  +---------------+-----------------------------------------------+
 *  |  level u8     |                 prefix u32 LE                 |  L = 33 + name length
 *  +---------------+---------------+-------------------------------+
 *  |               | bucket count  |                                  L + 4 | L + 5
 *  +---------------+---------------+-------------------------------+
 *  |  per bucket (12 bytes): book count u32 LE | hash u64 LE       |  L + 6
 *  |                              ...                              |
 *  +---------------------------------------------------------------+  L + 6 + 12 * bucket count
 * </pre>
 * level &lt;= 32, bucket count &lt;= 64. The prefix is left-aligned: its top {@code level} bits hold the
 * prefix and the bits below are zero ({@link #hasAlignedPrefix()}; the decoder does not check it). The
 * shared-state engine sends requests with 0 buckets and answers with 64 (docs/shared-state.md).
 */
public final class BucketDigestFlyweight extends ShelfFrameFlyweight<BucketDigestFlyweight> {
    // Offsets from L, the end of the name (class diagram), shared with MessageDecoder:
    public static final int LEVEL_AFTER_NAME = 0;
    public static final int PREFIX_AFTER_NAME = LEVEL_AFTER_NAME + 1;
    public static final int BUCKET_COUNT_AFTER_NAME = PREFIX_AFTER_NAME + 4;
    /** Bytes after the name before the buckets: level u8, prefix u32, bucket count u8. */
    public static final int AFTER_NAME_FIXED_LENGTH = BUCKET_COUNT_AFTER_NAME + 1;
    /** In a bucket: book count u32 at 0, hash u64 at {@link #BUCKET_HASH_AT}. */
    public static final int BUCKET_HASH_AT = 4;
    public static final int BUCKET_LENGTH = BUCKET_HASH_AT + 8;
    /** Shortest frame that can hold the fixed fields (empty name, no buckets). */
    public static final int MIN_LENGTH = NAME_OFFSET + AFTER_NAME_FIXED_LENGTH;

    public BucketDigestFlyweight() {
        super(MessageType.BUCKET_DIGEST);
    }

    /**
     * Writes name, level, prefix and bucket count; returns the total length. Then write each bucket with
     * {@link #putBucket}.
     */
    public int encode(final byte[] shelfName, final int level, final int prefix, final int bucketCount) {
        ShelfName.check(shelfName);
        if (level < 0 || level > WireLimits.MAX_BUCKET_LEVEL || bucketCount < 0 || bucketCount > WireLimits.MAX_BUCKETS) {
            throw new IllegalArgumentException("level 0..32 and 0..64 buckets, got " + level + ", " + bucketCount);
        }
        putName(shelfName);
        final int l = offset + NAME_OFFSET + shelfName.length;
        putU8(l + LEVEL_AFTER_NAME, level);
        mutableBuffer.putInt(l + PREFIX_AFTER_NAME, prefix, LE);
        putU8(l + BUCKET_COUNT_AFTER_NAME, bucketCount);
        return NAME_OFFSET + shelfName.length + AFTER_NAME_FIXED_LENGTH + bucketCount * BUCKET_LENGTH;
    }

    /** True if {@code prefixBits} is 0..32 and no bit of {@code prefix} below its top {@code prefixBits} is set. */
    public static boolean isAlignedPrefix(final int prefixBits, final int prefix) {
        if (prefixBits < 0 || prefixBits > WireLimits.MAX_BUCKET_LEVEL) {
            return false;
        }
        return prefixBits == WireLimits.MAX_BUCKET_LEVEL || (prefix & (0xFFFF_FFFFL >>> prefixBits)) == 0;
    }

    /** {@link #isAlignedPrefix(int, int)} for this frame's level and prefix. */
    public boolean hasAlignedPrefix() {
        return isAlignedPrefix(level(), prefix());
    }

    public BucketDigestFlyweight putBucket(final int i, final long bookCount, final long hash) {
        final int at = bucketOffset(i);
        putU32(at, bookCount);
        mutableBuffer.putLong(at + BUCKET_HASH_AT, hash, LE);
        return this;
    }

    public int level() {
        return u8(afterName() + LEVEL_AFTER_NAME);
    }

    public int prefix() {
        return buffer.getInt(afterName() + PREFIX_AFTER_NAME, LE);
    }

    public int bucketCount() {
        return u8(afterName() + BUCKET_COUNT_AFTER_NAME);
    }

    private int bucketOffset(final int i) {
        return afterName() + AFTER_NAME_FIXED_LENGTH + i * BUCKET_LENGTH;
    }

    public long bucketBookCount(final int i) {
        return u32(bucketOffset(i));
    }

    public long bucketHash(final int i) {
        return buffer.getLong(bucketOffset(i) + BUCKET_HASH_AT, LE);
    }

    @Override
    public int length() {
        return NAME_OFFSET + nameLength() + AFTER_NAME_FIXED_LENGTH + bucketCount() * BUCKET_LENGTH;
    }
}
