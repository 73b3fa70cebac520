package chisme.node.kademlia;

import chisme.node.routing.Contact;

import java.net.InetAddress;

/**
 * Which candidates a lookup considers, which k closest a STORE goes to, and which k a crowded NODES reply
 * names, when one network prefix (an IPv4 /24, an IPv6 /64) holds many of the ids nearest a key (issue 12
 * item 7: 25 ids next to SHA-1(V) from one subnet took all k places, so a publish reached no honest node and
 * a get failed).
 * <p>
 * The rule, stated once here ({@link #choose}) for all three uses: a soft per-prefix cap, taken in tiers.
 * Walking candidates nearest first, the first {@code perPrefix} of each prefix are tier 0, the next
 * {@code perPrefix} tier 1, and so on; candidates are taken tier by tier, nearest first within a tier. When
 * other prefixes have enough candidates, one prefix gets at most {@code perPrefix} of the k places (libp2p's
 * diversity filter and S/Kademlia's disjoint paths have the same aim: no single source of ids decides the
 * result); when every candidate shares one prefix (a mesh in one /24, the simulator's 127.0.0.x) the order is
 * plain XOR distance, so a small network loses nothing. Two prefixes with many candidates each share the k
 * places evenly.
 * <p>
 * No candidate is exempt, our own host's included (session 6; the lookup used to exempt it, the NODES reply
 * did not). The rule only reorders, so nodes on our host lose nothing when they are all there is, and the
 * order then depends only on the candidates (their distances and addresses), never on who asks: every node
 * ranks the same candidates the same way, so the lookup of a publish and the lookup of a get, from any two
 * nodes, converge to the same k, as plain Kademlia's do. The per-IP cap of a lookup's shortlist, which drops
 * candidates instead of reordering them, keeps its own-host exemption (several daemons on one machine).
 * <p>
 * Prefixes are read from the raw address bytes, loopback included (the simulator's 127.x.y.z hosts are tested
 * with it). IPv6 link-local addresses are keyed whole: every LibreMesh neighbour shares fe80::/64.
 * <p>
 * Allocation-free once its arrays have grown to the largest candidate count seen: a lookup chooses on every
 * reply it merges, the responder on every crowded FIND_NODE. One instance per user, node thread only.
 */
final class LookupDiversity {
    private static final long IPV4_TAG = 1L << 62;
    private static final long WHOLE_TAG = 1L << 61;
    private static final long IPV6_TAG = 1L << 60;
    /** The prefix key of a candidate to leave out of {@link #choose} ({@link #prefixOf} is never negative). */
    static final long EXCLUDED = -1;

    /** Per candidate: its prefix key (written by the caller), then its tier. */
    private long[] prefixes;
    private int[] tiers;
    /** Indices of the chosen candidates, in the rule's order. */
    private int[] chosen;
    /** How many candidates of each prefix were seen so far: open addressing, cleared after each use. */
    private long[] slotPrefix;
    private int[] slotCount;
    private int[] usedSlots;

    LookupDiversity(final int capacity) {
        grow(Math.max(1, capacity));
    }

    /** The prefix key of {@code ip}: never negative (never {@link #EXCLUDED}); IPv4 and IPv6 keys never equal. */
    static long prefixOf(final InetAddress ip) {
        return prefixOf(ip.getAddress());
    }

    /** {@link #prefixOf(InetAddress)} of 4 or 16 raw address bytes (no allocation). */
    static long prefixOf(final byte[] b) {
        if (b.length == 4) {
            return ipv4Prefix(b, 0);
        }
        if (ipv4Mapped(b)) {
            // ::ffff:a.b.c.d is the IPv4 host a.b.c.d (InetAddress makes it an Inet4Address): its /24, or a NODES
            // reply could give IPv4 ids a second prefix by naming them in the mapped form.
            return ipv4Prefix(b, 12);
        }
        final boolean linkLocal = (b[0] & 0xFF) == 0xFE && (b[1] & 0xC0) == 0x80; // fe80::/10
        long high = 0;
        long low = 0;
        for (int i = 0; i < 8; i++) {
            high = high << 8 | (b[i] & 0xFF);
            low = low << 8 | (b[8 + i] & 0xFF);
        }
        // Fold into 60 bits and tag them (IPv6 bit 60, link-local also bit 61): never 0, never an IPv4 key; a
        // collision only merges two prefixes' shares.
        final long folded = linkLocal ? high * 0x9E3779B97F4A7C15L ^ low : high;
        return (folded ^ folded >>> 60) & (IPV6_TAG - 1) | IPV6_TAG | (linkLocal ? WHOLE_TAG : 0);
    }

