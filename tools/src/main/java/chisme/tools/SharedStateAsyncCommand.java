package chisme.tools;

import chisme.wire.ShelfName;
import chisme.node.config.AsyncRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * LibreMesh compatibility with shared-state-async's CLI (app/shared-state-async.cc and
 * app/shared_state_cli.cc of libremesh/shared-state-async): {@code get}, {@code dump}, {@code insert},
 * {@code sync}, {@code register}, {@code discover}; {@code peer} is the daemon and is started by
 * bin/shared-state-async. Output formats are the real tool's byte for byte ({@link LibremeshJson#rapidPretty}):
 * <pre>
 *   get TYPE    {key: data}, keys in byte order (std::map), 4-space RapidJSON pretty print; {} when empty
 *   dump TYPE   [{"key": K, "value": {"mAuthor": A, "mTtl": {"xint64": S, "xstr64": "S"}, "mData": D}}]
 *               (libretroshare's std::map and int64 serialisation); {} when empty
 * </pre>
 * Exit statuses as the real tool: unknown type 208 (its error 2000 truncated to 8 bits), invalid JSON
 * on insert 22 (EINVAL), unknown operation or missing argument 234 (-EINVAL), bad peer address 242
 * (-EFAULT). As the real tool, insert needs a registered type (UCI dataType, register, or a shelf.NAME.*
 * line), checked before stdin is read; get and dump also answer for a shelf the node merely holds.
 */
@Command(name = "shared-state-async", description = {"shared-state-async-compatible command (see docs/libremesh.md):",
    "  get TYPE | dump TYPE | insert TYPE | sync TYPE [IP...] | register TYPE SCOPE UPDATE_INTERVAL_S TTL_S | discover"})
public final class SharedStateAsyncCommand extends ClientCommand {
    static final int UNKNOWN_TYPE = 208;
    static final int EINVAL = 22;
    static final int MINUS_EINVAL = 234;
    static final int MINUS_EFAULT = 242;

    @Parameters(paramLabel = "ARGS", arity = "0..*")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        if (args.isEmpty()) {
            throw new CliException(MINUS_EINVAL, "Usage: shared-state-async OPERATION [ARGUMENTS]; operations: discover, dump, get, insert, peer, register, sync");
        }
        final String op = args.get(0);
        if (op.equals("discover")) {
            return discover();
        }
        if (!List.of("dump", "get", "insert", "sync", "register").contains(op)) {
            throw new CliException(MINUS_EINVAL, "Unsupported operation: " + op
                + (op.equals("peer") ? " (the daemon: run bin/shared-state-async peer or chisme node)" : ""));
        }
        if (args.size() < 2) {
            throw new CliException(MINUS_EINVAL, "Operation: " + op + " needs data-type");
        }
        final String type = args.get(1);
        if (!ShelfName.valid(type)) {
            throw new CliException(MINUS_EINVAL, "invalid data-type '" + type + "': chisme shelves are " + ShelfName.PATTERN);
        }
        return switch (op) {
            case "get" -> get(type);
            case "dump" -> dump(type);
            case "insert" -> insert(type);
            case "sync" -> sync(type);
            default -> register(type);
        };
    }

    private int get(final String type) {
        final Map<String, String> values = JsonValues.split(known("shelf.get", type));
        if (values.isEmpty()) {
            out().println("{}");
            return ExitCode.OK;
        }
        // Re-emit in byte order with each value's own JSON text, then pretty-print as RapidJSON does.
        final StringBuilder b = new StringBuilder("{");
        for (final String key : sortedByBytes(values.keySet()).values()) {
            b.append(b.length() > 1 ? "," : "").append(chisme.node.admin.Json.string(key)).append(':').append(values.get(key));
        }
        out().println(LibremeshJson.rapidPretty(b.append('}').toString()));
        return ExitCode.OK;
    }

    private int dump(final String type) {
        final String raw = known("shelf.dump", type);
        final Map<String, String> entries = JsonValues.split(raw);
        final StringBuilder b = new StringBuilder("[");
        int n = 0;
        for (final String key : sortedByBytes(entries.keySet()).values()) {
            final Map<String, String> e = JsonValues.split(entries.get(key));
            if ("true".equals(e.get("tombstone"))) {
                continue; // a removed key: shared-state-async has no tombstones
            }
            final long ttlS = Math.max(0, Long.parseLong(e.get("ttlMs")) / 1000);
            b.append(n++ > 0 ? "," : "").append("{\"key\":").append(chisme.node.admin.Json.string(key))
                .append(",\"value\":{\"mAuthor\":").append(e.get("author"))
                .append(",\"mTtl\":{\"xint64\":").append(ttlS).append(",\"xstr64\":\"").append(ttlS).append("\"}")
                .append(",\"mData\":").append(e.get("data")).append("}}");
        }
        out().println(n == 0 ? "{}" : LibremeshJson.rapidPretty(b.append(']').toString()));
        return ExitCode.OK;
    }

    private int insert(final String type) {
        final String json = LibremeshInput.object(LibremeshInput.read(ctx));
        // The real tool looks the type up before it reads stdin: an unknown type is 208 even with bad JSON.
        known("shelf.insert", type, "registered", g -> g.writeStringField("json", json == null ? "{}" : json));
        if (json == null) {
            throw new CliException(EINVAL, "Invalid JSON input");
        }
        return ExitCode.OK;
    }

    private int sync(final String type) {
        final List<String> hps = new ArrayList<>();
        // The rpcd object shared-state-async passes every peer in one word, "IP1 IP2 " ("" when none): split it.
        final List<String> words = new ArrayList<>();
        for (final String a : args.subList(2, args.size())) {
            for (final String w : a.strip().split("\\s+")) {
                if (!w.isEmpty()) {
                    words.add(w);
                }
            }
        }
        for (final String a : words) {
            try {
                hps.add(SharedStateCommand.peer(a));
            } catch (final CliException e) {
                throw new CliException(MINUS_EFAULT, "Invalid peer address: " + a);
            }
        }
        SharedStateCommand.lenientSync(this, "shared-state-async", type, hps, false);
        return ExitCode.OK;
    }

    /**
     * {@code register TYPE SCOPE UPDATE_INTERVAL TTL}: a running node applies it at once and records it in
     * its async registry file; with no node running (the async init script registers before it starts
     * the peer) this writes the registry file, which the node reads at start as the real peer does.
     */
    private int register(final String type) {
        if (args.size() != 5) {
            throw new CliException(MINUS_EINVAL, "Usage: shared-state-async register DATA-TYPE TYPE-SCOPE UPDATE-INTERVAL BLEACH-TTL");
        }
        final long interval;
        final long ttl;
        try {
            interval = Long.parseUnsignedLong(args.get(3));
            ttl = Long.parseUnsignedLong(args.get(4));
        } catch (final NumberFormatException e) {
            throw new CliException(MINUS_EINVAL, "register: UPDATE-INTERVAL and BLEACH-TTL are whole seconds");
        }
        if (interval < 1 || interval > 86_400 || ttl < 1 || ttl > 4_294_967) {
            throw new CliException(MINUS_EINVAL, "register: update interval 1..86400 s and ttl 1..4294967 s");
        }
        try {
            call("shelf.register", g -> {
                g.writeStringField("shelf", type);
                g.writeStringField("scope", args.get(2));
                g.writeNumberField("ttlS", ttl);
                g.writeNumberField("syncIntervalS", interval);
            });
        } catch (final CliException e) {
            if (e.exitCode() != ExitCode.NO_NODE) {
                throw e;
            }
            final Path registry = registryPath();
            try {
                AsyncRegistry.register(registry, new AsyncRegistry.Type(type, args.get(2), interval, ttl));
            } catch (final IOException io) {
                throw new CliException(ExitCode.FAILED, "cannot write " + registry + ": " + io.getMessage());
            }
        }
        return ExitCode.OK;
    }

    private int discover() {
        for (final Object n : JsonTree.array(call("shelf.neighbours", NONE))) {
            out().println(n);
        }
        return ExitCode.OK;
    }

    /** The reply of {@code op} for a shelf the node holds or configures; 208 for an unknown one. */
    private String known(final String op, final String type) {
        return known(op, type, "known", g -> { });
    }

    /** {@code op} with {@code flag} set (the node's NOT_FOUND becomes the real tool's 208). */
    private String known(final String op, final String type, final String flag, final chisme.node.admin.Json.Body extra) {
        try {
            return call(op, g -> {
                g.writeStringField("shelf", type);
                g.writeBooleanField(flag, true);
                extra.write(g);
            });
        } catch (final CliException e) {
            if (e.exitCode() == ExitCode.NOT_FOUND) {
                throw new CliException(UNKNOWN_TYPE, "Unknown data type: " + type);
            }
            throw e;
        }
    }

    /** The registry path when no node runs: -Dchisme.async-registry, $CHISME_ASYNC_REGISTRY, else the real tool's. */
    static Path registryPath() {
        final String env = System.getenv("CHISME_ASYNC_REGISTRY");
        final String prop = System.getProperty("chisme.async-registry");
        return prop != null ? Path.of(prop) : env != null && !env.isBlank() ? Path.of(env) : AsyncRegistry.DEFAULT_PATH;
    }

    /** Keys in the byte order of their UTF-8 (std::map<std::string> order), unsigned. */
    static Map<byte[], String> sortedByBytes(final Iterable<String> keys) {
        final Map<byte[], String> out = new TreeMap<>(Arrays::compareUnsigned);
        for (final String k : keys) {
            out.put(k.getBytes(StandardCharsets.UTF_8), k);
        }
        return out;
    }

}
