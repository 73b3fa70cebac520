package chisme.tools;

import com.fasterxml.jackson.core.JsonToken;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * LibreMesh compatibility: {@code shared-state insert|get|sync|reqsync|bleach|remove|dump TYPE} with the
 * Lua tool's stdin/stdout formats (docs/libremesh.md), addressed to the node in $CHISME_DATA (or the
 * default data directory), so existing publishers and hooks run unchanged through bin/shared-state.
 */
@Command(name = "shared-state", description = {"LibreMesh-compatible shared-state command (see docs/libremesh.md):",
    "  insert TYPE    {key: data} on stdin",
    "  get TYPE       prints {key: {bleachTTL, author, data}}",
    "  dump TYPE      prints the full entries",
    "  remove TYPE    JSON array of keys on stdin",
    "  sync TYPE [PEER...]   PEER is HOST, HOST:PORT or a LibreMesh URL http://[ADDR%IF]/cgi-bin/shared-state/TYPE",
    "  reqsync TYPE   merges {key: {bleachTTL, author, data}} from stdin, prints the merged shelf",
    "  bleach TYPE    drops expired entries now"})
public final class SharedStateCommand extends ClientCommand {
    private static final Pattern URL = Pattern.compile("^[a-z]+://(\\[[^\\]]+\\]|[^/:\\[]+)(?::(\\d+))?(/.*)?$");

    @Parameters(index = "0", paramLabel = "ACTION")
    String action;

    @Parameters(index = "1", paramLabel = "TYPE")
    String type;

    @Parameters(index = "2..*", paramLabel = "PEER")
    List<String> peers = List.of();

    @Override
    public Integer call() {
        final String shelf = ShelfCommands.shelf(type);
        switch (action) {
            case "insert" -> {
                final String json = ShelfCommands.readJson(ctx, JsonToken.START_OBJECT);
                call("shelf.insert", g -> {
                    g.writeStringField("shelf", shelf);
                    g.writeStringField("json", json);
                });
            }
            case "remove" -> {
                final String json = ShelfCommands.readJson(ctx, JsonToken.START_ARRAY);
                call("shelf.remove", g -> {
                    g.writeStringField("shelf", shelf);
                    g.writeStringField("json", json);
                });
            }
            case "get" -> ShelfCommands.printJson(this, call("shelf.get", g -> {
                g.writeStringField("shelf", shelf);
                g.writeStringField("format", "libremesh");
            }), false);
            case "dump" -> ShelfCommands.printJson(this, call("shelf.dump", g -> g.writeStringField("shelf", shelf)), false);
            case "bleach" -> call("shelf.bleach", g -> g.writeStringField("shelf", shelf));
            case "reqsync" -> {
                final String json = ShelfCommands.readJson(ctx, JsonToken.START_OBJECT);
                ShelfCommands.printJson(this, call("shelf.reqsync", g -> {
                    g.writeStringField("shelf", shelf);
                    g.writeStringField("json", json);
                }), false);
            }
            case "sync" -> {
                final List<String> hps = new ArrayList<>();
                for (final String p : peers) {
                    hps.add(peer(p));
                }
                call("shelf.sync", g -> {
                    g.writeStringField("shelf", shelf);
                    g.writeArrayFieldStart("neighbours");
                    for (final String n : hps) {
                        g.writeString(n);
                    }
                    g.writeEndArray();
                });
            }
            default -> throw new CliException(ExitCode.USAGE, "unknown shared-state action '" + action
                + "': expected insert, get, dump, remove, sync, reqsync or bleach");
        }
        return ExitCode.OK;
    }

    /** A LibreMesh sync target (URL, bare host or HOST:PORT) as HOST:PORT on chisme's port. */
    static String peer(final String text) {
        final Matcher m = URL.matcher(text);
        String host;
        String port = null;
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
        final String hp = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + (port == null ? "4200" : port);
        return DhtCommands.hostPort(hp).toString();
    }
}
