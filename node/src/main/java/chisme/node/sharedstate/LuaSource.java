package chisme.node.sharedstate;

/**
 * Where a Lua map merged into a shelf comes from, which decides who vouches for its entries (the network is
 * hostile: every entry we take must be one an honest peer could have sent; docs/security.md).
 */
enum LuaSource {
    /**
     * A Lua node's post through the CGI bridge ({@code shared-state[-multiwriter] reqsync}). Lua cannot sign:
     * every entry is unsigned, whatever author it names, and never signed as ours.
     */
    PEER_POST,
    /**
     * This node's own Lua library's file ({@code lua-persistent-dir}, written by network-nodes.lua or Pirania
     * on this node): an entry naming this node as author is a local write, signed by our key as an insert is;
     * an entry of another author there is unsigned, as a post is.
     */
    OWN_FILE
}
