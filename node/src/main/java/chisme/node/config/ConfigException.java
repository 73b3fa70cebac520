package chisme.node.config;

/**
 * A bad configuration value, with a one-line message naming where it came from
 * ({@code FILE:LINE: KEY: problem} for the config file, {@code --KEY: problem} for a flag).
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(final String message) {
        super(message, null, false, false);
    }
}
