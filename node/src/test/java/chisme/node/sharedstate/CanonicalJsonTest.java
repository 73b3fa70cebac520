package chisme.node.sharedstate;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CanonicalJsonTest {
    @Test
    void shouldSortMembersAndDropWhitespace() {
        final Map<String, byte[]> m = CanonicalJson.parseObject("{ \"k\" : { \"b\": [1, 2.50, \"x\"], \"a\": null, \"c\": true } }");
        assertEquals("{\"a\":null,\"b\":[1,2.50,\"x\"],\"c\":true}", new String(m.get("k"), StandardCharsets.UTF_8));
    }

    @Test
    void shouldMakeEqualDataEqualBytes() {
        assertArrayEquals(CanonicalJson.canonical("{\"x\":1,\"y\":\"é\"}"), CanonicalJson.canonical("{ \"y\" : \"\\u00e9\", \"x\" : 1 }"));
    }

    @Test
    void shouldRefuseInvalidJsonWithTypedError() {
        final SharedStateException e = assertThrows(SharedStateException.class, () -> CanonicalJson.parseObject("{\"a\": "));
        assertEquals(SharedStateException.Code.INVALID_JSON, e.code());
        assertFalse(e.getMessage().contains("\n"));
        assertEquals(SharedStateException.Code.INVALID_JSON,
            assertThrows(SharedStateException.class, () -> CanonicalJson.parseObject("{\"a\":1} x")).code());
        assertEquals(SharedStateException.Code.INVALID_JSON,
            assertThrows(SharedStateException.class, () -> CanonicalJson.parseObject("{\"a\":1,\"a\":2}")).code());
    }

    @Test
    void shouldRefuseNonObjectWhereObjectIsNeeded() {
        assertEquals(SharedStateException.Code.WRONG_JSON_TYPE,
            assertThrows(SharedStateException.class, () -> CanonicalJson.parseObject("[1,2]")).code());
        assertEquals(SharedStateException.Code.WRONG_JSON_TYPE,
            assertThrows(SharedStateException.class, () -> CanonicalJson.parseStringArray("{\"a\":1}")).code());
        assertEquals(SharedStateException.Code.WRONG_JSON_TYPE,
            assertThrows(SharedStateException.class, () -> CanonicalJson.parseStringArray("[\"a\", 1]")).code());
    }

    @Test
    void shouldRefuseDeepNesting() {
        final String deep = "[".repeat(200) + "]".repeat(200);
        assertThrows(SharedStateException.class, () -> CanonicalJson.canonical(deep));
    }

    @Test
    void shouldRecogniseCanonicalBytes() {
        assertTrue(CanonicalJson.isCanonical("{\"a\":[1,{\"b\":2}]}".getBytes(StandardCharsets.UTF_8)));
        assertFalse(CanonicalJson.isCanonical("{\"b\":1,\"a\":2}".getBytes(StandardCharsets.UTF_8)));
        assertFalse(CanonicalJson.isCanonical("{\"a\": 1}".getBytes(StandardCharsets.UTF_8)));
        assertFalse(CanonicalJson.isCanonical("{".getBytes(StandardCharsets.UTF_8)));
        assertFalse(CanonicalJson.isCanonical(new byte[]{(byte) 0xFF}));
    }

    @Test
    void shouldKeepMemberOrderInCompactForm() {
        final Map<String, byte[]> m = CanonicalJson.parseObjectInOrder("{ \"z\": 1, \"k\" : { \"b\": [{\"y\": 1, \"x\": 2}], \"a\": null } }");
        assertEquals(List.of("z", "k"), List.copyOf(m.keySet()));
        assertEquals("{\"b\":[{\"y\":1,\"x\":2}],\"a\":null}", new String(m.get("k"), StandardCharsets.UTF_8));
        assertEquals(SharedStateException.Code.INVALID_JSON,
            assertThrows(SharedStateException.class, () -> CanonicalJson.parseObjectInOrder("{\"k\":{\"a\":1,\"a\":2}}")).code());
    }

    @Test
    void shouldRecogniseCompactBytesInAnyMemberOrder() {
        assertTrue(CanonicalJson.isCompact("{\"b\":1,\"a\":[{\"d\":2,\"c\":3}]}".getBytes(StandardCharsets.UTF_8)));
        assertFalse(CanonicalJson.isCompact("{\"b\": 1}".getBytes(StandardCharsets.UTF_8)));
        assertFalse(CanonicalJson.isCompact("{\"a\":1,\"a\":1}".getBytes(StandardCharsets.UTF_8)));
        assertFalse(CanonicalJson.isCompact("\"\\u0041\"".getBytes(StandardCharsets.UTF_8)), "escapes are rewritten");
    }

    @Test
    void shouldTreatReorderedMembersAsTheSameValue() {
        final byte[] a = "{\"b\":1,\"a\":{\"y\":[1,2],\"x\":null}}".getBytes(StandardCharsets.UTF_8);
        final byte[] b = "{\"a\":{\"x\":null,\"y\":[1,2]},\"b\":1}".getBytes(StandardCharsets.UTF_8);
        assertTrue(CanonicalJson.sameValue(a, b));
        assertFalse(CanonicalJson.sameValue(a, "{\"a\":{\"x\":null,\"y\":[2,1]},\"b\":1}".getBytes(StandardCharsets.UTF_8)), "array order counts");
        assertFalse(CanonicalJson.sameValue(a, "{\"a\":{\"x\":null,\"y\":[1,2]},\"b\":2}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void shouldParseKeyArray() {
        assertEquals(List.of("a", "b"), CanonicalJson.parseStringArray("[\"a\",\"b\"]"));
    }
}
