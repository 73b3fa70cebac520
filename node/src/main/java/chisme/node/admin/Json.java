package chisme.node.admin;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/** Small Jackson-streaming helpers for the admin protocol (no databind: routers are small). */
public final class Json {
    /** The one factory (thread-safe once configured). */
    public static final JsonFactory FACTORY = new JsonFactory();

    private Json() {
    }

    /** Writes a JSON value into a string. */
    @FunctionalInterface
    public interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    /** The JSON text produced by {@code body}. */
    public static String write(final Body body) {
        final StringWriter w = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(w)) {
            body.write(g);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    /** A JSON string literal. */
    public static String string(final String s) {
        return write(g -> g.writeString(s));
    }

    /** Parses {@code text} and re-serialises it, pretty when asked; throws IOException when it is not one JSON value. */
    public static String reformat(final String text, final boolean pretty) throws IOException {
        final StringWriter w = new StringWriter();
        try (JsonParser p = FACTORY.createParser(text); JsonGenerator g = FACTORY.createGenerator(w)) {
            if (pretty) {
                g.useDefaultPrettyPrinter();
            }
            if (p.nextToken() == null) {
                throw new IOException("empty input");
            }
            g.copyCurrentStructure(p);
            if (p.nextToken() != null) {
                throw new IOException("trailing data after the JSON value");
            }
        }
        return w.toString();
    }

    /** Checks that {@code text} is one JSON value starting with {@code expected} (object or array). */
    public static void require(final String text, final JsonToken expected) throws IOException {
        try (JsonParser p = FACTORY.createParser(text)) {
            final JsonToken first = p.nextToken();
            if (first != expected) {
                throw new IOException("expected a JSON " + (expected == JsonToken.START_OBJECT ? "object" : "array"));
            }
            p.skipChildren();
            if (p.nextToken() != null) {
                throw new IOException("trailing data after the JSON value");
            }
        }
    }
}
