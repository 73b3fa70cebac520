package chisme.node.config;

import chisme.wire.ShelfName;
import chisme.node.admin.Json;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * shared-state-async's registry of data types, {@code /tmp/shared-state/shared-state-async.conf}, which
 * {@code shared-state-async register} writes and the daemon reads. Its format is the real tool's
 * (libretroshare serialiser of {@code std::map<std::string, DataTypeConf>}): a JSON array of
 * {@code {"key": NAME, "value": {"mName", "mScope", "mUpdateInterval", "mBleachTTL"}}}, durations in
 * seconds as 64-bit integers, which that serialiser wraps as {@code {"xint64": N, "xstr64": "N"}}; a
 * bare number is accepted too. The async init script first writes {@code {}} (no types).
 */
public final class AsyncRegistry {
    /** The real tool's path (SHARED_STATE_CONFIG_DIR + SHARED_STATE_CONFIG_FILE_NAME). */
    public static final Path DEFAULT_PATH = Path.of("/tmp/shared-state/shared-state-async.conf");

    /** One registered type. */
    public record Type(String name, String scope, long updateIntervalS, long ttlS) {
    }

    private AsyncRegistry() {
    }

    /** The registered types by name; a missing or unreadable file is empty (problems say why). */
    public static Map<String, Type> read(final Path file, final List<String> problems) {
        final Map<String, Type> out = new TreeMap<>();
        if (file == null || !Files.isRegularFile(file)) {
            return out;
        }
        try (JsonParser p = Json.FACTORY.createParser(Files.readString(file, StandardCharsets.UTF_8))) {
            final JsonToken first = p.nextToken();
            if (first != JsonToken.START_ARRAY) {
                return out; // "{}": nothing registered
            }
            while (p.nextToken() == JsonToken.START_OBJECT) {
                String key = null;
                final Map<String, Object> value = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    final String f = p.currentName();
                    p.nextToken();
                    if (f.equals("key")) {
                        key = p.getValueAsString();
                    } else if (f.equals("value") && p.currentToken() == JsonToken.START_OBJECT) {
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            final String vf = p.currentName();
                            p.nextToken();
                            value.put(vf, p.currentToken() == JsonToken.START_OBJECT ? int64(p) : p.getValueAsString());
                        }
                    } else {
                        p.skipChildren();
                    }
                }
                final long interval = seconds(value.get("mUpdateInterval"));
                final long ttl = seconds(value.get("mBleachTTL"));
                if (key == null || !ShelfName.valid(key) || interval < 1 || ttl < 1) {
                    problems.add(file + ": registered type '" + key + "' skipped (needs a valid name, interval and ttl)");
                    continue;
                }
                out.put(key, new Type(key, String.valueOf(value.getOrDefault("mScope", "")), interval, ttl));
            }
        } catch (final IOException | RuntimeException e) {
            problems.add(file + ": unreadable (" + e.getMessage() + "); ignored");
        }
        return out;
    }

    /** Adds or replaces {@code t} in {@code file} (written atomically, directory created). */
    public static void register(final Path file, final Type t) throws IOException {
        final Map<String, Type> all = read(file, new java.util.ArrayList<>());
        all.put(t.name(), t);
        final String json = Json.write(g -> {
            g.writeStartArray();
            for (final Type x : all.values()) {
                g.writeStartObject();
                g.writeStringField("key", x.name());
                g.writeObjectFieldStart("value");
                g.writeStringField("mName", x.name());
                g.writeStringField("mScope", x.scope());
                writeInt64(g, "mUpdateInterval", x.updateIntervalS());
                writeInt64(g, "mBleachTTL", x.ttlS());
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
        });
        Files.createDirectories(file.toAbsolutePath().getParent());
        final Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, json + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void writeInt64(final JsonGenerator g, final String name, final long v) throws IOException {
        g.writeObjectFieldStart(name);
        g.writeNumberField("xint64", v);
        g.writeStringField("xstr64", Long.toString(v));
        g.writeEndObject();
    }

    private static Object int64(final JsonParser p) throws IOException {
        String v = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            final String f = p.currentName();
            p.nextToken();
            if (f.equals("xint64") || f.equals("xstr64") && v == null) {
                v = p.getValueAsString();
            } else {
                p.skipChildren();
            }
        }
        return v;
    }

    private static long seconds(final Object o) {
        try {
            return o == null ? -1 : Long.parseLong(o.toString().trim());
        } catch (final NumberFormatException e) {
            return -1;
        }
    }
}
