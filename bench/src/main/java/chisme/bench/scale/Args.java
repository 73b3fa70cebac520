package chisme.bench.scale;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** {@code --name=value} flags of a sub-command; unknown flags are an error (a typo must not go unnoticed). */
final class Args {
    private final Map<String, String> values = new HashMap<>();
    private final Set<String> used = new HashSet<>();

    Args(final String[] args, final int from) {
        for (int i = from; i < args.length; i++) {
            final String a = args[i];
            final int eq = a.indexOf('=');
            if (!a.startsWith("--") || eq < 3) {
                throw new IllegalArgumentException("expected --name=value, got " + a);
            }
            values.put(a.substring(2, eq), a.substring(eq + 1));
        }
    }

    int integer(final String name, final int dflt) {
        used.add(name);
        return values.containsKey(name) ? Integer.parseInt(values.get(name)) : dflt;
    }

    long longValue(final String name, final long dflt) {
        used.add(name);
        return values.containsKey(name) ? Long.parseLong(values.get(name)) : dflt;
    }

    double decimal(final String name, final double dflt) {
        used.add(name);
        return values.containsKey(name) ? Double.parseDouble(values.get(name)) : dflt;
    }

    String string(final String name, final String dflt) {
        used.add(name);
        return values.getOrDefault(name, dflt);
    }

    int[] integers(final String name, final String dflt) {
        return Arrays.stream(string(name, dflt).split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
    }

    Path results() {
        return Path.of(string("results", "bench/results"));
    }

    Path plots() {
        return Path.of(string("plots", "docs/plots"));
    }

    /** Throws if a flag was given that the sub-command never asked for. */
    void checkAllUsed() {
        for (final String k : values.keySet()) {
            if (!used.contains(k)) {
                throw new IllegalArgumentException("unknown flag --" + k);
            }
        }
    }
}
