package chisme.wire;

/**
 * Common start of the shelf frames whose body begins with one shelf name (BUCKET_DIGEST, BOOK_REQUEST,
 * BOOKS): name length u8 at {@link #NAME_LENGTH_OFFSET}, then 1..64 name bytes {@code [A-Za-z0-9_-]}
 * (docs/wire.md). The rest of each body follows the name, at {@link #afterName()}.
 *
 * @param <T> the concrete flyweight
 */
public abstract class ShelfFrameFlyweight<T extends ShelfFrameFlyweight<T>> extends MessageFlyweight<T> {
    public static final int NAME_LENGTH_OFFSET = BODY_OFFSET;
    public static final int NAME_OFFSET = NAME_LENGTH_OFFSET + 1;

    protected ShelfFrameFlyweight(final int messageType) {
        super(messageType);
    }

    public int nameLength() {
        return u8(offset + NAME_LENGTH_OFFSET);
    }

    /** Index in {@link #buffer()} of the first name byte. */
    public int nameOffset() {
        return offset + NAME_OFFSET;
    }

    public boolean nameEquals(final byte[] name) {
        return ShelfName.equals(buffer, offset + NAME_OFFSET, nameLength(), name);
    }

    /** Allocates: slow path. */
    public String nameAsString() {
        return utf8(offset + NAME_OFFSET, nameLength());
    }

    /** Writes the name's length and bytes (checked by the caller with {@link ShelfName#check}). */
    protected final void putName(final byte[] shelfName) {
        putU8(offset + NAME_LENGTH_OFFSET, shelfName.length);
        mutableBuffer.putBytes(offset + NAME_OFFSET, shelfName);
    }

    /** Index in {@link #buffer()} of the first body byte after the name. */
    protected final int afterName() {
        return offset + NAME_OFFSET + nameLength();
    }
}
