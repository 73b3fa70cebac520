package chisme.tools;

import chisme.wire.ShelfName;
import chisme.node.admin.Json;
import com.fasterxml.jackson.core.JsonToken;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** {@code shelf insert|get|dump|remove|sync|list}: the node's shared-state shelves. */
@Command(name = "shelf", description = "Shared-state shelves (LibreMesh data types).",
    subcommands = {ShelfCommands.Insert.class, ShelfCommands.Get.class, ShelfCommands.Dump.class,
        ShelfCommands.Remove.class, ShelfCommands.Sync.class, ShelfCommands.ListShelves.class})
final class ShelfCommands extends CliCommand implements Runnable {
    /** Largest JSON read from stdin (the admin request limit is 4 MiB). */
    static final int MAX_STDIN_BYTES = 3 << 20;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing shelf command (insert, get, dump, remove, sync, list)");
    }

    static String shelf(final String name) {
        if (!ShelfName.valid(name)) {
            throw new CliException(ExitCode.USAGE, "invalid shelf name '" + name + "': expected " + ShelfName.PATTERN);
        }
        return name;
    }

    /** Reads stdin as one JSON value of the expected kind (object or array); one-line error otherwise. */
    static String readJson(final CliContext ctx, final JsonToken expected) {
        final byte[] bytes;
        try {
            bytes = ctx.in().readNBytes(MAX_STDIN_BYTES + 1);
        } catch (final IOException e) {
            throw new CliException(ExitCode.USAGE, "cannot read stdin: " + e.getMessage());
        }
        if (bytes.length > MAX_STDIN_BYTES) {
            throw new CliException(ExitCode.USAGE, "JSON on stdin is larger than " + MAX_STDIN_BYTES + " bytes");
        }
        final String text;
        try {
            text = Json.utf8(bytes);
        } catch (final IOException e) {
            throw new CliException(ExitCode.USAGE, "invalid JSON on stdin: " + e.getMessage());
        }
        try {
            Json.require(text, expected);
        } catch (final IOException e) {
            throw new CliException(ExitCode.USAGE, "invalid JSON on stdin: " + Chisme.oneLine(e.getMessage()).replaceAll(" at \\[Source.*", ""));
        }
        return text;
    }

    static void printJson(final ClientCommand c, final String json, final boolean compact) {
        if ("{}".equals(json)) {
            c.out().println("{}");
            return;
        }
        try {
            c.out().println(compact ? json : Json.reformat(json, true));
        } catch (final IOException e) {
            c.out().println(json);
        }
    }

    @Command(name = "insert", description = "Insert or update books: a JSON object {key: data} on stdin.")
    static final class Insert extends ClientCommand {
        @Parameters(paramLabel = "SHELF")
        String shelf;

        @Override
        public Integer call() {
            final String s = shelf(shelf);
            final String json = readJson(ctx, JsonToken.START_OBJECT);
            call("shelf.insert", g -> {
                g.writeStringField("shelf", s);
                g.writeStringField("json", json);
            });
            return ExitCode.OK;
        }
    }

    /** get and dump: print one shelf as JSON, differing only in the admin operation. */
    abstract static class PrintShelf extends ClientCommand {
        @Parameters(paramLabel = "SHELF")
        String shelf;
        @Option(names = "--compact", description = "one line instead of indented JSON")
        boolean compact;

        abstract String op();

        @Override
        public Integer call() {
            final String s = shelf(shelf);
            printJson(this, call(op(), g -> {
                g.writeStringField("shelf", s);
                g.writeBooleanField("known", true);
            }), compact);
            return ExitCode.OK;
        }
    }

    @Command(name = "get", description = "Print the shelf as {key: data}.")
    static final class Get extends PrintShelf {
        @Override
        String op() {
            return "shelf.get";
        }
    }

    @Command(name = "dump", description = "Print the shelf's full entries (author, version, TTL, data).")
    static final class Dump extends PrintShelf {
        @Override
        String op() {
            return "shelf.dump";
        }
    }

    @Command(name = "remove", description = "Remove books: a JSON array of keys on stdin.")
    static final class Remove extends ClientCommand {
        @Parameters(paramLabel = "SHELF")
        String shelf;

        @Override
        public Integer call() {
            final String s = shelf(shelf);
            final String json = readJson(ctx, JsonToken.START_ARRAY);
            call("shelf.remove", g -> {
                g.writeStringField("shelf", s);
                g.writeStringField("json", json);
            });
            return ExitCode.OK;
        }
    }

    @Command(name = "sync", description = "Reconcile the shelf now with the given neighbours (default: all known neighbours).")
    static final class Sync extends ClientCommand {
        @Parameters(index = "0", paramLabel = "SHELF")
        String shelf;
        @Parameters(index = "1..*", paramLabel = "HOST:PORT", description = "neighbours to sync with")
        List<String> neighbours = List.of();

        @Override
        public Integer call() {
            final String s = shelf(shelf);
            final List<String> hps = neighbours.stream().map(n -> DhtCommands.hostPort(n).toString()).toList();
            final String r = call("shelf.sync", g -> {
                g.writeStringField("shelf", s);
                g.writeArrayFieldStart("neighbours");
                for (final String n : hps) {
                    g.writeString(n);
                }
                g.writeEndArray();
            });
            final Object o = JsonTree.parse(r);
            if (o instanceof Map<?, ?> m && m.get("neighbours") != null) {
                out().println("synced " + s + " with " + m.get("neighbours") + " neighbours");
            } else {
                out().println(r);
            }
            return ExitCode.OK;
        }
    }

    @Command(name = "list", description = "List shelves with their book counts.")
    static final class ListShelves extends ClientCommand {
        @Option(names = "--json", description = "print the raw JSON reply")
        boolean json;

        @Override
        public Integer call() {
            final String r = call("shelf.list", NONE);
            if (json) {
                out().println(r);
                return ExitCode.OK;
            }
            for (final Map.Entry<String, Object> e : JsonTree.object(r).entrySet()) {
                out().println(e.getKey() + " " + e.getValue());
            }
            return ExitCode.OK;
        }
    }
}
