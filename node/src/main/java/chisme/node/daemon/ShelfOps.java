package chisme.node.daemon;

import chisme.node.admin.AdminError;
import chisme.node.admin.AdminException;
import chisme.node.admin.AdminRequest;
import chisme.node.admin.Json;
import chisme.node.sharedstate.SharedState;
import chisme.node.sharedstate.SharedStateCounter;
import chisme.node.sharedstate.SharedStateEngine;
import chisme.node.sharedstate.SharedStateException;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Admin operations on shelves, delegated to the node's {@link SharedState} (thread-safe: it hands work to
 * the node thread). Its one-line {@link SharedStateException}s become error replies.
 */
final class ShelfOps {
    private final SharedState ss;
    private final java.nio.file.Path asyncRegistry;

    ShelfOps(final NodeDaemon daemon) {
        this.ss = daemon.sharedState();
        this.asyncRegistry = daemon.config().asyncRegistry();
    }

    String handle(final AdminRequest r) throws AdminException {
        try {
            return switch (r.op()) {
                case "shelf.insert" -> {
                    final SharedStateEngine.InsertResult res = ss.insert(multiWriter(registered(r), r), r.string("json"));
                    yield Json.write(g -> {
                        g.writeStartObject();
                        g.writeNumberField("inserted", res.inserted());
                        g.writeNumberField("refreshed", res.refreshed());
                        g.writeEndObject();
                    });
                }
                case "shelf.get" -> {
                    final String shelf = multiWriter(known(r), r);
                    yield "libremesh".equals(r.string("format", "")) ? ss.dumpLibremesh(shelf) : ss.get(shelf);
                }
                case "shelf.dump" -> ss.dump(known(r));
                case "shelf.remove" -> {
                    final int n = ss.remove(r.string("shelf"), r.string("json"));
                    yield "{\"removed\":" + n + "}";
                }
                case "shelf.sync" -> sync(r);
                case "shelf.list" -> Json.write(g -> {
                    g.writeStartObject();
                    for (final Map.Entry<String, Integer> e : counts().entrySet()) {
                        g.writeNumberField(e.getKey(), e.getValue());
                    }
                    g.writeEndObject();
                });
                case "shelf.bleach" -> {
                    // LibreMesh's cron bleach decrements every TTL; chisme's TTLs count down continuously and
                    // expired books are dropped by the node's expiry timer, so there is nothing left to do.
                    chisme.node.sharedstate.ShelfNames.require(r.string("shelf"));
                    yield "{\"expiry\":\"continuous\"}";
                }
                case "shelf.reqsync" -> r.flag("multiwriter") ? ss.reqsyncMultiWriter(r.string("shelf"), r.string("json"))
                    : ss.reqsync(r.string("shelf"), r.string("json"));
                case "shelf.register" -> {
                    final long ttlS = r.number("ttlS", 0);
                    final long intervalS = r.number("syncIntervalS", 0);
                    if (ttlS < 1 || ttlS > 4_294_967 || intervalS < 1 || intervalS > 86_400) {
                        throw new AdminException(AdminError.INVALID_ARGUMENT, "register: ttl 1..4294967 s and update interval 1..86400 s");
                    }
                    ss.register(r.string("shelf"), ttlS * 1000, intervalS * 1000);
                    try {
                        // Kept for the next start, as shared-state-async keeps its registry.
                        chisme.node.config.AsyncRegistry.register(asyncRegistry, new chisme.node.config.AsyncRegistry.Type(
                            r.string("shelf"), r.string("scope", ""), intervalS, ttlS));
                    } catch (final IOException e) {
                        throw new AdminException(AdminError.FAILED, "registered, but cannot write " + asyncRegistry + ": " + e.getMessage());
                    }
                    yield "{\"registered\":true}";
                }
                case "shelf.neighbours" -> Json.write(g -> {
                    g.writeStartArray();
                    for (final InetSocketAddress a : ss.neighbours()) {
                        g.writeString(new chisme.node.config.HostPort(a.getAddress().getHostAddress(), a.getPort()).toString());
                    }
                    g.writeEndArray();
                });
                default -> throw new AdminException(AdminError.UNKNOWN_OP, "unknown operation '" + r.op() + "'");
            };
        } catch (final SharedStateException e) {
            throw new AdminException(code(e.code()), e.getMessage());
        }
    }

