package chisme.node.kademlia;

import chisme.node.routing.Contact;
import chisme.wire.NodeId;

import java.util.List;

/**
 * Outcome of an iterative lookup.
 *
 * @param target  the id or key looked up
 * @param value   the value found (FIND_VALUE only), or null
 * @param closest the nodes closest to the target that answered, nearest first (at most k)
 * @param rounds  sequential request waves: a contact learnt from a reply to wave r is asked in wave r + 1;
 *                the lookup's rounds is the deepest wave it sent
 * @param queried requests sent
 * @param failed  requests that timed out or got an unusable reply
 */
public record LookupResult(NodeId target, byte[] value, List<Contact> closest, int rounds, int queried, int failed) {
    public boolean found() {
        return value != null;
    }
}
