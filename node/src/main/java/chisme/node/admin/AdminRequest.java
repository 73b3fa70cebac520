package chisme.node.admin;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One admin request: a flat JSON object {@code {"op":"get","key":"…"}} whose values are strings,
 * numbers, booleans or arrays of strings. JSON payloads (a shelf's {@code {key: data}}) travel as
 * strings so the server never has to build a tree of untrusted input.
 */
public final class AdminRequest {
    private static final JsonFactory JSON = new JsonFactory();
    private final String op;
    private final Map<String, Object> params;

    public AdminRequest(final String op, final Map<String, Object> params) {
        this.op = op;
        this.params = params;
    }

    /** Parses one request line; throws {@link AdminException} BAD_REQUEST with a one-line reason. */
    public static AdminRequest parse(final String line) throws AdminException {
        final Map<String, Object> params = new LinkedHashMap<>();
        try (JsonParser p = JSON.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw bad("expected a JSON object");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                final String name = p.currentName();
                final JsonToken v = p.nextToken();
                if (params.containsKey(name)) {
                    throw bad("field '" + name + "' repeated");
                }
                params.put(name, switch (v) {
                    case VALUE_STRING -> p.getText();
                    case VALUE_NUMBER_INT -> p.getLongValue();
                    case VALUE_TRUE -> Boolean.TRUE;
                    case VALUE_FALSE -> Boolean.FALSE;
                    case START_ARRAY -> strings(p, name);
                    default -> throw bad("field '" + name + "' must be a string, integer, boolean or array of strings");
                });
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw bad("trailing data after the JSON object");
            }
        } catch (final IOException e) {
            throw bad("malformed JSON: " + firstLine(e.getMessage()));
        }
        final Object op = params.remove("op");
        if (!(op instanceof String s) || s.isEmpty()) {
            throw bad("missing \"op\"");
        }
        return new AdminRequest(s, params);
    }

    private static List<String> strings(final JsonParser p, final String name) throws IOException, AdminException {
        final List<String> out = new ArrayList<>();
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.VALUE_STRING) {
            out.add(p.getText());
        }
        if (t != JsonToken.END_ARRAY) {
            throw bad("field '" + name + "' must be an array of strings");
        }
        return out;
    }

    private static AdminException bad(final String why) {
        return new AdminException(AdminError.BAD_REQUEST, why);
    }

    static String firstLine(final String s) {
        if (s == null) {
            return "";
        }
        final int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    public String op() {
        return op;
    }

    public Map<String, Object> params() {
        return params;
    }

    /** A required string parameter. */
    public String string(final String name) throws AdminException {
        final Object v = params.get(name);
        if (v instanceof String s) {
            return s;
        }
        throw new AdminException(AdminError.INVALID_ARGUMENT, "missing string parameter '" + name + "'");
    }

    /** An optional string parameter. */
    public String string(final String name, final String fallback) {
        return params.get(name) instanceof String s ? s : fallback;
    }

    public long number(final String name, final long fallback) {
        return params.get(name) instanceof Long l ? l : fallback;
    }

    public boolean flag(final String name) {
        return Boolean.TRUE.equals(params.get(name));
    }

    /** An optional array of strings (empty when absent). */
    @SuppressWarnings("unchecked")
    public List<String> strings(final String name) {
        return params.get(name) instanceof List<?> l ? (List<String>) l : List.of();
    }
}