    /** The shelf name, refused as NOT_FOUND when {@code known} is asked and the node neither holds nor configures (registers) it. */
    private String known(final AdminRequest r) throws AdminException {
        final String shelf = chisme.node.sharedstate.ShelfNames.require(r.string("shelf"));
        if (r.flag("known") && !counts().containsKey(shelf) && !ss.config().shelves().containsKey(shelf)) {
            throw new AdminException(AdminError.NOT_FOUND, "unknown shelf '" + shelf + "' (shelves: " + String.join(", ", counts().keySet()) + ")");
        }
        return shelf;
    }

    /**
     * The shelf name, refused as NOT_FOUND when {@code registered} is asked and no configuration names it
     * (chisme.conf {@code shelf.NAME.*}, a UCI {@code config dataType} section or the async registry):
     * shared-state-async's insert accepts registered types only (app/shared_state_cli.cc, error 2000).
     */
    private String registered(final AdminRequest r) throws AdminException {
        final String shelf = chisme.node.sharedstate.ShelfNames.require(r.string("shelf"));
        if (r.flag("registered") && !ss.config().shelves().containsKey(shelf)) {
            throw new AdminException(AdminError.NOT_FOUND, "unknown data type '" + shelf + "' (not registered: no UCI dataType section, "
                + "shared-state-async register or shelf." + shelf + ".* setting)");
        }
        return shelf;
    }

    /**
     * The shelf, made a multiwriter shelf first when {@code multiwriter} is asked (LibreMesh's
     * {@code shared-state-multiwriter} names its types without registering them).
     */
    private String multiWriter(final String shelf, final AdminRequest r) throws AdminException {
        if (r.flag("multiwriter")) {
            ss.multiWriter(shelf);
        }
        return shelf;
    }

    private String sync(final AdminRequest r) throws AdminException {
        multiWriter(r.string("shelf"), r);
        final List<InetSocketAddress> targets = new ArrayList<>();
        for (final String n : r.strings("neighbours")) {
            targets.add(NodeAdminHandler.address(n));
        }
        final SharedState.SyncResult res = ss.sync(r.string("shelf"), targets);
        if (res.neighbours() > 0 && res.answered() == 0) {
            throw new AdminException(AdminError.FAILED, "sync: none of " + res.neighbours() + " neighbours answered");
        }
        return Json.write(g -> {
            g.writeStartObject();
            g.writeNumberField("neighbours", res.neighbours());
            g.writeNumberField("answered", res.answered());
            g.writeNumberField("booksReceived", res.booksReceived());
            g.writeNumberField("bytes", res.bytes());
            g.writeEndObject();
        });
    }

    /** Books per shelf (held or configured). */
    Map<String, Integer> counts() {
        final Map<String, Integer> out = new TreeMap<>();
        for (final SharedStateEngine.ShelfInfo s : ss.shelves()) {
            out.put(s.shelf(), s.books());
        }
        return out;
    }

    void writeCounters(final JsonGenerator g) throws IOException {
        for (final Map.Entry<SharedStateCounter, Long> e : ss.counters().snapshot().entrySet()) {
            g.writeNumberField("shelf_" + e.getKey().name().toLowerCase(Locale.ROOT), e.getValue());
        }
    }

    private static AdminError code(final SharedStateException.Code c) {
        return switch (c) {
            case INVALID_JSON, WRONG_JSON_TYPE, INVALID_SHELF_NAME, INVALID_KEY, BOOK_TOO_LARGE, BAD_CONFIG -> AdminError.INVALID_ARGUMENT;
            case SHELF_FULL, STORE_FULL, UNAVAILABLE, NOT_AUTHOR -> AdminError.FAILED;
        };
    }

    private static String firstLine(final String s) {
        if (s == null) {
            return "";
        }
        final int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
