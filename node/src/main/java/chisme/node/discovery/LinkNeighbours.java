package chisme.node.discovery;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Link neighbours that answered a PING recently: one hop away, which is what shared-state gossips with
 * (libremesh-shared-state.md "Sync"). Bounded; entries not verified again within the expiry are
 * forgotten. Any thread.
 */
public final class LinkNeighbours {
    private final long expiryMs;
    private final Map<InetSocketAddress, Long> verifiedAtMs = new ConcurrentHashMap<>();

    public LinkNeighbours(final long expiryMs) {
        this.expiryMs = expiryMs;
    }

    /** Records that {@code address} answered at {@code nowMs}. */
    public void verified(final InetSocketAddress address, final long nowMs) {
        if (verifiedAtMs.size() >= DiscoveryConfig.MAX_REMEMBERED && !verifiedAtMs.containsKey(address)) {
            prune(nowMs);
            if (verifiedAtMs.size() >= DiscoveryConfig.MAX_REMEMBERED) {
                return;
            }
        }
        verifiedAtMs.put(address, nowMs);
    }

    /** The neighbours verified within the expiry (never blocks: called on the node thread). */
    public List<InetSocketAddress> current(final long nowMs) {
        prune(nowMs);
        return new ArrayList<>(verifiedAtMs.keySet());
    }

    private void prune(final long nowMs) {
        verifiedAtMs.values().removeIf(at -> nowMs - at >= expiryMs);
    }
}
