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
 * Validates JSON and rewrites it compactly with Jackson streaming (no databind): no whitespace, duplicate
 * names refused, numbers as written. Two forms:
 * <ul>
 *   <li><b>canonical</b>: object members sorted by name, so equal data is equal byte-wise. Content keys
 *       (CONTENT shelves store only this form) and {@link #sameValue} rely on it.</li>
 *   <li><b>compact</b> ({@link #parseObjectInOrder}): members in document order. Other shelves store this
 *       form because shared-state-async prints nested objects in the order they were inserted (RapidJSON
 *       keeps member order: {@code entry.mData.CopyFrom} in app/shared_state_cli.cc, PrettyWriter on get).</li>
 * </ul>
 * Thread-safe (the factory is shared, parsers are per call).
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
        return parseObject(text, true);
    }

    /** Parses a JSON object into {key: compact data bytes}: keys and every nested object's members in document order. */
    public static Map<String, byte[]> parseObjectInOrder(final String text) {
        return parseObject(text, false);
    }

    private static Map<String, byte[]> parseObject(final String text, final boolean sorted) {
        final Object tree = parse(text);
        if (!(tree instanceof Map<?, ?> map)) {
            throw new SharedStateException(SharedStateException.Code.WRONG_JSON_TYPE,
                "expected a JSON object {key: data}, got " + kind(tree));
        }
        final Map<String, byte[]> out = new LinkedHashMap<>();
        for (final Map.Entry<?, ?> e : map.entrySet()) {
            out.put((String) e.getKey(), write(e.getValue(), sorted));
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
            out.add(write(o, true));
        }
        return out;
    }

    /** Canonical form of any JSON value. */
    public static byte[] canonical(final String text) {
        return write(parse(text), true);
    }

    /** True when {@code utf8} is valid JSON already in canonical form (checks CONTENT books arriving from peers). */
    public static boolean isCanonical(final byte[] utf8) {
        return rewritesTo(utf8, true);
    }

    /** True when {@code utf8} is valid JSON already compact, members in any order (checks books arriving from peers). */
    public static boolean isCompact(final byte[] utf8) {
        return rewritesTo(utf8, false);
    }

    /**
     * True when two stored values are the same JSON value (member order aside): re-inserting a value whose
     * members come in another order (Lua's pairs() order is unspecified) is no edit.
     */
    public static boolean sameValue(final byte[] a, final byte[] b) {
        if (java.util.Arrays.equals(a, b)) {
            return true;
        }
        if (a == null || b == null || a.length != b.length) {
            return false; // same members in another order have the same compact length
        }
        try {
            return java.util.Arrays.equals(write(parse(new String(a, StandardCharsets.UTF_8)), true),
                write(parse(new String(b, StandardCharsets.UTF_8)), true));
        } catch (final SharedStateException e) {
            return false;
        }
    }

    private static boolean rewritesTo(final byte[] utf8, final boolean sorted) {
        try {
            final Object tree;
            try (JsonParser p = FACTORY.createParser(utf8)) {
                tree = readDocument(p);
            }
            return java.util.Arrays.equals(write(tree, sorted), utf8);
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
                final Map<String, Object> m = new LinkedHashMap<>(); // document order; the parser refuses duplicates
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

    private static byte[] write(final Object tree, final boolean sorted) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            write(g, tree, sorted);
        } catch (final IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    private static void write(final JsonGenerator g, final Object tree, final boolean sorted) throws IOException {
        if (tree instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (final Map.Entry<?, ?> e : (sorted ? new TreeMap<>(m) : m).entrySet()) {
                g.writeFieldName((String) e.getKey());
                write(g, e.getValue(), sorted);
            }
            g.writeEndObject();
        } else if (tree instanceof List<?> l) {
            g.writeStartArray();
            for (final Object o : l) {
                write(g, o, sorted);
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
