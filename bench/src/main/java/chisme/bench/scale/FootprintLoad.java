package chisme.bench.scale;

import chisme.bench.sharedstate.HostsBooks;
import chisme.node.admin.AdminClient;
import chisme.node.admin.AdminReply;
import chisme.node.admin.Json;
import chisme.node.admin.NodeNotRunningException;
import chisme.node.config.AdminPaths;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.SplittableRandom;

/**
 * Loads a running node through its admin socket, the entry points the CLI uses ({@code chisme publish},
 * {@code chisme shelf insert}): values are {@code publish} requests of 200 random bytes (a node with no peers
 * keeps its own copy), books are {@code shelf.insert} requests of 1,000 dnsmasq-hosts books ({@link HostsBooks}).
 */
final class FootprintLoad {
    /** Bytes per published value. */
    static final int VALUE_BYTES = 200;
    private static final int BOOKS_PER_INSERT = 1_000;
    private final AdminClient admin;

    FootprintLoad(final Path dataDir) {
        this.admin = new AdminClient(AdminPaths.socket(dataDir));
    }

    /** Waits (bounded) until the node's admin socket accepts connections; the node answers PING slightly before. */
    void awaitAdmin(final long timeoutMs) throws InterruptedException {
        final long end = System.nanoTime() + timeoutMs * 1_000_000;
        while (!AdminClient.isListening(admin.socket())) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("no admin socket at " + admin.socket() + " within " + timeoutMs + " ms");
            }
            Thread.sleep(20);
        }
    }

    /** Publishes {@code n} values; returns how many the node stored (its reply's {@code local} is OK). */
    int values(final int n) throws IOException, NodeNotRunningException {
        final SplittableRandom r = new SplittableRandom(3);
        final byte[] value = new byte[VALUE_BYTES];
        int stored = 0;
        for (int i = 0; i < n; i++) {
            r.nextBytes(value);
            final String b64 = Base64.getEncoder().encodeToString(value);
            final AdminReply reply = call(Json.write(g -> {
                g.writeStartObject();
                g.writeStringField("op", "publish");
                g.writeStringField("valueBase64", b64);
                g.writeEndObject();
            }));
            if (reply.resultJson().contains("\"local\":\"OK\"")) {
                stored++;
            }
        }
        return stored;
    }

    /** Inserts {@code n} books into the {@code hosts} shelf; returns how many the node reports inserted. */
    int books(final int n) throws IOException, NodeNotRunningException {
        int inserted = 0;
        for (int i = 0; i < n; i += BOOKS_PER_INSERT) {
            final String json = HostsBooks.json(i, Math.min(BOOKS_PER_INSERT, n - i));
            final AdminReply reply = call(Json.write(g -> {
                g.writeStartObject();
                g.writeStringField("op", "shelf.insert");
                g.writeStringField("shelf", "hosts");
                g.writeStringField("json", json);
                g.writeEndObject();
            }));
            inserted += Integer.parseInt(reply.resultJson().replaceAll(".*\"inserted\":(\\d+).*", "$1"));
        }
        return inserted;
    }

    private AdminReply call(final String request) throws IOException, NodeNotRunningException {
        final AdminReply reply = admin.call(request);
        if (reply == null || !reply.ok()) {
            throw new IllegalStateException("admin " + request.substring(0, Math.min(60, request.length())) + "...: "
                + (reply == null ? "no reply" : reply.code() + " " + reply.error()));
        }
        return reply;
    }
}
