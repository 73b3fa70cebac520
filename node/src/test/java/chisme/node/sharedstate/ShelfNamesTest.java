package chisme.node.sharedstate;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The admin path's errors for the one name rule and key limit of chisme.wire (ShelfName, BookKey). */
class ShelfNamesTest {
    @Test
    void shouldTakeA255ByteKeyAndRefuse256InOneLine() {
        assertEquals("k".repeat(255), ShelfNames.requireKey("k".repeat(255)));
        final SharedStateException e = assertThrows(SharedStateException.class, () -> ShelfNames.requireKey("k".repeat(256)));
        assertEquals(SharedStateException.Code.INVALID_KEY, e.code());
        assertEquals("invalid book key '" + "k".repeat(40) + "...': must be 1-255 UTF-8 bytes", e.getMessage());
        assertThrows(SharedStateException.class, () -> ShelfNames.requireKey("\u00e9".repeat(128)), "256 bytes in UTF-8");
        assertThrows(SharedStateException.class, () -> ShelfNames.requireKey(""));
    }

    @Test
    void shouldApplyTheWireShelfRule() {
        assertEquals("a".repeat(64), ShelfNames.require("a".repeat(64)));
        final SharedStateException e = assertThrows(SharedStateException.class, () -> ShelfNames.require("bad/name"));
        assertEquals(SharedStateException.Code.INVALID_SHELF_NAME, e.code());
        assertEquals("invalid shelf name 'bad/name': use 1-64 characters of [A-Za-z0-9_-]", e.getMessage());
        assertThrows(SharedStateException.class, () -> ShelfNames.require("a".repeat(65)));
    }
}
