package chisme.node.sharedstate;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads the Lua shared-state map {@code {key: {bleachTTL, author, data}}} (what a Lua node's
 * {@code reqsync} sends) into {@link LuaBridge.Entry}s. A removed key has no {@code data} (the Lua
 * tool stores nil); a missing or non-numeric bleachTTL counts as 0, which the merge drops as Lua does.
 */
final class LuaMapParser {
    private LuaMapParser() {
    }

    static List<LuaBridge.Entry> parse(final String text) {
        if (text != null && text.strip().equals("[]")) {
            return List.of(); // luci.jsonc writes an empty Lua table as []
        }
        final List<LuaBridge.Entry> out = new ArrayList<>();
        for (final Map.Entry<String, byte[]> e : CanonicalJson.parseObject(text).entrySet()) {
            final String entryJson = new String(e.getValue(), StandardCharsets.UTF_8);
            if (!entryJson.startsWith("{")) {
                throw new SharedStateException(SharedStateException.Code.WRONG_JSON_TYPE,
                    "reqsync: entry '" + ShelfNames.abbreviate(e.getKey()) + "' is not an object {bleachTTL, author, data}");
            }
            final Map<String, byte[]> fields = CanonicalJson.parseObject(entryJson);
            final byte[] data = fields.get("data");
            final boolean removed = data == null || new String(data, StandardCharsets.UTF_8).equals("null");
            out.add(new LuaBridge.Entry(e.getKey(), removed ? null : data, author(fields.get("author")), bleachTtl(fields.get("bleachTTL"))));
        }
        return out;
    }

    private static long bleachTtl(final byte[] v) {
        if (v == null) {
            return 0;
        }
        try {
            return (long) Math.floor(Double.parseDouble(new String(v, StandardCharsets.UTF_8)));
        } catch (final NumberFormatException e) {
            return 0;
        }
    }

    private static String author(final byte[] v) {
        if (v == null) {
            return "unknown";
        }
        final String s = new String(v, StandardCharsets.UTF_8);
        if (s.length() >= 2 && s.startsWith("\"")) {
            final List<String> one = CanonicalJson.parseStringArray("[" + s + "]");
            return one.get(0).isEmpty() ? "unknown" : one.get(0);
        }
        return s;
    }
}
