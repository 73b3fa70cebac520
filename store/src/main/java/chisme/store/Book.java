package chisme.store;

import chisme.wire.NodeId;

/**
 * A shared-state book: one entry of a shelf (LibreMesh "data type").
 *
 * @param shelf       shelf name, [A-Za-z0-9_-]{1,64}
 * @param key         book key chosen by the publisher (UTF-8, at most 255 bytes)
 * @param authorId    node id of the node that wrote this version
 * @param authorName  that node's name (hostname), as LibreMesh's "author"
 * @param version     edit version (hybrid logical clock with author tie-break, see node.sharedstate)
 * @param expiresAtMs local expiry instant on this node's clock (remaining TTL counts down locally)
 * @param tombstone   true when this version removes the key (LibreMesh: data null)
 * @param data        UTF-8 JSON of the data (empty for a tombstone)
 */
public record Book(String shelf, String key, NodeId authorId, String authorName, long version,
                   long expiresAtMs, boolean tombstone, byte[] data) {
}
