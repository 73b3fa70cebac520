package chisme.node.sharedstate;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Validates JSON and rewrites it in a compact canonical form with Jackson streaming (no databind):
 * no whitespace, object members sorted by name, duplicate names refused, numbers as written. Equal data
 * then compares equal byte-wise, which is what "re-inserting equal data creates no new version" and
 * content keys rely on. Thread-safe (the factory is shared, parsers are per call).
 */
public final class CanonicalJson {
    /** Deepest nesting accepted (a hostile peer must not blow the stack). */
    public static final int MAX_DEPTH = 64;

    private static final JsonFactory FACTORY = JsonFactory.builder()
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
        .build();

    private CanonicalJson() {
    }

    /** Parses a JSON object into {key: canonical data bytes}, in document order. */
    public static Map<String, byte[]> parseObject(final String text) {
        final Object tree = parse(text);
        if (!(tree instanceof Map<?, ?> map)) {
            throw new SharedStateException(SharedStateException.Code.WRONG_JSON_TYPE,
                "expected a JSON object {key: data}, got " + kind(tree));
        }
        final Map<String, byte[]> out = new LinkedHashMap<>();
        for (final Map.Entry<?, ?> e : map.entrySet()) {
            out.put((String) e.getKey(), write(e.getValue()));
        }
        return out;
    }

    /** Parses a JSON array of strings (book keys). */
    public static List<String> parseStringArray(final String text) {
        final Object tree = parse(text);
        if (!(tree instanceof List<?> list)) {
            throw new SharedStateException(SharedStateException.Code.WRONG_JSON_TYPE,
                "expected a JSON array of keys, got " + kind(tree));
        }
        final List<String> out = new ArrayList<>(list.size());
        for (final Object o : list) {
            if (!(o instanceof Scalar s) || s.token != JsonToken.VALUE_STRING) {
                throw new SharedStateException(SharedStateException.Code.WRONG_JSON_TYPE,
                    "expected a JSON array of strings, found " + kind(o));
            }
            out.add(s.text);
        }
        return out;
    }

    /** Parses a JSON array into canonical element bytes. */
    public static List<byte[]> parseArray(final String text) {
        final Object tree = parse(text);
        if (!(tree instanceof List<?> list)) {
            throw new SharedStateException(SharedStateException.Code.WRONG_JSON_TYPE,
                "expected a JSON array, got " + kind(tree));
        }
        final List<byte[]> out = new ArrayList<>(list.size());
        for (final Object o : list) {
            out.add(write(o));
        }
        return out;
    }

    /** Canonical form of any JSON value. */
    public static byte[] canonical(final String text) {
        return write(parse(text));
    }

    /** True when {@code utf8} is valid JSON already in canonical form (checks data arriving from peers). */
    public static boolean isCanonical(final byte[] utf8) {
        try {
            final Object tree;
            try (JsonParser p = FACTORY.createParser(utf8)) {
                tree = readDocument(p);
            }
            return java.util.Arrays.equals(write(tree), utf8);
        } catch (final IOException | RuntimeException e) {
            return false;
        }
    }

    static Object parse(final String text) {
        if (text == null) {
            throw new SharedStateException(SharedStateException.Code.INVALID_JSON, "invalid JSON: no input");
        }
        try (JsonParser p = FACTORY.createParser(text)) {
            return readDocument(p);
        } catch (final IOException | RuntimeException e) {
            if (e instanceof SharedStateException s) {
                throw s;
            }
            final String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new SharedStateException(SharedStateException.Code.INVALID_JSON,
                "invalid JSON: " + clip(firstLine(m)));
        }
    }

    private static Object readDocument(final JsonParser p) throws IOException {
        final JsonToken first = p.nextToken();
        if (first == null) {
            throw new SharedStateException(SharedStateException.Code.INVALID_JSON, "invalid JSON: empty input");
        }
        final Object tree = read(p, first);
        if (p.nextToken() != null) {
            throw new SharedStateException(SharedStateException.Code.INVALID_JSON, "invalid JSON: trailing content after the value");
        }
        return tree;
    }

    private static Object read(final JsonParser p, final JsonToken t) throws IOException {
        return switch (t) {
            case START_OBJECT -> {
                final TreeMap<String, Object> m = new TreeMap<>();
                JsonToken n;
                while ((n = p.nextToken()) == JsonToken.FIELD_NAME) {
                    final String name = p.currentName();
                    m.put(name, read(p, p.nextToken()));
                }
                yield m;
            }
            case START_ARRAY -> {
                final List<Object> l = new ArrayList<>();
                JsonToken n;
                while ((n = p.nextToken()) != JsonToken.END_ARRAY) {
                    l.add(read(p, n));
                }
                yield l;
            }
            case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE, VALUE_NULL ->
                new Scalar(t, p.getText());
            default -> throw new SharedStateException(SharedStateException.Code.INVALID_JSON, "invalid JSON: unexpected " + t);
        };
    }

    private static byte[] write(final Object tree) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            write(g, tree);
        } catch (final IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    private static void write(final JsonGenerator g, final Object tree) throws IOException {
        if (tree instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (final Map.Entry<?, ?> e : m.entrySet()) {
                g.writeFieldName((String) e.getKey());
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (tree instanceof List<?> l) {
            g.writeStartArray();
            for (final Object o : l) {
                write(g, o);
            }
            g.writeEndArray();
        } else {
            final Scalar s = (Scalar) tree;
            switch (s.token) {
                case VALUE_STRING -> g.writeString(s.text);
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> g.writeNumber(s.text);
                case VALUE_TRUE -> g.writeBoolean(true);
                case VALUE_FALSE -> g.writeBoolean(false);
                default -> g.writeNull();
            }
        }
    }

    /** Writes {key: raw JSON value} for already-canonical values, keys in the map's order. */
    public static String writeObject(final Map<String, byte[]> entries) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            for (final Map.Entry<String, byte[]> e : entries.entrySet()) {
                g.writeFieldName(e.getKey());
                g.writeRawValue(new String(e.getValue(), StandardCharsets.UTF_8));
            }
            g.writeEndObject();
        } catch (final IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** A generator over {@code out} for callers composing documents (dump). */
    static JsonGenerator generator(final ByteArrayOutputStream out) throws IOException {
        return FACTORY.createGenerator(out);
    }

    private static String kind(final Object o) {
        if (o instanceof Map) {
            return "an object";
        }
        if (o instanceof List) {
            return "an array";
        }
        final Scalar s = (Scalar) o;
        return switch (s.token) {
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_NULL -> "null";
            default -> "a boolean";
        };
    }

    private static String clip(final String m) {
        return m.length() > 160 ? m.substring(0, 160) + "..." : m;
    }

    private static String firstLine(final String m) {
        final int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private record Scalar(JsonToken token, String text) {
    }
}
