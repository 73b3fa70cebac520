package chisme.node.config;

import chisme.wire.ShelfName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the {@code config dataType} sections of LibreMesh's UCI file {@code /etc/config/shared-state}
 * (six packages' uci-defaults write them: name, scope, ttl, update_interval, in seconds) into per-shelf
 * settings {@code ttl-s} and {@code sync-interval-s}. UCI syntax (OpenWrt uci(1)): {@code config TYPE
 * ['NAME']} opens a section, {@code option KEY 'VALUE'} sets a value, {@code #} comments; values may be
 * single-quoted, double-quoted or bare. Sections of other types are ignored; a bad value is reported in
 * {@code problems} and that setting skipped.
 */
public final class UciDataTypes {
    /** Where LibreMesh keeps them. */
    public static final Path DEFAULT_PATH = Path.of("/etc/config/shared-state");
    private static final Pattern LINE = Pattern.compile("^\\s*(config|option)\\s+(\\S+)(?:\\s+(.*?))?\\s*$");

    private UciDataTypes() {
    }

    /** shelf -> (setting -> value); missing file: empty. */
    public static Map<String, Map<String, String>> read(final Path file, final List<String> problems) {
        final Map<String, Map<String, String>> out = new LinkedHashMap<>();
        if (file == null || !Files.isRegularFile(file)) {
            return out;
        }
        final List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (final IOException e) {
            problems.add(file + ": cannot read (" + e.getMessage() + ")");
            return out;
        }
        Map<String, String> section = null;
        final List<Map<String, String>> sections = new ArrayList<>();
        for (final String raw : lines) {
            final String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            final Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            if (m.group(1).equals("config")) {
                section = unquote(m.group(2)).equals("dataType") ? new LinkedHashMap<>() : null;
                if (section != null) {
                    sections.add(section);
                }
            } else if (section != null && m.group(3) != null) {
                section.put(unquote(m.group(2)), unquote(m.group(3)));
            }
        }
        for (final Map<String, String> s : sections) {
            final String name = s.get("name");
            if (name == null || !ShelfName.valid(name)) {
                problems.add(file + ": dataType with invalid name '" + name + "' skipped");
                continue;
            }
            final Map<String, String> settings = new LinkedHashMap<>();
            whole(s.get("ttl"), 1, 4_294_967, file + ": " + name + ".ttl", problems, v -> settings.put("ttl-s", v));
            whole(s.get("update_interval"), 1, 86_400, file + ": " + name + ".update_interval", problems,
                v -> settings.put("sync-interval-s", v));
            out.put(name, settings);
        }
        return out;
    }

    static void whole(final String v, final long min, final long max, final String what, final List<String> problems,
                      final java.util.function.Consumer<String> ok) {
        if (v == null) {
            return;
        }
        try {
            final long n = Long.parseLong(v.trim());
            if (n >= min && n <= max) {
                ok.accept(Long.toString(n));
                return;
            }
        } catch (final NumberFormatException e) {
            // reported below
        }
        problems.add(what + ": '" + v + "' is not a whole number in " + min + ".." + max + "; ignored");
    }

    private static String unquote(final String v) {
        final String t = v.strip();
        if (t.length() >= 2 && (t.startsWith("'") && t.endsWith("'") || t.startsWith("\"") && t.endsWith("\""))) {
            return t.substring(1, t.length() - 1);
        }
        return t;
    }
}
