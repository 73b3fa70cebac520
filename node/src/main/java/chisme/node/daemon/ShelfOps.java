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
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Admin operations on shelves, delegated to the node's {@link SharedState} (thread-safe: it hands work to
 * the node thread). Its one-line {@link SharedStateException}s become error replies.
 */
final class ShelfOps {
    private final SharedState ss;

    ShelfOps(final NodeDaemon daemon) {
        this.ss = daemon.sharedState();
    }

    String handle(final AdminRequest r) throws AdminException {
        try {
            return switch (r.op()) {
                case "shelf.insert" -> {
                    final SharedStateEngine.InsertResult res = ss.insert(r.string("shelf"), r.string("json"));
                    yield Json.write(g -> {
                        g.writeStartObject();
                        g.writeNumberField("inserted", res.inserted());
                        g.writeNumberField("refreshed", res.refreshed());
                        g.writeEndObject();
                    });
                }
                case "shelf.get" -> {
                    final String shelf = known(r);
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
                case "shelf.reqsync" -> reqsync(r.string("shelf"), r.string("json"));
                default -> throw new AdminException(AdminError.UNKNOWN_OP, "unknown operation '" + r.op() + "'");
            };
        } catch (final SharedStateException e) {
            throw new AdminException(code(e.code()), e.getMessage());
        }
    }

    /** The shelf name, refused as NOT_FOUND when {@code known} is asked and the node neither holds nor configures it. */
    private String known(final AdminRequest r) throws AdminException {
        final String shelf = chisme.node.sharedstate.ShelfNames.require(r.string("shelf"));
        if (r.flag("known") && !counts().containsKey(shelf)) {
            throw new AdminException(AdminError.NOT_FOUND, "unknown shelf '" + shelf + "' (shelves: " + String.join(", ", counts().keySet()) + ")");
        }
        return shelf;
    }

    private String sync(final AdminRequest r) throws AdminException {
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

    /**
     * LibreMesh's {@code reqsync}: merge a peer's Lua-format map {@code {key: {bleachTTL, author, data}}}
     * and print the merged shelf. Entries whose key this node does not hold live are inserted (this node
     * becomes their author: chisme versions are not derivable from bleachTTL); keys already held keep
     * chisme's copy, which then spreads back through gossip. Entries with null data are skipped.
     */
    private String reqsync(final String shelf, final String json) throws AdminException {
        chisme.node.sharedstate.ShelfNames.require(shelf);
        final Set<String> held = new HashSet<>(keys(ss.get(shelf)));
        final StringWriter w = new StringWriter();
        int fresh = 0;
        try (JsonParser p = Json.FACTORY.createParser(json); JsonGenerator g = Json.FACTORY.createGenerator(w)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new AdminException(AdminError.INVALID_ARGUMENT, "reqsync expects a JSON object {key: {bleachTTL, author, data}}");
            }
            g.writeStartObject();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                final String key = p.currentName();
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    throw new AdminException(AdminError.INVALID_ARGUMENT, "reqsync: entry '" + key + "' is not an object");
                }
                String data = null;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    final String f = p.currentName();
                    p.nextToken();
                    if (f.equals("data") && p.currentToken() != JsonToken.VALUE_NULL) {
                        final StringWriter dw = new StringWriter();
                        try (JsonGenerator dg = Json.FACTORY.createGenerator(dw)) {
                            Json.copyExact(p, dg);
                        }
                        data = dw.toString();
                    } else {
                        p.skipChildren();
                    }
                }
                if (data != null && !held.contains(key)) {
                    g.writeFieldName(key);
                    g.writeRawValue(data);
                    fresh++;
                }
            }
            g.writeEndObject();
        } catch (final IOException e) {
            throw new AdminException(AdminError.INVALID_ARGUMENT, "invalid JSON: " + firstLine(e.getMessage()));
        }
        if (fresh > 0) {
            ss.insert(shelf, w.toString());
        }
        return ss.dumpLibremesh(shelf);
    }

    private static List<String> keys(final String jsonObject) {
        final List<String> out = new ArrayList<>();
        try (JsonParser p = Json.FACTORY.createParser(jsonObject)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                out.add(p.currentName());
                p.nextToken();
                p.skipChildren();
            }
        } catch (final IOException e) {
            // our own output: cannot happen
        }
        return out;
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
