package chisme.node.daemon;

import chisme.node.admin.AdminError;
import chisme.node.admin.AdminException;
import chisme.node.admin.AdminHandler;
import chisme.node.admin.AdminRequest;
import chisme.node.admin.Json;
import chisme.node.config.HostPort;
import chisme.node.discovery.DiscoveryCounter;
import chisme.node.event.Event;
import chisme.node.kademlia.ContactInfo;
import chisme.node.kademlia.JoinState;
import chisme.node.kademlia.KademliaNode;
import chisme.node.metrics.CounterId;
import chisme.node.transport.Clock;
import chisme.store.DiskSpace;
import chisme.store.StoreStatus;
import chisme.wire.NodeId;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The daemon's admin operations (docs/cli.md lists them with the CLI command using each). Runs on the
 * admin server's virtual threads; every node operation goes through the thread-safe facades
 * ({@link KademliaNode}, shared-state), which hand work to the node thread.
 */
final class NodeAdminHandler implements AdminHandler {
    /** Follow mode sends a heartbeat this often so a vanished client is noticed. */
    static final long FOLLOW_HEARTBEAT_MS = 2_000;
    private final NodeDaemon daemon;
    private final KademliaNode node;
    private final ShelfOps shelves;
    private final NetworkKeyOps keys;

    NodeAdminHandler(final NodeDaemon daemon) {
        this.daemon = daemon;
        this.node = daemon.node();
        this.shelves = new ShelfOps(daemon);
        this.keys = new NetworkKeyOps(node.networkKeyring(), daemon.config().dataDir());
    }

    @Override
    public String handle(final AdminRequest r, final Stream stream) throws AdminException, IOException {
        return switch (r.op()) {
            case "ping" -> "\"pong\"";
            case "status" -> status();
            case "peers" -> peers();
            case "stats" -> stats();
            case "join" -> join(r);
            case "publish" -> publish(r);
            case "get" -> get(r);
            case "logs" -> logs(r, stream);
            case "test.crash", "test.stall" -> testFault(r);
            case "shelf.insert", "shelf.get", "shelf.dump", "shelf.remove", "shelf.sync", "shelf.list",
                 "shelf.reqsync", "shelf.bleach", "shelf.register", "shelf.neighbours" -> shelves.handle(r);
            case "keys.list", "keys.install", "keys.use", "keys.remove" -> keys.handle(r);
            default -> {
                final AdminHandler extra = daemon.extraOps();
                if (extra == null) {
                    throw new AdminException(AdminError.UNKNOWN_OP, "unknown operation '" + r.op() + "'");
                }
                yield extra.handle(r, stream);
            }
        };
    }

