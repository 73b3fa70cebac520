package chisme.node.event;

/**
 * One recorded event.
 *
 * @param sequence position in the log, strictly increasing from 1 (used to follow new events)
 * @param timeMs   node clock time when it happened
 * @param type     kind of event
 * @param message  human-readable detail
 */
public record Event(long sequence, long timeMs, EventType type, String message) {
    @Override
    public String toString() {
        return sequence + " " + timeMs + " " + type + " " + message;
    }
}
