package chisme.node.event;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventLogTest {
    @Test
    void shouldKeepOnlyTheMostRecentEventsInOrder() {
        final EventLog log = new EventLog(3);
        for (int i = 1; i <= 5; i++) {
            log.record(i, EventType.LOOKUP, "e" + i);
        }
        final List<Event> all = log.since(0);
        assertEquals(List.of("e3", "e4", "e5"), all.stream().map(Event::message).toList());
        assertEquals(5, log.lastSequence());
        assertEquals(List.of("e5"), log.since(4).stream().map(Event::message).toList());
        assertEquals(2, log.recent(2).size());
    }

    @Test
    void shouldWakeAFollowerWhenAnEventArrives() throws Exception {
        final EventLog log = new EventLog(10);
        log.record(0, EventType.START, "s");
        final CompletableFuture<List<Event>> follower = CompletableFuture.supplyAsync(() -> {
            try {
                return log.await(1, 5_000);
            } catch (final InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        log.record(1, EventType.JOIN, "joined");
        final List<Event> got = follower.get(5, TimeUnit.SECONDS);
        assertEquals("joined", got.get(0).message());
        assertTrue(log.await(2, 1).isEmpty(), "times out with nothing new");
    }
}
