package chisme.node.admin;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.io.StringWriter;

/**
 * A reply line read by the client: ok with its {@code result} JSON text, an error with code and
 * message, or (while streaming) an {@code event}.
 */
public record AdminReply(boolean ok, String resultJson, AdminError code, String error, String eventJson) {

    /** True for an {@code {"event":...}} line of a streaming operation. */
    public boolean isEvent() {
        return eventJson != null;
    }

    /** Parses one reply line; throws IOException when it is not a reply. */
    public static AdminReply parse(final String line) throws IOException {
        boolean ok = false;
        String result = null;
        String event = null;
        AdminError code = null;
        String error = null;
        try (JsonParser p = Json.FACTORY.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("reply is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                final String name = p.currentName();
                p.nextToken();
                switch (name) {
                    case "ok" -> ok = p.getValueAsBoolean();
                    case "result" -> result = copy(p);
                    case "event" -> event = copy(p);
                    case "code" -> {
                        try {
                            code = AdminError.valueOf(p.getText());
                        } catch (final IllegalArgumentException e) {
                            code = AdminError.FAILED;
                        }
                    }
                    case "error" -> error = p.getText();
                    default -> p.skipChildren();
                }
            }
        }
        if (!ok && event == null && code == null) {
            code = AdminError.FAILED;
        }
        return new AdminReply(ok, result, code, error, event);
    }

    private static String copy(final JsonParser p) throws IOException {
        final StringWriter w = new StringWriter();
        try (JsonGenerator g = Json.FACTORY.createGenerator(w)) {
            Json.copyExact(p, g);
        }
        return w.toString();
    }
}
