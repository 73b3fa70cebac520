package chisme.node.security;

import chisme.wire.NodeId;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Book signatures (issue 12 item 2): each node has an Ed25519 key pair (RFC 8032, JDK built-in) kept in
 * {@code DATA/book-signing.key} (0600) and signs every book it writes. The 100-byte signature block
 * travels with the book (wire.md "BOOKS"): the author's signed TTL (u32 LE), its raw public key (32 B)
 * and the signature (64 B) over
 * <pre>
 *   "chisme-book-v1" 0x00 | shelf length u8 | shelf | key length u16 LE | key | author id (20 B)
 *   | version u64 LE | signed ttl u32 LE | tombstone u8 | data length u32 LE | data
 * </pre>
 * so a receiver can check a book it never saw its author send. The key id shown to users and named in
 * shelf write policies is the first 8 bytes of SHA-256 of the public key, as 16 hex digits. Signing:
 * any thread (one {@link Signature} per call); verifying: node thread (a small cache of decoded keys).
 */
public final class BookSigner {
    public static final String FILE = "book-signing.key";
    public static final int BLOCK_BYTES = 100;
    private static final byte[] DOMAIN = "chisme-book-v1\0".getBytes(StandardCharsets.US_ASCII);
    /** DER prefix of an X.509 SubjectPublicKeyInfo for Ed25519 (RFC 8410 section 4): add the 32 raw bytes. */
    private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final PrivateKey privateKey;
    private final byte[] publicRaw;
    private final String keyId;
    private final Map<String, PublicKey> verifiedKeys = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(final Map.Entry<String, PublicKey> eldest) {
            return size() > 1_024;
        }
    };

    private BookSigner(final KeyPair pair) {
        this.privateKey = pair.getPrivate();
        final byte[] x509 = pair.getPublic().getEncoded();
        this.publicRaw = Arrays.copyOfRange(x509, x509.length - 32, x509.length);
        this.keyId = keyIdOf(publicRaw);
    }

    /** A key pair that lives as long as the process (tests, nodes without a data directory). */
    public static BookSigner ephemeral() {
        try {
            return new BookSigner(KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
        } catch (final GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no Ed25519", e);
        }
    }

    /** Loads {@code dir/book-signing.key}, or creates it (0600) on first start. */
    public static BookSigner loadOrCreate(final Path dir) throws IOException {
        final Path file = dir.resolve(FILE);
        try {
            final KeyFactory kf = KeyFactory.getInstance("Ed25519");
            if (Files.exists(file)) {
                final List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
                if (lines.size() < 2 || !lines.get(0).startsWith("private ") || !lines.get(1).startsWith("public ")) {
                    throw new IOException(file + ": expected 'private BASE64' and 'public BASE64' lines");
                }
                final PrivateKey priv = kf.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(lines.get(0).substring(8).trim())));
                final PublicKey pub = kf.generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(lines.get(1).substring(7).trim())));
                return new BookSigner(new KeyPair(pub, priv));
            }
            final KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            final Path tmp = dir.resolve(FILE + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            Files.writeString(tmp, "private " + Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()) + "\n"
                + "public " + Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()) + "\n", StandardCharsets.US_ASCII);
            Files.move(tmp, file);
            return new BookSigner(pair);
        } catch (final GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** This node's key id (16 hex digits). */
    public String keyId() {
        return keyId;
    }

    /** The signature block of a book this node writes. */
    public byte[] sign(final String shelf, final String key, final NodeId author, final long version, final long ttlSeconds,
                       final boolean tombstone, final byte[] data) {
        try {
            final Signature s = Signature.getInstance("Ed25519");
            s.initSign(privateKey);
            s.update(message(shelf, key, author, version, ttlSeconds, tombstone, data));
            final byte[] block = new byte[BLOCK_BYTES];
            ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN).putInt((int) ttlSeconds).put(publicRaw).put(s.sign());
            return block;
        } catch (final GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    /** True when {@code block} is a valid signature of these fields by the key it names. Node thread. */
    public boolean verify(final String shelf, final String key, final NodeId author, final long version, final boolean tombstone,
                          final byte[] data, final byte[] block) {
        if (block == null || block.length != BLOCK_BYTES) {
            return false;
        }
        try {
            final PublicKey pub = publicKey(block);
            final Signature s = Signature.getInstance("Ed25519");
            s.initVerify(pub);
            s.update(message(shelf, key, author, version, signedTtlSeconds(block), tombstone, data));
            return s.verify(block, 36, 64);
        } catch (final GeneralSecurityException | IllegalArgumentException e) {
            return false; // a malformed public key is a bad signature
        }
    }

    /** The TTL the author signed (seconds): a relayed copy may not claim more. */
    public static long signedTtlSeconds(final byte[] block) {
        return ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN).getInt(0) & 0xFFFF_FFFFL;
    }

    /** The key id of the public key in {@code block}. */
    public static String keyIdOf(final byte[] blockOrRawKey) {
        final byte[] raw = blockOrRawKey.length == 32 ? blockOrRawKey : Arrays.copyOfRange(blockOrRawKey, 4, 36);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw), 0, 8);
        } catch (final GeneralSecurityException e) {
            throw new IllegalStateException("no SHA-256", e);
        }
    }

    private PublicKey publicKey(final byte[] block) throws GeneralSecurityException {
        final byte[] x509 = Arrays.copyOf(X509_PREFIX, X509_PREFIX.length + 32);
        System.arraycopy(block, 4, x509, X509_PREFIX.length, 32);
        final String cacheKey = Base64.getEncoder().encodeToString(x509);
        PublicKey k = verifiedKeys.get(cacheKey);
        if (k == null) {
            k = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(x509));
            verifiedKeys.put(cacheKey, k);
        }
        return k;
    }

    private static byte[] message(final String shelf, final String key, final NodeId author, final long version,
                                  final long ttlSeconds, final boolean tombstone, final byte[] data) {
        final byte[] s = shelf.getBytes(StandardCharsets.US_ASCII);
        final byte[] k = key.getBytes(StandardCharsets.UTF_8);
        final ByteBuffer b = ByteBuffer.allocate(DOMAIN.length + 1 + s.length + 2 + k.length + NodeId.BYTES + 8 + 4 + 1 + 4 + data.length)
            .order(ByteOrder.LITTLE_ENDIAN);
        b.put(DOMAIN).put((byte) s.length).put(s).putShort((short) k.length).put(k)
            .put(author.toBytes())
            .putLong(version).putInt((int) ttlSeconds).put((byte) (tombstone ? 1 : 0)).putInt(data.length).put(data);
        return b.array();
    }
}
