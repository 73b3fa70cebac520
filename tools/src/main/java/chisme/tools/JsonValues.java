package chisme.tools;

import chisme.node.admin.Json;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** A JSON object's members as key -> the member value's own JSON text (client side: replies from our node). */
final class JsonValues {
    private JsonValues() {
    }

    static Map<String, String> split(final String jsonObject) {
        final Map<String, String> out = new LinkedHashMap<>();
        try (JsonParser p = Json.FACTORY.createParser(jsonObject)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return out;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                final String key = p.currentName();
                p.nextToken();
                final StringWriter w = new StringWriter();
                try (JsonGenerator g = Json.FACTORY.createGenerator(w)) {
                    g.copyCurrentStructure(p);
                }
                out.put(key, w.toString());
            }
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
