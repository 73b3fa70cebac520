package chisme.node.kademlia;

import chisme.node.routing.Contact;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * Which candidates a lookup considers, and which k closest a STORE goes to, when one network prefix (an IPv4
 * /24, an IPv6 /64) holds many of the ids nearest a key (issue 12 item 7: 25 ids next to SHA-1(V) from one
 * subnet took all k places, so a publish reached no honest node and a get failed).
 * <p>
 * The rule is a soft per-prefix cap, taken in tiers: walking candidates nearest first, the first
 * {@code perPrefix} of each prefix are tier 0, the next {@code perPrefix} tier 1, and so on; candidates are
 * taken tier by tier, nearest first within a tier. When other prefixes have enough candidates, one prefix gets
 * at most {@code perPrefix} of the k places (libp2p's diversity filter and S/Kademlia's disjoint paths have the
 * same aim: no single source of ids decides the result); when every candidate shares one prefix (a mesh in one
 * /24, the simulator's 127.0.0.x) the order is plain XOR distance, so a small network loses nothing. Two
 * prefixes with many candidates each share the k places evenly. The rule is a total order on the candidates a
 * node knows, so the lookup of a publish and the lookup of a get converge to the same k nodes, as plain
 * Kademlia does.
 * <p>
 * Prefixes are read from the raw address bytes, loopback included (the rule only reorders, so nodes on one
 * machine lose nothing, and the simulator's 127.x.y.z hosts are tested with it). IPv6 link-local addresses are
 * keyed whole: every LibreMesh neighbour shares fe80::/64. Candidates at this node's own host are exempt.
 */
final class LookupDiversity {
    private static final long IPV4_TAG = 1L << 62;
    private static final long WHOLE_TAG = 1L << 61;
    private static final long IPV6_TAG = 1L << 60;
    /** The key of a candidate that no prefix limit applies to (our own host). */
    static final long EXEMPT = 0;

    private LookupDiversity() {
    }

    /** The prefix key of {@code ip}: never {@link #EXEMPT}; IPv4 and IPv6 keys never equal. */
    static long prefixOf(final InetAddress ip) {
        return prefixOf(ip.getAddress());
    }

    /** {@link #prefixOf(InetAddress)} of 4 or 16 raw address bytes (no allocation). */
    static long prefixOf(final byte[] b) {
        if (b.length == 4) {
            return IPV4_TAG | (b[0] & 0xFFL) << 16 | (b[1] & 0xFFL) << 8 | (b[2] & 0xFFL);
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

    /**
     * True when some prefix holds more than {@code perPrefix} of the {@code n} contacts (so the rule would
     * reorder them); fills {@code prefixes}. Allocation-free: the responder's hot path calls it per FIND_NODE.
     */
    static boolean crowded(final Contact[] cs, final int n, final int perPrefix, final long[] prefixes) {
        if (perPrefix == Integer.MAX_VALUE) {
            return false;
        }
        boolean crowded = false;
        for (int i = 0; i < n; i++) {
            prefixes[i] = prefixOf(cs[i].addressBytes());
            crowded |= rankInPrefix(prefixes, i) >= perPrefix;
        }
        return crowded;
    }

    /**
     * The tier rule over an array, allocation-free (the responder's NODES reply): writes up to {@code limit} of
     * the {@code n} nearest-first contacts of {@code pool} to {@code out} in tier order and returns how many.
     * {@code prefixes} and {@code tiers} are scratch of at least n entries. O(n^2) for n up to a few k.
     */
    static int chooseInto(final Contact[] pool, final int n, final int perPrefix, final int limit, final long[] prefixes,
                          final int[] tiers, final Contact[] out) {
        int maxTier = 0;
        for (int i = 0; i < n; i++) {
            prefixes[i] = prefixOf(pool[i].addressBytes());
            tiers[i] = rankInPrefix(prefixes, i) / perPrefix;
            maxTier = Math.max(maxTier, tiers[i]);
        }
        int count = 0;
        for (int t = 0; t <= maxTier && count < limit; t++) {
            for (int i = 0; i < n && count < limit; i++) {
                if (tiers[i] == t) {
                    out[count++] = pool[i];
                }
            }
        }
        return count;
    }

    /** How many of {@code prefixes[0..i)} equal {@code prefixes[i]}. */
    private static int rankInPrefix(final long[] prefixes, final int i) {
        int rank = 0;
        for (int j = 0; j < i; j++) {
            rank += prefixes[j] == prefixes[i] ? 1 : 0;
        }
        return rank;
    }

    /**
     * Up to {@code limit} of the {@code nearestFirst} candidates that pass {@code include}, in tier order
     * (see the class comment). {@code perPrefix} {@link Integer#MAX_VALUE}: plain distance order.
     */
    static <T> List<T> choose(final List<T> nearestFirst, final Predicate<T> include, final ToLongFunction<T> prefix,
                              final int perPrefix, final int limit) {
        final List<T> out = new ArrayList<>(Math.min(limit, nearestFirst.size()));
        if (perPrefix == Integer.MAX_VALUE) {
            for (final T c : nearestFirst) {
                if (out.size() == limit) {
                    break;
                }
                if (include.test(c)) {
                    out.add(c);
                }
            }
            return out;
        }
        final int n = nearestFirst.size();
        final int[] tier = new int[n];
        final Map<Long, int[]> seenInPrefix = new HashMap<>();
        int maxTier = 0;
        for (int i = 0; i < n; i++) {
            final T c = nearestFirst.get(i);
            if (!include.test(c)) {
                tier[i] = -1;
                continue;
            }
            final long p = prefix.applyAsLong(c);
            if (p == EXEMPT) {
                continue; // tier 0
            }
            final int[] count = seenInPrefix.computeIfAbsent(p, x -> new int[1]);
            tier[i] = count[0]++ / perPrefix;
            maxTier = Math.max(maxTier, tier[i]);
        }
        for (int t = 0; t <= maxTier && out.size() < limit; t++) {
            for (int i = 0; i < n && out.size() < limit; i++) {
                if (tier[i] == t) {
                    out.add(nearestFirst.get(i));
                }
            }
        }
        return out;
    }
}
