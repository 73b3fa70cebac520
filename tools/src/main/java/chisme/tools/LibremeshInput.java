package chisme.tools;

import chisme.node.admin.Json;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * stdin of the LibreMesh-compatible commands, read as leniently as LibreMesh's tools read it (scripts
 * rely on it): {@code []} is an empty object, because {@code luci.jsonc} writes an empty Lua table as
 * {@code []} and publishers send it when they have nothing. Returns null for input the real tool would
 * ignore (invalid JSON, wrong kind); the caller decides the exit status.
 */
final class LibremeshInput {
    private LibremeshInput() {
    }

    /** stdin as UTF-8 text, at most {@link ShelfCommands#MAX_STDIN_BYTES}. */
    static String read(final CliContext ctx) {
        final byte[] bytes;
        try {
            bytes = ctx.in().readNBytes(ShelfCommands.MAX_STDIN_BYTES + 1);
        } catch (final IOException e) {
            throw new CliException(ExitCode.USAGE, "cannot read stdin: " + e.getMessage());
        }
        if (bytes.length > ShelfCommands.MAX_STDIN_BYTES) {
            throw new CliException(ExitCode.USAGE, "JSON on stdin is larger than " + ShelfCommands.MAX_STDIN_BYTES + " bytes");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** A JSON object ({@code []} becomes {@code {}}), or null when the text is not one. */
    static String object(final String text) {
        final String t = text.strip();
        if (t.matches("\\[\\s*\\]")) {
            return "{}";
        }
        return valid(t, JsonToken.START_OBJECT) ? t : null;
    }

    /** A JSON array, or null when the text is not one. */
    static String array(final String text) {
        final String t = text.strip();
        return valid(t, JsonToken.START_ARRAY) ? t : null;
    }

    private static boolean valid(final String text, final JsonToken kind) {
        try {
            Json.require(text, kind);
            return true;
        } catch (final IOException e) {
            return false;
        }
    }
}
