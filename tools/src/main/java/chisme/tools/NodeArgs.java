package chisme.tools;

import chisme.node.config.ConfigKey;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * {@code chisme node}'s argument line read without picocli, when it is plain. Issue 16: building picocli's model of
 * the node command and its ~65 config options (annotation proxies, converters, usage model) costs ~0.3 s of CPU
 * at every daemon start, on a router where start CPU is the budget. Only the forms picocli reads the same way are
 * taken here: {@code --KEY VALUE}, {@code --KEY=VALUE}, {@code -c FILE}, {@code --config[=]FILE}, and the two
 * flags ({@code --reset-store}, {@code --new-identity}) alone or with {@code =VALUE}. Anything else (help, version,
 * an unknown or repeated option, a value that starts with '-', an {@code @file}, "--", a missing value) gives
 * null, and picocli parses the line: its messages and its usage stay the only ones (NodeArgsTest compares both).
 *
 * @param configFile {@code -c}/{@code --config}, or null
 * @param flags      the values of each {@code --KEY} given, in command-line order
 */
record NodeArgs(Path configFile, Map<ConfigKey, List<String>> flags) {

    /** The parsed line, or null when picocli must read it. */
    static NodeArgs parse(final String... args) {
        Path config = null;
        final Map<ConfigKey, List<String>> flags = new EnumMap<>(ConfigKey.class);
        for (int i = 0; i < args.length; i++) {
            final String a = args[i];
            if (!a.startsWith("--") || a.length() == 2) {
                if (a.equals("-c") && config == null && plainValue(args, i + 1)) {
                    config = Path.of(args[++i]);
                    continue;
                }
                return null;
            }
            final int eq = a.indexOf('=');
            final String name = eq < 0 ? a.substring(2) : a.substring(2, eq);
            final String inline = eq < 0 ? null : a.substring(eq + 1);
            if (name.equals("config")) {
                if (config != null) {
                    return null;
                }
                if (inline != null && !inline.isEmpty()) {
                    config = Path.of(inline);
                } else if (plainValue(args, i + 1)) {
                    config = Path.of(args[++i]);
                } else {
                    return null;
                }
                continue;
            }
            final ConfigKey k = ConfigKey.byName(name);
            if (k == null || (!k.repeatable() && flags.containsKey(k))) {
                return null;
            }
            final String value;
            if (inline != null) {
                if (inline.isEmpty() && k.flag()) {
                    return null; // whether picocli takes "" or its fallback "true" here is its business
                }
                value = inline;
            } else if (k.flag()) {
                // picocli's arity 0..1 would take a following non-option word as the value: leave that to it.
                if (i + 1 < args.length && !args[i + 1].startsWith("-")) {
                    return null;
                }
                value = "true";
            } else if (plainValue(args, i + 1)) {
                value = args[++i];
            } else {
                return null;
            }
            // No lambda here: each lambda is one more class spun at start (the router profile runs without CDS).
            List<String> values = flags.get(k);
            if (values == null) {
                values = new ArrayList<>(1);
                flags.put(k, values);
            }
            values.add(value);
        }
        return new NodeArgs(config, flags);
    }

    /** True when {@code args[i]} exists and picocli would surely read it as an option's value. */
    private static boolean plainValue(final String[] args, final int i) {
        return i < args.length && !args[i].startsWith("-") && !args[i].startsWith("@");
    }
}
