package chisme.tools;

import chisme.node.admin.AdminClient;
import chisme.node.admin.AdminError;
import chisme.node.admin.AdminReply;
import chisme.node.admin.Json;
import chisme.node.admin.NodeNotRunningException;
import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/** Base of every command that talks to a running node over its admin socket. */
public abstract class ClientCommand extends CliCommand implements Callable<Integer> {
    @Mixin
    NodeTarget target = new NodeTarget();

    /** Sends {@code {"op": op, ...params}} and returns the result JSON; failures become {@link CliException}. */
    protected String call(final String op, final Json.Body params) {
        final AdminReply[] reply = new AdminReply[1];
        stream(op, params, r -> {
            reply[0] = r;
            return true;
        });
        return reply[0].resultJson();
    }

    /** Like {@link #call} for streaming operations: every event line goes to {@code onEvent}. */
    protected void stream(final String op, final Json.Body params, final Predicate<AdminReply> onLine) {
        final String request = Json.write(g -> {
            g.writeStartObject();
            g.writeStringField("op", op);
            params.write(g);
            g.writeEndObject();
        });
        final Path socket = target.socket(ctx.socket());
        try {
            new AdminClient(socket).stream(request, r -> {
                if (!r.isEvent() && !r.ok()) {
                    throw new CliException(exitCode(r.code()), r.error());
                }
                return onLine.test(r);
            });
        } catch (final NodeNotRunningException e) {
            throw noNode(socket);
        } catch (final IOException e) {
            throw new CliException(ExitCode.FAILED, "admin connection to " + socket + " failed: " + e.getMessage());
        }
    }

    static CliException noNode(final Path socket) {
        final Path dir = socket.getParent();
        return new CliException(ExitCode.NO_NODE, "no chisme node is running at " + socket
            + "; start one with: chisme node --data " + dir);
    }

    static int exitCode(final AdminError code) {
        if (code == null) {
            return ExitCode.FAILED;
        }
        return switch (code) {
            case NOT_FOUND -> ExitCode.NOT_FOUND;
            case BAD_REQUEST, TOO_LARGE, INVALID_ARGUMENT -> ExitCode.USAGE;
            case UNKNOWN_OP, UNAVAILABLE -> ExitCode.UNAVAILABLE;
            case BUSY, FAILED -> ExitCode.FAILED;
        };
    }

    /** No parameters besides "op". */
    protected static final Json.Body NONE = g -> { };
}
