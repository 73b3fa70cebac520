package chisme.node.sharedstate;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One entry of a LibreMesh {@code shared-state-multiwriter} map, {@code {lastModified, changes, fortune,
 * author, data}} (lime-packages shared-state.lua, {@code SharedStateMultiWriter}). A MULTIWRITER shelf
 * stores this whole entry, compact and in this member order, as a book's data, so {@code get}, hooks and the
 * Lua library's persistent file print it as the Lua tool does.
 * <p>
 * The Lua merge keeps the entry with more {@code changes}, ties broken by the larger {@code fortune}
 * ({@code math.random(1, 100000)}). The book version encodes exactly that order, {@code changes << 17 |
 * fortune}, so chisme's ordinary version order ({@link BookOrder}) is the Lua rule; equal (changes,
 * fortune) from two authors, where Lua keeps whatever each node held and never converges, falls to the
 * author-id tie-break and converges. A book whose version does not match its entry is refused.
 */
record MultiWriterEntry(long lastModified, long changes, int fortune, String author, byte[] data) {
    /** Fortune takes the low 17 bits of the version (Lua draws 1..100000 < 2^17). */
    static final int FORTUNE_BITS = 17;
    static final int MAX_FORTUNE = (1 << FORTUNE_BITS) - 1;
    /** Most changes that still fit beside the fortune in a signed 64-bit version. */
    static final long MAX_CHANGES = (1L << (63 - FORTUNE_BITS)) - 1;

    MultiWriterEntry {
        if (changes < 0 || changes > MAX_CHANGES || fortune < 0 || fortune > MAX_FORTUNE || author == null || data == null) {
            throw new SharedStateException(SharedStateException.Code.WRONG_JSON_TYPE,
                "multiwriter entry: changes 0.." + MAX_CHANGES + ", fortune 0.." + MAX_FORTUNE + ", author and data set");
        }
    }

    /** The book version of this entry: the Lua merge order as one number. */
    long version() {
        return changes << FORTUNE_BITS | fortune;
    }

    /** The entry as stored and printed: {@code {"lastModified":..,"changes":..,"fortune":..,"author":..,"data":..}}. */
    byte[] envelope() {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(64 + data.length);
        try (JsonGenerator g = CanonicalJson.generator(out)) {
            g.writeStartObject();
            g.writeNumberField("lastModified", lastModified);
            g.writeNumberField("changes", changes);
            g.writeNumberField("fortune", fortune);
            g.writeStringField("author", author);
            g.writeFieldName("data");
            g.writeRawValue(new String(data, StandardCharsets.UTF_8));
            g.writeEndObject();
        } catch (final IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    /** Reads an entry (a stored book's data or one member of a Lua node's map); throws a one-line refusal. */
    static MultiWriterEntry parse(final byte[] utf8) {
        final String text = new String(utf8, StandardCharsets.UTF_8);
        if (!text.stripLeading().startsWith("{")) {
            throw new SharedStateException(SharedStateException.Code.WRONG_JSON_TYPE,
                "multiwriter entry is not an object {lastModified, changes, fortune, author, data}");
        }
        final Map<String, byte[]> f = CanonicalJson.parseObjectInOrder(text);
        final byte[] data = f.get("data");
        if (data == null) {
            throw new SharedStateException(SharedStateException.Code.WRONG_JSON_TYPE, "multiwriter entry without data");
        }
        return new MultiWriterEntry(integer(f.get("lastModified"), "lastModified"), integer(f.get("changes"), "changes"),
            (int) Math.min(Integer.MAX_VALUE, integer(f.get("fortune"), "fortune")), string(f.get("author")), data);
    }

    /** A Lua node's whole map {@code {key: entry}} ({@code []}: empty); malformed entries are skipped and counted in {@code skipped}. */
    static List<Map.Entry<String, MultiWriterEntry>> parseMap(final String text, final int[] skipped) {
        final List<Map.Entry<String, MultiWriterEntry>> out = new ArrayList<>();
        if (text == null || text.strip().equals("[]")) {
            return out; // luci.jsonc writes an empty Lua table as []
        }
        for (final Map.Entry<String, byte[]> e : CanonicalJson.parseObjectInOrder(text).entrySet()) {
            try {
                out.add(Map.entry(e.getKey(), parse(e.getValue())));
            } catch (final SharedStateException bad) {
                skipped[0]++;
            }
        }
        return out;
    }

    private static long integer(final byte[] v, final String name) {
        if (v == null) {
            throw new SharedStateException(SharedStateException.Code.WRONG_JSON_TYPE, "multiwriter entry without " + name);
        }
        try {
            // Lua 5.1 numbers are doubles: json-c may print 3 as 3 or 3.0.
            final double d = Double.parseDouble(new String(v, StandardCharsets.UTF_8));
            if (d != Math.floor(d) || Double.isInfinite(d) || Math.abs(d) > 9.0e15) {
                throw new NumberFormatException();
            }
            return (long) d;
        } catch (final NumberFormatException e) {
            throw new SharedStateException(SharedStateException.Code.WRONG_JSON_TYPE, "multiwriter entry: " + name + " is not an integer");
        }
    }

    private static String string(final byte[] v) {
        if (v == null || v.length < 2 || v[0] != '"') {
            throw new SharedStateException(SharedStateException.Code.WRONG_JSON_TYPE, "multiwriter entry: author is not a string");
        }
        return CanonicalJson.parseStringArray("[" + new String(v, StandardCharsets.UTF_8) + "]").get(0);
    }
}
