package chisme.node.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a config file into a {@link NodeConfig}. Format: one {@code key = value} per line, {@code #}
 * starts a comment line, blank lines ignored; repeatable keys ({@code join}, {@code neighbour}) may
 * appear several times, any other key at most once. Every problem is a {@link ConfigException} with a
 * one-line message {@code FILE:LINE: KEY: problem}.
 */
public final class ConfigFile {
    /** Largest config file read (a router's config is a few hundred bytes). */
    public static final long MAX_BYTES = 1 << 20;

    private ConfigFile() {
    }

    /** Applies every line of {@code file} to {@code config}. */
    public static NodeConfig load(final Path file, final NodeConfig config) {
        final List<String> lines;
        try {
            if (!Files.isRegularFile(file)) {
                throw new ConfigException(file + ": no such config file");
            }
            if (Files.size(file) > MAX_BYTES) {
                throw new ConfigException(file + ": larger than " + MAX_BYTES + " bytes");
            }
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (final MalformedInputException e) {
            throw new ConfigException(file + ": not UTF-8 text");
        } catch (final IOException e) {
            throw new ConfigException(file + ": cannot read (" + e.getMessage() + ")");
        }
        final Set<ConfigKey> seen = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            // A byte-order mark (Windows editors write one) is not part of the first key.
            final String raw = i == 0 && lines.get(0).startsWith("\uFEFF") ? lines.get(0).substring(1) : lines.get(i);
            final String line = raw.strip();
            final String where = file + ":" + (i + 1) + ": ";
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            final int eq = line.indexOf('=');
            if (eq < 0) {
                throw new ConfigException(where + "expected 'key = value', got '" + line + "'");
            }
            final String name = line.substring(0, eq).strip();
            final String value = line.substring(eq + 1).strip();
            if (name.startsWith("shelf.")) {
                // Per-shelf section written as dotted keys: shelf.pirania.ttl-s = 86400
                try {
                    config.shelfSetting(name.substring("shelf.".length()) + "=" + value);
                } catch (final IllegalArgumentException e) {
                    throw new ConfigException(where + name + ": " + e.getMessage());
                }
                continue;
            }
            final ConfigKey key = ConfigKey.byName(name);
            if (key == null) {
                throw new ConfigException(where + name + ": unknown key (see docs/configuration.md)");
            }
            if (!key.repeatable() && !seen.add(key)) {
                throw new ConfigException(where + name + ": set twice");
            }
            try {
                key.apply(config, value);
            } catch (final IllegalArgumentException e) {
                throw new ConfigException(where + name + ": " + e.getMessage());
            }
        }
        return config;
    }
}
