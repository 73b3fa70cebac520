package chisme.node.discovery;

import chisme.node.metrics.EnumCounters;
import chisme.node.rpc.RateLimiter;
import chisme.wire.AnnounceFlyweight;
import chisme.wire.HeaderFlyweight;
import chisme.wire.NodeId;
import org.agrona.DirectBuffer;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Decides which received announcements become candidates (style.md habit 2: drop and count, never
 * throw). In order: a valid ANNOUNCE frame, not READ_ONLY, not our own id, a non-zero port, a unicast
 * source on one of our links, within the per-source and the total rate, not ourselves, and not an
 * endpoint already offered within the de-duplication window. A link-local IPv6 endpoint of a node that
 * was offered at a routable address in that window is a duplicate too: contacts learnt by the DHT are
 * passed on to other links, where a link-local address means nothing.
 * <p>
 * Each candidate ({@code source address : announced port}) goes to the consumer, which must verify it
 * with a PING before using it. Time is passed in; callable from any thread (one lock: announcements are
 * few and the work per datagram is small).
 */
public final class AnnouncementFilter {
    private final NodeId localId;
    private final int localPort;
    private final EnumCounters<DiscoveryCounter> counters;
    private final Consumer<InetSocketAddress> candidates;
    private final long dedupWindowMs;
    private final AnnouncementCodec codec = new AnnouncementCodec();
    private final RateLimiter perSource = new RateLimiter(DiscoveryConfig.SOURCE_PER_SECOND, DiscoveryConfig.SOURCE_BURST);
    private final Map<InetSocketAddress, Long> offered = bounded();
    private final Map<NodeId, Long> offeredRoutable = bounded();
    private Links links = new Links(java.util.List.of());
    private long totalTokensMilli = DiscoveryConfig.TOTAL_BURST * 1000L;
    private long totalLastMs = Long.MIN_VALUE;

    public AnnouncementFilter(final NodeId localId, final int localPort, final long dedupWindowMs,
                              final EnumCounters<DiscoveryCounter> counters, final Consumer<InetSocketAddress> candidates) {
        this.localId = localId;
        this.localPort = localPort;
        this.dedupWindowMs = dedupWindowMs;
        this.counters = counters;
        this.candidates = candidates;
    }

    /** The links announcements are accepted from (re-chosen every round). */
    public synchronized void links(final Links current) {
        this.links = current;
    }

    /** Handles one received datagram; returns the counter it ended in ({@link DiscoveryCounter#CANDIDATES} when offered). */
    public synchronized DiscoveryCounter onDatagram(final DirectBuffer buffer, final int offset, final int length,
                                                    final InetSocketAddress source, final long nowMs) {
        counters.increment(DiscoveryCounter.RECEIVED);
        final DiscoveryCounter verdict = judge(buffer, offset, length, source, nowMs);
        counters.increment(verdict);
        return verdict;
    }

    private DiscoveryCounter judge(final DirectBuffer buffer, final int offset, final int length,
                                   final InetSocketAddress source, final long nowMs) {
        if (!codec.open(buffer, offset, length)) {
            return DiscoveryCounter.DROP_MALFORMED;
        }
        final AnnounceFlyweight f = codec.frame();
        if ((f.flags() & HeaderFlyweight.FLAG_READ_ONLY) != 0) {
            return DiscoveryCounter.DROP_READ_ONLY;
        }
        if (localId.equals(f.senderHi(), f.senderMid(), f.senderLo())) {
            return DiscoveryCounter.DROP_OWN_ID;
        }
        final int port = f.port();
        if (port == 0) {
            return DiscoveryCounter.DROP_BAD_PORT;
        }
        final InetAddress address = source.getAddress();
        if (address == null || !unicast(address)) {
            return DiscoveryCounter.DROP_NOT_UNICAST;
        }
        if (!links.onLink(address)) {
            return DiscoveryCounter.DROP_OFF_LINK;
        }
        if (!perSource.tryAcquire(source, nowMs)) {
            return DiscoveryCounter.DROP_SOURCE_RATE;
        }
        if (!takeTotalToken(nowMs)) {
            return DiscoveryCounter.DROP_TOTAL_RATE;
        }
        if (port == localPort && links.isLocal(address)) {
            return DiscoveryCounter.DROP_SELF;
        }
        final InetSocketAddress candidate = new InetSocketAddress(address, port);
        final NodeId sender = f.senderAsNodeId();
        final boolean linkLocal = address instanceof Inet6Address v6 && v6.isLinkLocalAddress();
        if (recent(offered.get(candidate), nowMs) || (linkLocal && recent(offeredRoutable.get(sender), nowMs))) {
            return DiscoveryCounter.DUPLICATE;
        }
        offered.put(candidate, nowMs);
        if (!linkLocal) {
            offeredRoutable.put(sender, nowMs);
        }
        candidates.accept(candidate);
        return DiscoveryCounter.CANDIDATES;
    }

    private boolean recent(final Long atMs, final long nowMs) {
        return atMs != null && nowMs - atMs < dedupWindowMs;
    }

    /** One token bucket for all sources: a flood from many (spoofed) on-link sources stays bounded too. */
    private boolean takeTotalToken(final long nowMs) {
        if (totalLastMs != Long.MIN_VALUE) {
            final long elapsed = Math.max(0, nowMs - totalLastMs);
            totalTokensMilli = Math.min(DiscoveryConfig.TOTAL_BURST * 1000L, totalTokensMilli + elapsed * DiscoveryConfig.TOTAL_PER_SECOND);
        }
        totalLastMs = nowMs;
        if (totalTokensMilli < 1000) {
            return false;
        }
        totalTokensMilli -= 1000;
        return true;
    }

    static boolean unicast(final InetAddress a) {
        if (a.isMulticastAddress() || a.isAnyLocalAddress()) {
            return false;
        }
        if (a instanceof Inet4Address) {
            final byte[] b = a.getAddress();
            return !((b[0] & 0xFF) == 255 && (b[1] & 0xFF) == 255 && (b[2] & 0xFF) == 255 && (b[3] & 0xFF) == 255);
        }
        return true;
    }

    private static <K> Map<K, Long> bounded() {
        return new LinkedHashMap<>(64, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(final Map.Entry<K, Long> eldest) {
                return size() > DiscoveryConfig.MAX_REMEMBERED;
            }
        };
    }
}
