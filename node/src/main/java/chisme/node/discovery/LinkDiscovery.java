package chisme.node.discovery;

import chisme.node.metrics.Counters;
import chisme.node.metrics.EnumCounters;
import chisme.node.security.DatagramSealer;
import chisme.node.security.Keyring;
import chisme.node.transport.Clock;
import chisme.wire.NodeId;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Finds chisme nodes on this node's links without configuration (docs/architecture.md "Discovery"), the
 * way LibreMesh finds shared-state candidates by pinging ff02::1, but with a group of its own: every
 * round it multicasts an ANNOUNCE (node id + UDP port) on each chosen link, over IPv4 and IPv6, and it
 * hands every announcement that passes the {@link AnnouncementFilter} to the candidate consumer, which
 * verifies it with a PING before use. Runs on one thread of its own ({@code link-discovery}); the node
 * thread is never involved. Interfaces are re-read every round, so links that come up later are used.
 * <pre>
 *   var d = new LinkDiscovery(config, node.id(), bind, node.localAddress().getPort(), verifier, Clock.SYSTEM, Links::scan, log::info);
 *   d.start();
 * </pre>
 */
public final class LinkDiscovery implements AutoCloseable {
    private static final int RECEIVE_BATCH = 64;

    private final DiscoveryConfig config;
    private final InetAddress bind;
    private final int nodePort;
    private final Clock clock;
    private final Supplier<List<Link>> interfaces;
    private final Consumer<String> notes;
    private final EnumCounters<DiscoveryCounter> counters = new EnumCounters<>(DiscoveryCounter.class);
    private final AnnouncementFilter filter;
    private final AnnounceSchedule schedule;
    private final ByteBuffer receiveBytes = ByteBuffer.allocateDirect(AnnouncementCodec.MAX_BYTES + DatagramSealer.OVERHEAD_BYTES);
    private final UnsafeBuffer receiveBuffer = new UnsafeBuffer(receiveBytes);
    private final ByteBuffer frame;
    private final DatagramSealer sealer;
    private final ByteBuffer sealedFrame = ByteBuffer.allocate(AnnouncementCodec.MAX_BYTES + DatagramSealer.OVERHEAD_BYTES);
    private final ByteBuffer openedBytes = ByteBuffer.allocate(AnnouncementCodec.MAX_BYTES);
    private final UnsafeBuffer openedBuffer = new UnsafeBuffer(openedBytes.array());
    private volatile Links links = new Links(List.of());
    private volatile boolean running;
    private boolean noted;
    private MulticastChannels channels;
    private Selector selector;
    private Thread thread;

    /**
     * @param bind       the node's bind address (wildcard or one address: see {@link Links})
     * @param nodePort   the node's UDP port, the one announced
     * @param candidates receives each new endpoint; it must verify it with a PING before using it
     * @param interfaces the host's interfaces, read every round ({@link Links#scan} for the real ones)
     * @param notes      one-line messages for the daemon log (links chosen, changes)
     */
    public LinkDiscovery(final DiscoveryConfig config, final NodeId localId, final InetAddress bind, final int nodePort,
                         final Consumer<InetSocketAddress> candidates, final Clock clock, final Supplier<List<Link>> interfaces,
                         final Consumer<String> notes) {
        this(config, localId, bind, nodePort, candidates, clock, interfaces, notes, null);
    }

    /**
     * As above, with the node's network keyring (issue 12 item 1: "multicast discovery uses the same key"):
     * while it holds a key, announcements go out sealed with its primary key and only announcements sealed
     * with an installed key are read; without one, both are plain. Null: always plain.
     */
    public LinkDiscovery(final DiscoveryConfig config, final NodeId localId, final InetAddress bind, final int nodePort,
                         final Consumer<InetSocketAddress> candidates, final Clock clock, final Supplier<List<Link>> interfaces,
                         final Consumer<String> notes, final Keyring keyring) {
        // Its own sealer: this thread is not the node thread (a sealer is single-threaded), and its counters
        // are private; what matters to an operator is counted as DROP_NOT_SEALED.
        this.sealer = keyring == null ? null : new DatagramSealer(keyring, new Counters());
        this.config = config.conclude();
        this.bind = bind;
        this.nodePort = nodePort;
        this.clock = clock;
        this.interfaces = interfaces;
        this.notes = notes;
        this.filter = new AnnouncementFilter(localId, nodePort, config.dedupWindowMs(), counters, candidates);
        this.schedule = new AnnounceSchedule(config.intervalMs(), new SplittableRandom());
        final UnsafeBuffer out = new UnsafeBuffer(new byte[AnnouncementCodec.MAX_BYTES]);
        final int length = new AnnouncementCodec().encode(out, localId, nodePort);
        this.frame = ByteBuffer.wrap(out.byteArray(), 0, length).asReadOnlyBuffer();
    }

