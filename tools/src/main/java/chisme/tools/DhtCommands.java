package chisme.tools;

import chisme.node.config.HostPort;
import chisme.wire.NodeId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/** The seed's commands: {@code join}, {@code publish}, {@code get}, {@code logs}. */
final class DhtCommands {
    /** Largest value read from stdin by {@code publish -} (the DHT's limit is 64 KiB). */
    static final int MAX_STDIN_BYTES = 1 << 20;

    private DhtCommands() {
    }

    static HostPort hostPort(final String text) {
        try {
            return HostPort.parse(text);
        } catch (final IllegalArgumentException e) {
            throw new CliException(ExitCode.USAGE, "malformed HOST:PORT: " + e.getMessage());
        }
    }

    @Command(name = "join", description = "Join the network through a node at HOST:PORT.")
    static final class Join extends ClientCommand {
        @Parameters(paramLabel = "HOST:PORT", description = "any node of the network")
        String address;

        @Override
        public Integer call() {
            final HostPort hp = hostPort(address);
            final Map<String, Object> r = JsonTree.object(call("join", g -> g.writeStringField("address", hp.toString())));
            out().println("joined through " + hp + ": " + r.get("contacts") + " contacts");
            return ExitCode.OK;
        }
    }

    @Command(name = "publish", description = {"Store VALUE in the DHT and print its key (40 hex digits). '-' reads the value from stdin.",
        "Says on stderr how many nodes hold it; exits 4 with the reason when no other node took a copy",
        "(stored locally only) or when it was stored nowhere (local store full, disk full, value too large)."})
    static final class Publish extends ClientCommand {
        @Parameters(paramLabel = "VALUE", description = "the value, or - for stdin")
        String value;

        @Override
        public Integer call() {
            final byte[] bytes;
            if ("-".equals(value)) {
                try {
                    bytes = ctx.in().readNBytes(MAX_STDIN_BYTES + 1);
                } catch (final IOException e) {
                    throw new CliException(ExitCode.USAGE, "cannot read stdin: " + e.getMessage());
                }
                if (bytes.length > MAX_STDIN_BYTES) {
                    throw new CliException(ExitCode.USAGE, "value on stdin is larger than " + MAX_STDIN_BYTES + " bytes");
                }
            } else {
                bytes = value.getBytes(StandardCharsets.UTF_8);
            }
            if (bytes.length == 0) {
                throw new CliException(ExitCode.USAGE, "empty value");
            }
            final String b64 = Base64.getEncoder().encodeToString(bytes);
            final Map<String, Object> r = JsonTree.object(call("publish", g -> g.writeStringField("valueBase64", b64)));
            out().println(r.get("key"));
            out().flush();
            final long remote = ((Number) r.get("remoteCopies")).longValue();
            final boolean local = "OK".equals(r.get("local"));
            if (remote == 0) {
                // Only this node holds it: an acknowledgement of a DHT publish would not be true.
                throw new CliException(ExitCode.FAILED, "no node reachable: stored locally only (1 copy)");
            }
            err().println("stored on " + r.get("copies") + " nodes" + (local ? " (this one and " + remote + " others)"
                : " (" + remote + " others; not on this one: " + r.get("localReason") + ")"));
            return ExitCode.OK;
        }
    }

    @Command(name = "get", description = "Print the value stored under KEY (exit status 1 when not found).")
    static final class Get extends ClientCommand {
        @Parameters(paramLabel = "KEY", description = "40 hex digits, as printed by publish")
        String key;

        @Override
        public Integer call() {
            final String k = key.trim().toLowerCase(Locale.ROOT);
            if (!NodeId.isHex(k)) {
                throw new CliException(ExitCode.USAGE, "invalid key '" + key + "': expected 40 hex digits");
            }
            final String b64 = (String) JsonTree.parse(call("get", g -> g.writeStringField("key", k)));
            final byte[] v = Base64.getDecoder().decode(b64);
            out().write(v, 0, v.length);
            if (v.length > 0 && v[v.length - 1] != '\n') {
                out().println();
            }
            out().flush();
            return ExitCode.OK;
        }
    }

    @Command(name = "logs", description = "Show the node's recent events; -f follows new ones.")
    static final class Logs extends ClientCommand {
        @Option(names = {"-f", "--follow"}, description = "keep printing new events until interrupted")
        boolean follow;

        @Option(names = {"-n", "--lines"}, paramLabel = "N", defaultValue = "100", description = "how many recent events (default ${DEFAULT-VALUE})")
        int lines;

        @Option(names = "--json", description = "one JSON object per event")
        boolean json;

        @Override
        public Integer call() {
            if (lines < 1) {
                throw new CliException(ExitCode.USAGE, "-n/--lines must be at least 1, was " + lines);
            }
            if (!follow) {
                final String r = call("logs", g -> g.writeNumberField("limit", lines));
                for (final Object o : JsonTree.array(r)) {
                    print(o);
                }
                return ExitCode.OK;
            }
            stream("logs", g -> {
                g.writeNumberField("limit", lines);
                g.writeBooleanField("follow", true);
            }, reply -> {
                if (reply.isEvent() && !"null".equals(reply.eventJson())) {
                    if (json) {
                        out().println(reply.eventJson());
                    } else {
                        print(JsonTree.parse(reply.eventJson()));
                    }
                    out().flush();
                }
                return !out().checkError();
            });
            return ExitCode.OK;
        }

        private void print(final Object o) {
            @SuppressWarnings("unchecked") final Map<String, Object> e = (Map<String, Object>) o;
            if (json) {
                out().println(chisme.node.admin.Json.write(g -> {
                    g.writeStartObject();
                    for (final Map.Entry<String, Object> f : e.entrySet()) {
                        g.writeObjectField(f.getKey(), f.getValue());
                    }
                    g.writeEndObject();
                }));
                return;
            }
            out().println(java.time.Instant.ofEpochMilli((Long) e.get("timeMs")) + " " + e.get("type") + " " + e.get("message"));
        }
    }
}
