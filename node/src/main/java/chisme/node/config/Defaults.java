package chisme.node.config;

import chisme.node.kademlia.KademliaConfig;

/**
 * Where the defaults of {@code chisme node}'s Kademlia settings come from: {@link KademliaConfig}'s own
 * (the xlattice constants, cited there). {@link NodeConfig} starts from them and {@link ConfigKey} shows them,
 * so each number is written once; docs/configuration.md lists the same values (ConfigDefaultsTest checks
 * every key's default against NodeConfig and the docs).
 */
final class Defaults {
    static final KademliaConfig KADEMLIA = new KademliaConfig();
    /** The node spreads handoff STOREs over KademliaConfig's ticks (10 a second). */
    static final long HANDOFF_TICK_MS = KADEMLIA.handoffTickMs();
    static final int HANDOFF_STORES_PER_S = (int) (KADEMLIA.handoffStoresPerTick() * 1000 / HANDOFF_TICK_MS);

    private Defaults() {
    }

    static long seconds(final long ms) {
        return ms / 1000;
    }
}
