package chisme.wire;

/**
 * Sizes and limits of wire format version 1 (docs/wire.md "Sizes and limits"). The decoder enforces
 * them; encoders assume their callers respect them.
 */
public final class WireLimits {
    /** Default largest datagram: IPv6 minimum MTU 1280 - 40 (IPv6 header) - 8 (UDP header). */
    public static final int MAX_DATAGRAM = 1232;
    /** Largest value (STORE, VALUE) or book data (BOOKS): 64 KiB. */
    public static final int MAX_VALUE = 65536;
    /** Largest complete message, after reassembly of FRAGMENTs: a 64 KiB value plus headroom for fields. */
    public static final int MAX_MESSAGE = 70000;
    /** Most contacts in one NODES frame (k = 20 by default). */
    public static final int MAX_CONTACTS = 32;
    /** Longest ERROR message text in bytes. */
    public static final int MAX_ERROR_MESSAGE = 200;
    /** Longest shelf name in bytes; the rule is {@link ShelfName}. */
    public static final int MAX_SHELF_NAME = 64;
    /** Most buckets in one BUCKET_DIGEST. */
    public static final int MAX_BUCKETS = 64;
    /** Deepest BUCKET_DIGEST level: the prefix is a u32, so at most 32 prefix bits. */
    public static final int MAX_BUCKET_LEVEL = 32;
    /**
     * Longest book key in bytes (keys are chosen by the publisher: addresses, host names); {@link BookKey}
     * applies it everywhere. 255: what the shared-state API has always accepted.
     */
    public static final int MAX_BOOK_KEY = 255;
    /** Bytes a FRAGMENT adds before its payload: the 32-byte header and 12 bytes of fragment fields. */
    public static final int FRAGMENT_OVERHEAD = HeaderFlyweight.LENGTH + 12;
    /** Most FRAGMENTs of one message (the count field is a u16). */
    public static final int MAX_FRAGMENTS = 65535;

    private WireLimits() {
    }
}
