package chisme.tools;

import chisme.node.admin.Json;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a reply's JSON into maps, lists, strings, longs, doubles, booleans and null, for the
 * human-readable output (client side only: replies come from our own node).
 */
final class JsonTree {
    private JsonTree() {
    }

    static Object parse(final String json) {
        try (JsonParser p = Json.FACTORY.createParser(json)) {
            p.nextToken();
            return value(p);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(final String json) {
        return (Map<String, Object>) parse(json);
    }

    @SuppressWarnings("unchecked")
    static List<Object> array(final String json) {
        return (List<Object>) parse(json);
    }

    private static Object value(final JsonParser p) throws IOException {
        final JsonToken t = p.currentToken();
        return switch (t) {
            case START_OBJECT -> {
                final Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    final String name = p.currentName();
                    p.nextToken();
                    m.put(name, value(p));
                }
                yield m;
            }
            case START_ARRAY -> {
                final List<Object> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    l.add(value(p));
                }
                yield l;
            }
            case VALUE_STRING -> p.getText();
            // Kept exact: a long when it fits, else the digits as written (never a lossy double).
            case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? p.getBigIntegerValue() : p.getLongValue();
            case VALUE_NUMBER_FLOAT -> new java.math.BigDecimal(p.getText());
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new IOException("unexpected " + t);
        };
    }

    static String duration(final long ms) {
        long s = ms / 1000;
        final long d = s / 86_400;
        s %= 86_400;
        final long h = s / 3600;
        s %= 3600;
        final long m = s / 60;
        s %= 60;
        final StringBuilder b = new StringBuilder();
        if (d > 0) {
            b.append(d).append("d ");
        }
        if (d > 0 || h > 0) {
            b.append(h).append("h ");
        }
        if (d > 0 || h > 0 || m > 0) {
            b.append(m).append("m ");
        }
        return b.append(s).append('s').toString();
    }
}
