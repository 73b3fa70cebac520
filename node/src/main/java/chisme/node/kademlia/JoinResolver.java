package chisme.node.kademlia;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Consumer;

/**
 * The configured {@code join} addresses, resolved again before every bootstrap attempt (a DNS name may
 * appear later). Name resolution blocks, so it must not run on the node thread: an implementation resolves
 * elsewhere (a virtual thread) and hands the result back through the node's scheduler; {@code done} must
 * be called on the node thread, exactly once. Names that do not resolve are simply left out.
 */
@FunctionalInterface
public interface JoinResolver {
    JoinResolver NONE = done -> done.accept(List.of());

    void resolve(Consumer<List<InetSocketAddress>> done);

    /** Fixed literal addresses (the simulator, tests): nothing to resolve. */
    static JoinResolver of(final List<InetSocketAddress> addresses) {
        final List<InetSocketAddress> copy = List.copyOf(addresses);
        return done -> done.accept(copy);
    }
}
