package chisme.tools;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;

/**
 * LibreMesh compatibility: {@code shared-state-multiwriter insert|get|sync|reqsync TYPE} (lime-packages
 * shared-state, usr/bin/shared-state-multiwriter) over a multiwriter shelf (docs/libremesh.md): entries
 * {@code {key: {lastModified, changes, fortune, author, data}}} that never expire, any node writes any key,
 * more changes then the larger fortune wins. As the Lua tool: {@code get} and {@code reqsync} print one
 * json-c line ({@code []} when empty), invalid JSON on stdin counts as an empty map (exit 0), a missing type
 * or an unknown action exits 234 ({@code os.exit(-22)}), a sync nobody answers exits 0. The type becomes a
 * multiwriter shelf on first use.
 */
@Command(name = "shared-state-multiwriter", description = {"LibreMesh-compatible shared-state-multiwriter command (see docs/libremesh.md):",
    "  insert TYPE    {key: data} on stdin",
    "  get TYPE       prints {key: {lastModified, changes, fortune, author, data}} on one line",
    "  sync TYPE [PEER...]   PEER is HOST, HOST:PORT or a LibreMesh URL",
    "  reqsync TYPE   merges {key: {lastModified, changes, fortune, author, data}} from stdin, prints the merged shelf"})
public final class SharedStateMultiWriterCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "ACTION", arity = "0..1")
    String action;

    @Parameters(index = "1", paramLabel = "TYPE", arity = "0..1")
    String type;

    @Parameters(index = "2..*", paramLabel = "PEER")
    List<String> peers = List.of();

    @Override
    public Integer call() {
        if (type == null || type.isEmpty()) {
            throw new CliException(SharedStateCommand.LUA_EINVAL, "shared-state-multiwriter needs CRDT name to be specified as second argument");
        }
        if (!List.of("insert", "get", "sync", "reqsync").contains(action)) {
            throw new CliException(SharedStateCommand.LUA_EINVAL, "shared-state-multiwriter needs an operation name to be specified as first argument"
                + " (insert, get, sync or reqsync)");
        }
        final String shelf = ShelfCommands.shelf(type);
        switch (action) {
            case "insert" -> {
                // The Lua tool: JSON.parse(stdin) or {}; nothing to insert is no error.
                final String json = LibremeshInput.object(LibremeshInput.read(ctx));
                if (json == null) {
                    err().println("shared-state-multiwriter: stdin is not a JSON object {key: data}; nothing inserted");
                } else if (!json.equals("{}")) {
                    call("shelf.insert", g -> {
                        g.writeStringField("shelf", shelf);
                        g.writeBooleanField("multiwriter", true);
                        g.writeStringField("json", json);
                    });
                }
            }
            case "get" -> printLua(call("shelf.get", g -> {
                g.writeStringField("shelf", shelf);
                g.writeBooleanField("multiwriter", true);
            }));
            case "reqsync" -> {
                // The Lua tool merges JSON.parse(stdin), nil for invalid input, which its merge takes as {}.
                final String json = LibremeshInput.object(LibremeshInput.read(ctx));
                printLua(call("shelf.reqsync", g -> {
                    g.writeStringField("shelf", shelf);
                    g.writeBooleanField("multiwriter", true);
                    g.writeStringField("json", json == null ? "{}" : json);
                }));
            }
            default -> {
                final List<String> hps = new ArrayList<>();
                for (final String p : peers) {
                    hps.add(SharedStateCommand.peer(p));
                }
                SharedStateCommand.lenientSync(this, "shared-state-multiwriter", shelf, hps, true);
            }
        }
        return ExitCode.OK;
    }

    private void printLua(final String json) {
        out().println(SharedStateCommand.luaLine(json));
    }
}