    /**
     * Opens the discovery port, joins the groups and starts the thread; IOException with a one-line reason.
     * Returns false, opening nothing, when the node is bound to a single address that no usable interface
     * holds (e.g. 127.0.0.1 with {@code lo} not named): no link can ever be used then.
     */
    public synchronized boolean start() throws IOException {
        if (thread != null) {
            return true;
        }
        if (!bind.isAnyLocalAddress() && Links.select(interfaces.get(), config.interfaces(), bind).isEmpty()) {
            notes.accept("link discovery: nothing to do, no usable interface holds the bind address " + bind.getHostAddress()
                + (bind.isLoopbackAddress() ? " (name lo with link-discovery-interface to use loopback)" : ""));
            return false;
        }
        channels = MulticastChannels.open(config, bind, counters);
        try {
            selector = Selector.open();
            channels.receiveChannel().register(selector, SelectionKey.OP_READ);
        } catch (final IOException e) {
            channels.close();
            throw new IOException("link discovery: cannot open a selector: " + e.getMessage(), e);
        }
        refreshLinks();
        running = true;
        thread = Thread.ofPlatform().daemon().name("link-discovery").start(this::run);
        return true;
    }

    public EnumCounters<DiscoveryCounter> counters() {
        return counters;
    }

    /** The links chosen in the last round. */
    public Links links() {
        return links;
    }

    private void run() {
        long nextRoundMs = clock.nowMs() + schedule.firstDelayMs();
        while (running) {
            try {
                final long waitMs = nextRoundMs - clock.nowMs();
                if (waitMs > 0) {
                    selector.select(waitMs);
                }
                selector.selectedKeys().clear();
                drain();
                if (clock.nowMs() >= nextRoundMs) {
                    refreshLinks();
                    announce();
                    nextRoundMs = clock.nowMs() + schedule.nextDelayMs();
                }
            } catch (final IOException | RuntimeException e) {
                if (!running) {
                    return;
                }
                // A socket error must not end discovery: count it and carry on at the next round.
                counters.increment(DiscoveryCounter.SOCKET_ERRORS);
                nextRoundMs = Math.max(nextRoundMs, clock.nowMs() + 1_000);
            }
        }
    }

    private void drain() throws IOException {
        for (int i = 0; i < RECEIVE_BATCH; i++) {
            receiveBytes.clear();
            final SocketAddress source = channels.receive(receiveBytes);
            if (source == null) {
                return;
            }
            if (sealer == null || sealer.open()) {
                filter.onDatagram(receiveBuffer, 0, receiveBytes.position(), (InetSocketAddress) source, clock.nowMs());
                continue;
            }
            receiveBytes.flip();
            openedBytes.clear();
            final int length = sealer.open(receiveBytes, (InetSocketAddress) source, openedBytes);
            if (length < 0) {
                counters.increment(DiscoveryCounter.DROP_NOT_SEALED); // plain, another network's key, replayed or forged
                continue;
            }
            filter.onDatagram(openedBuffer, 0, length, (InetSocketAddress) source, clock.nowMs());
        }
    }

    private void refreshLinks() {
        final Links now = Links.select(interfaces.get(), config.interfaces(), bind);
        if (!noted || !now.all().equals(links.all())) {
            noted = true;
            notes.accept(now.isEmpty()
                ? "link discovery: no interface to announce on" + (config.interfaces().isEmpty() ? "" : " (named: " + config.interfaces() + ")")
                : "link discovery on " + now.names() + ": groups " + config.group4().getHostAddress() + ", "
                    + compact(config.group6()) + " port " + config.port() + ", every " + config.intervalMs() / 1000 + " s");
        }
        links = now;
        channels.update(now);
        filter.links(now);
    }

    /** ff02:0:0:0:0:0:c7:1 -> ff02::c7:1 (the first run of zero groups), for logs. */
    static String compact(final InetAddress a) {
        return a.getHostAddress().replaceFirst("(^|:)(0(:|$)){2,}", "::");
    }

    private void announce() {
        for (final Link l : links.all()) {
            channels.send(l, sealedOrPlain());
        }
    }

    /** The announcement, sealed afresh (a new nonce) for each send while the keyring holds a key. */
    private ByteBuffer sealedOrPlain() {
        if (sealer == null) {
            return frame;
        }
        sealedFrame.clear();
        if (sealer.seal(frame.duplicate(), sealedFrame) < 0) {
            return frame; // no key installed: the network is open
        }
        return sealedFrame.flip();
    }

    /** Stops the thread and closes the sockets (leaving the groups). */
    @Override
    public synchronized void close() {
        running = false;
        if (selector != null) {
            selector.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(2_000);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (channels != null) {
            channels.close();
        }
        if (selector != null) {
            try {
                selector.close();
            } catch (final IOException ignored) {
                // only the file descriptor to release
            }
        }
    }
}