    private String status() {
        final List<ContactInfo> contacts = node.contacts();
        final InetSocketAddress a = node.localAddress();
        final int values = daemon.stores().tuples().size();
        final Map<String, Integer> shelfCounts = shelves.counts();
        final JoinState join = node.joinState();
        final long nowMs = System.currentTimeMillis();
        return Json.write(g -> {
            g.writeStartObject();
            g.writeStringField("id", node.id().toHex());
            g.writeStringField("name", daemon.config().name());
            g.writeStringField("address", a.getAddress().getHostAddress());
            g.writeNumberField("port", a.getPort());
            g.writeNumberField("uptimeMs", System.currentTimeMillis() - daemon.startedAtMs());
            g.writeNumberField("contacts", contacts.size());
            g.writeObjectFieldStart("join");
            g.writeStringField("state", join.phase().name());
            g.writeNumberField("attempts", join.attempts());
            if (join.nextAttemptAtMs() > 0) {
                g.writeNumberField("nextAttemptInMs", Math.max(0, join.nextAttemptAtMs() - nowMs));
            }
            if (!join.lastFailure().isEmpty()) {
                g.writeStringField("lastFailure", join.lastFailure());
            }
            if (join.joinedAtMs() > 0) {
                g.writeNumberField("joinedMsAgo", Math.max(0, nowMs - join.joinedAtMs()));
            }
            g.writeEndObject();
            g.writeNumberField("values", values);
            g.writeBooleanField("persistent", daemon.stores().persistent());
            g.writeStringField("dataDir", daemon.config().dataDir().toString());
            NetworkKeyOps.writeStatus(g, node.networkKeyring());
            final String bookKey = daemon.sharedState().signingKeyId();
            g.writeStringField("bookSigningKey", bookKey == null ? "off" : bookKey);
            final DiskSpace disk = daemon.stores().disk();
            if (disk != null) {
                g.writeObjectFieldStart("disk");
                g.writeBooleanField("full", disk.full());
                g.writeNumberField("freeBytes", disk.freeBytes());
                g.writeNumberField("reserveBytes", disk.reserveBytes());
                g.writeNumberField("writesRefused", disk.refused());
                g.writeEndObject();
            }
            g.writeArrayFieldStart("storeDamage");
            for (final String d : daemon.stores().damage()) {
                g.writeString(d);
            }
            g.writeEndArray();
            g.writeObjectFieldStart("shelves");
            for (final Map.Entry<String, Integer> e : shelfCounts.entrySet()) {
                g.writeNumberField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    private String peers() {
        final List<ContactInfo> contacts = node.contacts();
        final long nowMs = Clock.SYSTEM.nowMs();
        return Json.write(g -> {
            g.writeStartArray();
            for (final ContactInfo c : contacts) {
                g.writeStartObject();
                g.writeStringField("id", c.id().toHex());
                g.writeStringField("address", c.address().getAddress().getHostAddress());
                g.writeNumberField("port", c.address().getPort());
                g.writeNumberField("bucket", c.bucket());
                g.writeNumberField("lastSeenMsAgo", Math.max(0, nowMs - c.lastSeenMs()));
                g.writeNumberField("failures", c.failures());
                g.writeEndObject();
            }
            g.writeEndArray();
        });
    }

    private String stats() {
        final Map<CounterId, Long> counters = node.counters().snapshot();
        return Json.write(g -> {
            g.writeStartObject();
            for (final Map.Entry<CounterId, Long> e : counters.entrySet()) {
                g.writeNumberField(e.getKey().name().toLowerCase(java.util.Locale.ROOT), e.getValue());
            }
            g.writeNumberField("admin_requests", daemon.admin().requests());
            g.writeNumberField("admin_bad_requests", daemon.admin().badRequests());
            g.writeNumberField("admin_idle_closed", daemon.admin().idleClosed());
            final DiskSpace disk = daemon.stores().disk();
            g.writeNumberField("disk_writes_refused", disk == null ? 0 : disk.refused());
            if (daemon.discovery() != null) {
                for (final Map.Entry<DiscoveryCounter, Long> e : daemon.discovery().counters().snapshot().entrySet()) {
                    g.writeNumberField("link_discovery_" + e.getKey().name().toLowerCase(java.util.Locale.ROOT), e.getValue());
                }
            }
            shelves.writeCounters(g);
            g.writeEndObject();
        });
    }

    private String join(final AdminRequest r) throws AdminException {
        final InetSocketAddress target = address(r.string("address"));
        final int size;
        try {
            // join() reports the table size afterwards, which is non-zero when we already had contacts even if
            // the named node is dead; IDENTIFY asks that node itself first.
            if (node.identify(target).isEmpty()) {
                throw new AdminException(AdminError.FAILED, "join: no node answered at " + r.string("address"));
            }
            size = node.join(target);
        } catch (final RuntimeException e) {
            throw new AdminException(AdminError.FAILED, "join " + r.string("address") + " failed: " + NodeDaemon.rootMessage(e));
        }
        if (size == 0) {
            throw new AdminException(AdminError.FAILED, "join: no node answered at " + r.string("address"));
        }
        return Json.write(g -> {
            g.writeStartObject();
            g.writeNumberField("contacts", size);
            g.writeEndObject();
        });
    }

    static InetSocketAddress address(final String text) throws AdminException {
        try {
            return HostPort.parse(text).resolve();
        } catch (final IllegalArgumentException e) {
            throw new AdminException(AdminError.INVALID_ARGUMENT, e.getMessage());
        } catch (final UnknownHostException e) {
            throw new AdminException(AdminError.INVALID_ARGUMENT, "cannot resolve host in '" + text + "'");
        }
    }

    private String publish(final AdminRequest r) throws AdminException {
        final byte[] value;
        try {
            value = Base64.getDecoder().decode(r.string("valueBase64"));
        } catch (final IllegalArgumentException e) {
            throw new AdminException(AdminError.INVALID_ARGUMENT, "valueBase64 is not base64");
        }
        if (value.length == 0) {
            throw new AdminException(AdminError.INVALID_ARGUMENT, "empty value");
        }
        if (value.length > daemon.config().maxValueBytes()) {
            throw new AdminException(AdminError.INVALID_ARGUMENT,
                "value of " + value.length + " bytes is over the " + daemon.config().maxValueBytes() + "-byte limit");
        }
        final KademliaNode.Published p;
        try {
            p = node.publishWithCopies(value);
        } catch (final RuntimeException e) {
            throw new AdminException(AdminError.FAILED, "publish failed: " + NodeDaemon.rootMessage(e));
        }
        final NodeId key = NodeId.sha1(value);
        if (p.copies() == 0) {
            // Stored nowhere: say so and why, never a key that leads to nothing.
            throw new AdminException(AdminError.FAILED, notStored(p.local()) + "; no node reachable: value not stored");
        }
        return Json.write(g -> {
            g.writeStartObject();
            g.writeStringField("key", key.toHex());
            g.writeStringField("local", p.local().name());
            g.writeNumberField("remoteCopies", p.remoteCopies());
            g.writeNumberField("copies", p.copies());
            if (p.local() != StoreStatus.OK) {
                g.writeStringField("localReason", notStored(p.local()));
            }
            g.writeEndObject();
        });
    }

    /** Why this node's store did not take a value, in the words the CLI prints. */
    private String notStored(final StoreStatus local) {
        return switch (local) {
            case FULL -> "local store full";
            case TOO_LARGE -> "value too large for the local store";
            case DISK_FULL -> daemon.stores().disk() == null ? "disk full" : daemon.stores().disk().describe();
            case OK, STALE -> "stored locally";
        };
    }

    /**
     * Fault injection for the process tests, available only when the JVM runs with
     * {@code -Dchisme.test.faults=true}: {@code test.crash} throws an Error on the node thread (as a faulting
     * mapped write would), {@code test.stall} blocks it for {@code ms}.
     */
    private String testFault(final AdminRequest r) throws AdminException {
        if (!Boolean.getBoolean("chisme.test.faults")) {
            throw new AdminException(AdminError.UNKNOWN_OP, "unknown operation '" + r.op() + "'");
        }
        if (r.op().equals("test.crash")) {
            node.scheduler().execute(() -> {
                throw new InternalError("test hook: simulated fault on the node thread");
            });
        } else {
            final long ms = r.number("ms", 60_000);
            node.scheduler().execute(() -> {
                try {
                    Thread.sleep(ms);
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        return "null";
    }

    private String get(final AdminRequest r) throws AdminException {
        final String hex = r.string("key").trim().toLowerCase(java.util.Locale.ROOT);
        if (!NodeId.isHex(hex)) {
            throw new AdminException(AdminError.INVALID_ARGUMENT, "invalid key '" + r.string("key") + "': expected 40 hex digits");
        }
        final Optional<byte[]> v;
        try {
            v = node.get(NodeId.fromHex(hex));
        } catch (final RuntimeException e) {
            throw new AdminException(AdminError.FAILED, "get failed: " + NodeDaemon.rootMessage(e));
        }
        if (v.isEmpty()) {
            throw new AdminException(AdminError.NOT_FOUND, "no value for key " + hex);
        }
        return Json.string(Base64.getEncoder().encodeToString(v.get()));
    }

    private String logs(final AdminRequest r, final Stream stream) throws IOException {
        final int limit = (int) Math.max(1, Math.min(node.events().capacity(), r.number("limit", 100)));
        final List<Event> recent = node.events().recent(limit);
        if (!r.flag("follow")) {
            return Json.write(g -> {
                g.writeStartArray();
                for (final Event e : recent) {
                    writeEvent(g, e);
                }
                g.writeEndArray();
            });
        }
        long last = node.events().lastSequence() - recent.size();
        for (final Event e : recent) {
            stream.send(Json.write(g -> writeEvent(g, e)));
            last = e.sequence();
        }
        // Ends when the client goes away (send fails) or the daemon stops (its connections are closed).
        while (daemon.admin() != null && !Thread.currentThread().isInterrupted()) {
            final List<Event> next;
            try {
                next = node.events().await(last, FOLLOW_HEARTBEAT_MS);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (next.isEmpty()) {
                stream.send("null");
            }
            for (final Event e : next) {
                stream.send(Json.write(g -> writeEvent(g, e)));
                last = e.sequence();
            }
        }
        return "null";
    }

    /** Events carry the node's monotonic clock; the CLI shows wall time, so convert with the current offset. */
    static void writeEvent(final JsonGenerator g, final Event e) throws IOException {
        final long wallOffsetMs = System.currentTimeMillis() - Clock.SYSTEM.nowMs();
        g.writeStartObject();
        g.writeNumberField("seq", e.sequence());
        g.writeNumberField("timeMs", e.timeMs() + wallOffsetMs);
        g.writeStringField("type", e.type().name());
        g.writeStringField("message", e.message());
        g.writeEndObject();
    }
}
