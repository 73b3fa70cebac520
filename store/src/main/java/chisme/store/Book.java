package chisme.store;

import chisme.wire.NodeId;

/**
 * A shared-state book: one entry of a shelf (LibreMesh "data type").
 *
 * @param shelf       shelf name, {@link chisme.wire.ShelfName}: [A-Za-z0-9_-]{1,64}
 * @param key         book key chosen by the publisher (UTF-8, at most 255 bytes)
 * @param authorId    node id of the node that wrote this version
 * @param authorName  that node's name (hostname), as LibreMesh's "author"
 * @param version     edit version (hybrid logical clock with author tie-break, see node.sharedstate)
 * @param expiresAtMs local expiry instant on this node's clock (remaining TTL counts down locally)
 * @param tombstone   true when this version removes the key (LibreMesh: data null)
 * @param data        UTF-8 JSON of the data (empty for a tombstone)
 * @param signature   the author's signature block (signed ttl, Ed25519 public key, signature:
 *                    {@link BookLayout#SIGNATURE_BYTES} bytes, wire.md "BOOKS"), or null for an unsigned book
 */
public record Book(String shelf, String key, NodeId authorId, String authorName, long version,
                   long expiresAtMs, boolean tombstone, byte[] data, byte[] signature) {
    public Book {
        if (signature != null && signature.length != BookLayout.SIGNATURE_BYTES) {
            throw new IllegalArgumentException("a signature block is " + BookLayout.SIGNATURE_BYTES + " bytes");
        }
    }

    /** An unsigned book. */
    public Book(final String shelf, final String key, final NodeId authorId, final String authorName, final long version,
                final long expiresAtMs, final boolean tombstone, final byte[] data) {
        this(shelf, key, authorId, authorName, version, expiresAtMs, tombstone, data, null);
    }

    /** This book with another local expiry (signature kept: it does not cover the remaining TTL). */
    public Book withExpiry(final long expiresAtMs) {
        return new Book(shelf, key, authorId, authorName, version, expiresAtMs, tombstone, data, signature);
    }
}
