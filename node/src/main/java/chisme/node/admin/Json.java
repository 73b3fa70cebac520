package chisme.node.admin;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.CodingErrorAction;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;

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
            copyExact(p, g);
            if (p.nextToken() != null) {
                throw new IOException("trailing data after the JSON value");
            }
        }
        return w.toString();
    }

    /**
     * Copies the value at the parser's current token like {@code copyCurrentStructure}, but writes every
     * number as the text it was written with: going through double would print {@code 1e999999} as
     * {@code "Infinity"} and a tiny number as {@code 0.0}.
     */
    public static void copyExact(final JsonParser p, final JsonGenerator g) throws IOException {
        int depth = 0;
        do {
            final JsonToken t = p.currentToken();
            switch (t) {
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> g.writeNumber(p.getText());
                case START_OBJECT, START_ARRAY -> {
                    depth++;
                    g.copyCurrentEvent(p);
                }
                case END_OBJECT, END_ARRAY -> {
                    depth--;
                    g.copyCurrentEvent(p);
                }
                default -> g.copyCurrentEvent(p);
            }
        } while (depth > 0 && p.nextToken() != null);
    }

    /**
     * Decodes UTF-8 strictly: invalid bytes are an error, never silently replaced with U+FFFD.
     * @throws IOException "not valid UTF-8"
     */
    public static String utf8(final byte[] bytes) throws IOException {
        final String s = utf8OrNull(bytes, 0, bytes.length);
        if (s == null) {
            throw new IOException("not valid UTF-8");
        }
        return s;
    }

    /** {@code length} bytes from {@code offset} decoded strictly as UTF-8, or null when they are not valid UTF-8. */
    public static String utf8OrNull(final byte[] bytes, final int offset, final int length) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes, offset, length)).toString();
        } catch (final CharacterCodingException e) {
            return null;
        }
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
