package chisme.tools;

import picocli.CommandLine.Command;

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
public final class SharedStateMultiWriterCommand extends LuaToolCommand {
    @Override
    public Integer call() {
        final String shelf = SharedStateCommand.luaArguments("shared-state-multiwriter", type, action, List.of("insert", "get", "sync", "reqsync"));
        switch (action) {
            case "insert" -> SharedStateCommand.luaInsert(this, "shared-state-multiwriter", shelf, true);
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
