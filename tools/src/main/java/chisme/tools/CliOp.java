package chisme.tools;

import chisme.node.admin.AdminError;
import chisme.node.admin.AdminException;
import chisme.node.admin.AdminHandler;
import chisme.node.admin.AdminRequest;
import chisme.node.admin.Json;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The admin operation {@code cli}: runs one command line inside the daemon and returns what it printed,
 * so the native client (tools/src/main/c/chisme-client.c) gives {@code shared-state},
 * {@code shared-state-async} and the common read commands without starting a JVM per call.
 * <pre>
 *   request: {"op": "cli", "argv": ["shared-state", "get", "dnsmasq-hosts"], "stdin": "..."}
 *   result:  {"exit": 0, "out64": "BASE64", "err": "..."}
 * </pre>
 * stdout travels as base64 because a command may print bytes that are not UTF-8 ({@code get} of a binary
 * DHT value); stderr is always our own one-line text.
 * <pre>
 * </pre>
 * Only the commands below run this way (never {@code node}, {@code demo}, {@code shell} or a following
 * {@code logs}); the command's own admin calls go back to this daemon's socket.
 */
final class CliOp implements AdminHandler {
    /**
     * In a holder: the daemon creates a CliOp at start, and naming the classes there would load all ten command
     * classes before the node's start line (issue 16: start CPU); they load at the first "cli" call instead.
     */
    private static final class Commands {
        static final Map<String, Class<?>> ALLOWED = Map.of("shared-state", SharedStateCommand.class,
            "shared-state-async", SharedStateAsyncCommand.class, "status", StatusCommands.Status.class, "get", DhtCommands.Get.class,
            "peers", StatusCommands.Peers.class, "stats", StatusCommands.Stats.class, "shelf", ShelfCommands.class,
            "publish", DhtCommands.Publish.class, "join", DhtCommands.Join.class,
            "shared-state-multiwriter", SharedStateMultiWriterCommand.class);
    }

    private final Path socket;

    CliOp(final Path socket) {
        this.socket = socket;
    }

    @Override
    public String handle(final AdminRequest r, final Stream stream) throws AdminException {
        if (!r.op().equals("cli")) {
            throw new AdminException(AdminError.UNKNOWN_OP, "unknown operation '" + r.op() + "'");
        }
        final List<String> argv = r.strings("argv");
        if (argv.isEmpty() || !Commands.ALLOWED.containsKey(argv.get(0))) {
            throw new AdminException(AdminError.INVALID_ARGUMENT, "cli: runs only " + String.join(", ", new java.util.TreeSet<>(Commands.ALLOWED.keySet())));
        }
        if (argv.get(0).equals("shared-state-async") && argv.size() > 1 && argv.get(1).equals("peer")) {
            throw new AdminException(AdminError.INVALID_ARGUMENT, "cli: 'peer' starts the daemon; it cannot run inside one");
        }
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final byte[] stdin = r.string("stdin", "").getBytes(StandardCharsets.UTF_8);
        final int exit;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            exit = Chisme.runOne(new CliContext(new ByteArrayInputStream(stdin), o, e, socket), Commands.ALLOWED.get(argv.get(0)), argv.toArray(String[]::new));
        }
        return Json.write(g -> {
            g.writeStartObject();
            g.writeNumberField("exit", exit);
            g.writeStringField("out64", java.util.Base64.getEncoder().encodeToString(out.toByteArray()));
            g.writeStringField("err", err.toString(StandardCharsets.UTF_8));
            g.writeEndObject();
        });
    }
}
