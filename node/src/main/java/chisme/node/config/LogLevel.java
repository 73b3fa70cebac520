package chisme.node.config;

/** How much the daemon writes to stderr (events are always kept for {@code chisme logs}). */
public enum LogLevel {
    ERROR, WARN, INFO, DEBUG;

    /** True when messages of {@code level} are written at this setting. */
    public boolean enables(final LogLevel level) {
        return level.ordinal() <= ordinal();
    }
}