    private static long ipv4Prefix(final byte[] b, final int at) {
        return IPV4_TAG | (b[at] & 0xFFL) << 16 | (b[at + 1] & 0xFFL) << 8 | (b[at + 2] & 0xFFL);
    }

    private static boolean ipv4Mapped(final byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xFF && b[11] == (byte) 0xFF;
    }

    /**
     * The array to write the prefix keys of {@code n} nearest-first candidates into before {@link #choose}:
     * {@link #prefixOf}, or {@link #EXCLUDED} for a candidate to leave out. Valid until the next call.
     */
    long[] prefixes(final int n) {
        if (n > prefixes.length) {
            grow(Integer.highestOneBit(n - 1) << 1);
        }
        return prefixes;
    }

    /**
     * The rule (see the class comment) over the {@code n} candidates whose keys are in {@link #prefixes}: up to
     * {@code limit} of them, in tier order; returns how many, read by {@link #chosen(int)}. {@code perPrefix}
     * {@link Integer#MAX_VALUE}: plain distance order.
     */
    int choose(final int n, final int perPrefix, final int limit) {
        final int maxTier = assignTiers(n, perPrefix);
        int count = 0;
        for (int t = 0; t <= maxTier && count < limit; t++) {
            for (int i = 0; i < n && count < limit; i++) {
                if (tiers[i] == t) {
                    chosen[count++] = i;
                }
            }
        }
        return count;
    }

    /** The index (into the candidates given) of the {@code j}-th chosen one. */
    int chosen(final int j) {
        return chosen[j];
    }

    /**
     * True when some prefix holds more than {@code perPrefix} of the {@code n} contacts, so {@link #chooseInto}
     * would reorder them (the responder's test before it looks at a wider pool).
     */
    boolean crowded(final Contact[] cs, final int n, final int perPrefix) {
        return perPrefix != Integer.MAX_VALUE && assignTiers(fillPrefixes(cs, n), perPrefix) > 0;
    }

    /** {@link #choose} over {@code n} nearest-first contacts of {@code pool}: writes the chosen to {@code out}, returns how many. */
    int chooseInto(final Contact[] pool, final int n, final int perPrefix, final int limit, final Contact[] out) {
        final int count = choose(fillPrefixes(pool, n), perPrefix, limit);
        for (int j = 0; j < count; j++) {
            out[j] = pool[chosen[j]];
        }
        return count;
    }

    private int fillPrefixes(final Contact[] cs, final int n) {
        final long[] p = prefixes(n);
        for (int i = 0; i < n; i++) {
            p[i] = prefixOf(cs[i].addressBytes());
        }
        return n;
    }

    /** Writes each candidate's tier (-1: excluded); returns the highest tier (-1 when none is included). */
    private int assignTiers(final int n, final int perPrefix) {
        int maxTier = -1;
        int used = 0;
        final int mask = slotPrefix.length - 1;
        for (int i = 0; i < n; i++) {
            final long p = prefixes[i];
            if (p == EXCLUDED) {
                tiers[i] = -1;
                continue;
            }
            int slot = (int) (p * 0x9E3779B97F4A7C15L >>> 40) & mask;
            while (slotCount[slot] != 0 && slotPrefix[slot] != p) {
                slot = slot + 1 & mask;
            }
            if (slotCount[slot] == 0) {
                slotPrefix[slot] = p;
                usedSlots[used++] = slot;
            }
            final int rank = slotCount[slot]++;
            tiers[i] = perPrefix == Integer.MAX_VALUE ? 0 : rank / perPrefix;
            maxTier = Math.max(maxTier, tiers[i]);
        }
        for (int u = 0; u < used; u++) {
            slotCount[usedSlots[u]] = 0;
        }
        return maxTier;
    }

    private void grow(final int capacity) {
        prefixes = new long[capacity];
        tiers = new int[capacity];
        chosen = new int[capacity];
        usedSlots = new int[capacity];
        // A power of two (the probe masks) at least twice the candidates: at most half full, short probe runs.
        final int table = Integer.highestOneBit(2 * capacity - 1) << 1;
        slotPrefix = new long[table];
        slotCount = new int[table];
    }
}
