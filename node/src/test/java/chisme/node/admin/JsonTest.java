package chisme.node.admin;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JsonTest {
    @Test
    void shouldKeepNumbersExactlyAsWritten() throws IOException {
        assertEquals("{\"big\":1e999999,\"tiny\":1e-999999,\"long\":123456789012345678901234567890,\"n\":[0.1,-2]}",
            Json.reformat("{\"big\": 1e999999, \"tiny\": 1e-999999, \"long\": 123456789012345678901234567890, \"n\": [0.1, -2]}", false));
    }

    @Test
    void shouldRefuseInvalidUtf8() throws IOException {
        assertEquals("añ", Json.utf8("añ".getBytes(StandardCharsets.UTF_8)));
        final IOException e = assertThrows(IOException.class, () -> Json.utf8(new byte[] {'{', (byte) 0xFF, '}'}));
        assertEquals("not valid UTF-8", e.getMessage());
    }
}
