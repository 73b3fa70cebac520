package chisme.tools;

import picocli.CommandLine.Command;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * LibreMesh compatibility: {@code shared-state insert|get|sync|reqsync|bleach|remove|dump TYPE} with the
 * Lua tool's stdin/stdout formats and exit statuses (docs/libremesh.md), so existing publishers and hooks
 * run unchanged through bin/shared-state. As lenient as the Lua tool where scripts rely on it: invalid
 * JSON on stdin is ignored (exit 0), {@code []} is an empty map, {@code get} of an empty or unknown type
 * prints {@code []}, a sync nobody answers exits 0; a missing type or unknown action exits 234 (the Lua
 * tool's {@code os.exit(-22)}). The {@code chisme shelf} commands stay strict.
 */
@Command(name = "shared-state", description = {"LibreMesh-compatible shared-state command (see docs/libremesh.md):",
    "  insert TYPE    {key: data} on stdin",
    "  get TYPE       prints {key: {bleachTTL, author, data}} on one line",
    "  dump TYPE      prints the full entries",
    "  remove TYPE    JSON array of keys on stdin",
    "  sync TYPE [PEER...]   PEER is HOST, HOST:PORT or a LibreMesh URL http://[ADDR%IF]/cgi-bin/shared-state/TYPE",
    "  reqsync TYPE   merges {key: {bleachTTL, author, data}} from stdin, prints the merged shelf",
    "  bleach TYPE    nothing to do (TTLs count down continuously)"})
public final class SharedStateCommand extends LuaToolCommand {
    /** The Lua tool's {@code os.exit(-22)}: missing type, unknown action. */
    static final int LUA_EINVAL = 234;
    private static final Pattern URL = Pattern.compile("^[a-z]+://(\\[[^\\]]+\\]|[^/:\\[]+)(?::(\\d+))?(/.*)?$");

    @Override
    public Integer call() {
        final String shelf = luaArguments("shared-state", type, action, List.of("insert", "get", "dump", "remove", "sync", "reqsync", "bleach"));
        switch (action) {
            case "insert" -> luaInsert(this, "shared-state", shelf, false);
            case "remove" -> {
                final String text = LibremeshInput.read(ctx);
                final String json = text.strip().matches("\\{\\s*\\}") ? "[]" : LibremeshInput.array(text);
                if (json == null) {
                    err().println("shared-state: stdin is not a JSON array of keys; nothing removed");
                } else if (!json.equals("[]")) {
                    call("shelf.remove", g -> {
                        g.writeStringField("shelf", shelf);
                        g.writeStringField("json", json);
                    });
                }
            }
            case "get" -> printLua(call("shelf.get", g -> {
                g.writeStringField("shelf", shelf);
                g.writeStringField("format", "libremesh");
            }));
            case "dump" -> ShelfCommands.printJson(this, call("shelf.dump", g -> g.writeStringField("shelf", shelf)), false);
            case "bleach" -> call("shelf.bleach", g -> g.writeStringField("shelf", shelf));
            case "reqsync" -> {
                final String json = LibremeshInput.object(LibremeshInput.read(ctx));
                if (json == null) {
                    throw new CliException(1, "shared-state reqsync: stdin is not a JSON object {key: {bleachTTL, author, data}}");
                }
                printLua(call("shelf.reqsync", g -> {
                    g.writeStringField("shelf", shelf);
                    g.writeStringField("json", json);
                }));
            }
            default -> sync(shelf);
        }
        return ExitCode.OK;
    }

    private void sync(final String shelf) {
        final List<String> hps = new ArrayList<>();
        for (final String p : peers) {
            hps.add(peer(p));
        }
        lenientSync(this, "shared-state", shelf, hps, false);
    }

    /**
     * A sync as both LibreMesh tools treat it: peers that do not answer are reported on stderr, not as a
     * failure (cron runs it again anyway); other errors stay errors.
     */
    static void lenientSync(final ClientCommand c, final String tool, final String shelf, final List<String> hostPorts,
                            final boolean multiWriter) {
        try {
            c.call("shelf.sync", g -> {
                g.writeStringField("shelf", shelf);
                if (multiWriter) {
                    g.writeBooleanField("multiwriter", true);
                }
                g.writeArrayFieldStart("neighbours");
                for (final String n : hostPorts) {
                    g.writeString(n);
                }
                g.writeEndArray();
            });
        } catch (final CliException e) {
            if (e.exitCode() != ExitCode.FAILED) {
                throw e;
            }
            c.err().println(tool + ": " + e.getMessage());
        }
    }

    /**
     * The shelf of a Lua tool's call, after its argument checks ({@code os.exit(-22)}: 234): a missing type
     * first, then an action not in {@code actions}.
     */
    static String luaArguments(final String tool, final String type, final String action, final List<String> actions) {
        if (type == null || type.isEmpty()) {
            throw new CliException(LUA_EINVAL, tool + " needs CRDT name to be specified as second argument");
        }
        if (!actions.contains(action)) {
            throw new CliException(LUA_EINVAL, tool + " needs an operation name to be specified as first argument ("
                + String.join(", ", actions) + ")");
        }
        return ShelfCommands.shelf(type);
    }

    /** A Lua tool's insert: {@code JSON.parse(stdin) or {}}; invalid input inserts nothing and is no error. */
    static void luaInsert(final ClientCommand c, final String tool, final String shelf, final boolean multiWriter) {
        final String json = LibremeshInput.object(LibremeshInput.read(c.ctx));
        if (json == null) {
            c.err().println(tool + ": stdin is not a JSON object {key: data}; nothing inserted");
        } else if (!json.equals("{}")) {
            c.call("shelf.insert", g -> {
                g.writeStringField("shelf", shelf);
                if (multiWriter) {
                    g.writeBooleanField("multiwriter", true);
                }
                g.writeStringField("json", json);
            });
        }
    }

    /** The Lua tool's {@code print(JSON.stringify(map))}: one json-c line, {@code []} when empty. */
    private void printLua(final String json) {
        out().println(luaLine(json));
    }

    /** One json-c line as luci.jsonc's stringify prints a table, {@code []} when empty. */
    static String luaLine(final String json) {
        return json.strip().equals("{}") ? "[]" : LibremeshJson.jsonC(json);
    }

    /** A LibreMesh sync target (URL, bare host or HOST:PORT) as HOST:PORT on chisme's port. */
    static String peer(final String text) {
        final Matcher m = URL.matcher(text);
        String host;
        if (m.matches()) {
            host = m.group(1);
            // The URL's port was LibreMesh's HTTP port, not ours: chisme peers use the UDP port.
        } else if (text.startsWith("[") || text.chars().filter(c -> c == ':').count() == 1) {
            return DhtCommands.hostPort(text).toString();
        } else {
            host = text;
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return DhtCommands.hostPort((host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":4200").toString();
    }
}
