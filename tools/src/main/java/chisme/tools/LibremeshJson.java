package chisme.tools;

import chisme.node.admin.Json;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;

/**
 * Writes JSON the way LibreMesh's two tools print it, because scripts parse their output:
 * <ul>
 *   <li>{@link #rapidPretty}: shared-state-async ({@code std::cout << prettyJSON << doc}, libretroshare
 *       util/rsjson.cc): RapidJSON's PrettyWriter, 4-space indent, {@code "key": value}, one array
 *       element per line, {@code {}} and {@code []} when empty, '/' and non-ASCII not escaped, control
 *       characters as {@code \\uXXXX} with upper-case hex.</li>
 *   <li>{@link #jsonC}: the Lua tool ({@code luci.jsonc} stringify, json-c plain): one line, no spaces,
 *       '/' escaped as {@code \\/}, control characters as {@code \\u00xx} with lower-case hex.</li>
 * </ul>
 */
final class LibremeshJson {
    private LibremeshJson() {
    }

    static String rapidPretty(final String json) {
        final StringBuilder b = new StringBuilder(json.length() * 2);
        try (JsonParser p = Json.FACTORY.createParser(json)) {
            p.nextToken();
            value(p, b, 0, true);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        return b.toString();
    }

    static String jsonC(final String json) {
        final StringBuilder b = new StringBuilder(json.length() + 16);
        try (JsonParser p = Json.FACTORY.createParser(json)) {
            p.nextToken();
            value(p, b, 0, false);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        return b.toString();
    }

    /** One value: pretty = RapidJSON's PrettyWriter layout, else json-c's plain one-liner. */
    private static void value(final JsonParser p, final StringBuilder b, final int depth, final boolean pretty) throws IOException {
        final JsonToken t = p.currentToken();
        if (t != JsonToken.START_OBJECT && t != JsonToken.START_ARRAY) {
            scalar(p, b, !pretty, pretty);
            return;
        }
        final boolean object = t == JsonToken.START_OBJECT;
        final JsonToken end = object ? JsonToken.END_OBJECT : JsonToken.END_ARRAY;
        b.append(object ? '{' : '[');
        int n = 0;
        while (p.nextToken() != end) {
            if (pretty) {
                b.append(n == 0 ? "\n" : ",\n");
                indent(b, depth + 1);
            } else if (n > 0) {
                b.append(',');
            }
            n++;
            if (object) {
                string(b, p.currentName(), !pretty, pretty);
                b.append(pretty ? ": " : ":");
                p.nextToken();
            }
            value(p, b, depth + 1, pretty);
        }
        if (pretty && n > 0) {
            b.append('\n');
            indent(b, depth);
        }
        b.append(object ? '}' : ']');
    }

    private static void scalar(final JsonParser p, final StringBuilder b, final boolean escapeSlash, final boolean upperHex)
        throws IOException {
        switch (p.currentToken()) {
            case VALUE_STRING -> string(b, p.getText(), escapeSlash, upperHex);
            case VALUE_NUMBER_INT, VALUE_TRUE, VALUE_FALSE, VALUE_NULL -> b.append(p.getText());
            case VALUE_NUMBER_FLOAT -> b.append(upperHex ? rapidDouble(p.getDoubleValue()) : p.getText());
            default -> throw new IOException("unexpected " + p.currentToken());
        }
    }

    /** RapidJSON's Grisu2 + Prettify: shortest digits, "1.0" for integral values, exponent form outside [1e-7, 1e21). */
    static String rapidDouble(final double d) {
        if (d == 0) {
            return (1 / d < 0) ? "-0.0" : "0.0";
        }
        final BigDecimal v = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        final String digits = v.unscaledValue().abs().toString();
        final int k = digits.length();
        final int exp10 = k - v.scale(); // the value is 0.DIGITS x 10^exp10
        final String sign = d < 0 ? "-" : "";
        if (k <= exp10 && exp10 <= 21) {
            return sign + digits + "0".repeat(exp10 - k) + ".0";
        }
        if (0 < exp10 && exp10 <= 21) {
            return sign + digits.substring(0, exp10) + "." + digits.substring(exp10);
        }
        if (-6 < exp10 && exp10 <= 0) {
            return sign + "0." + "0".repeat(-exp10) + digits;
        }
        final int e = exp10 - 1;
        return sign + (k == 1 ? digits : digits.charAt(0) + "." + digits.substring(1)) + "e" + e;
    }

    private static void indent(final StringBuilder b, final int depth) {
        b.append("    ".repeat(depth));
    }

    private static void string(final StringBuilder b, final String s, final boolean escapeSlash, final boolean upperHex) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '/' -> b.append(escapeSlash ? "\\/" : "/");
                default -> {
                    if (c < 0x20) {
                        final String hex = String.format(upperHex ? "%04X" : "%04x", (int) c);
                        b.append("\\u").append(hex);
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
