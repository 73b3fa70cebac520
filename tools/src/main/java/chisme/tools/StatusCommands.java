package chisme.tools;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Map;

/** {@code status}, {@code peers} and {@code stats}: human-readable by default, {@code --json} for scripts. */
final class StatusCommands {
    private StatusCommands() {
    }

    @Command(name = "status", description = "Show the node's id, address, uptime, contacts, stored values and shelves.")
    static final class Status extends ClientCommand {
        @Option(names = "--json", description = "print the raw JSON reply")
        boolean json;

        @Override
        public Integer call() {
            final String result = call("status", NONE);
            if (json) {
                out().println(result);
                return ExitCode.OK;
            }
            final Map<String, Object> s = JsonTree.object(result);
            final String addr = String.valueOf(s.get("address"));
            out().println("id        " + s.get("id"));
            out().println("name      " + s.get("name"));
            out().println("address   " + (addr.indexOf(':') >= 0 ? "[" + addr + "]" : addr) + ":" + s.get("port"));
            out().println("uptime    " + JsonTree.duration((Long) s.get("uptimeMs")));
            out().println("contacts  " + s.get("contacts"));
            if (s.get("join") instanceof Map<?, ?> join) {
                out().println("join      " + joinLine(join));
            }
            out().println("values    " + s.get("values") + (Boolean.TRUE.equals(s.get("persistent")) ? " (persistent)" : " (in memory)"));
            @SuppressWarnings("unchecked") final Map<String, Object> shelves = (Map<String, Object>) s.get("shelves");
            final StringBuilder b = new StringBuilder();
            for (final Map.Entry<String, Object> e : shelves.entrySet()) {
                b.append(b.isEmpty() ? "" : ", ").append(e.getKey()).append(" (").append(e.getValue()).append(')');
            }
            out().println("shelves   " + (b.isEmpty() ? "(none)" : b));
            out().println("data      " + s.get("dataDir"));
            if (s.containsKey("networkKey")) {
                out().println("network   " + ("open".equals(s.get("networkKey"))
                    ? "OPEN: no network key (chisme keys, docs/security.md)"
                    : "key " + s.get("networkKey") + " seals, " + s.get("networkKeys") + " installed"));
            }
            @SuppressWarnings("unchecked") final Map<String, Object> disk = (Map<String, Object>) s.get("disk");
            if (disk != null) {
                final long freeKiB = ((Number) disk.get("freeBytes")).longValue() / 1024;
                out().println("disk      " + (Boolean.TRUE.equals(disk.get("full")) ? "FULL: writes refused, " : "")
                    + freeKiB + " KiB free, " + disk.get("writesRefused") + " writes refused");
            }
            final Object damage = s.get("storeDamage");
            if (damage instanceof List<?> l) {
                for (final Object d : l) {
                    out().println("damage    " + d);
                }
            }
            return ExitCode.OK;
        }
    }

    /** "joined 2m ago (attempt 3)", "retrying: attempt 4, next in 8s, last failure: ...", "alone: ...". */
    static String joinLine(final Map<?, ?> join) {
        final String state = String.valueOf(join.get("state")).toLowerCase(java.util.Locale.ROOT);
        final StringBuilder b = new StringBuilder(state);
        if (join.get("joinedMsAgo") instanceof Long ago && state.equals("joined")) {
            b.append(' ').append(JsonTree.duration(ago)).append(" ago");
        }
        b.append(" (").append(join.get("attempts")).append(" attempts)");
        if (join.get("nextAttemptInMs") instanceof Long next) {
            b.append(", next attempt in ").append(JsonTree.duration(next));
        }
        if (join.get("lastFailure") instanceof String failure && !state.equals("joined")) {
            b.append(", last failure: ").append(failure);
        }
        return b.toString();
    }

    @Command(name = "peers", description = "Show the routing table (k-buckets), nearest buckets first.")
    static final class Peers extends ClientCommand {
        @Option(names = "--json", description = "print the raw JSON reply")
        boolean json;

        @Override
        public Integer call() {
            final String result = call("peers", NONE);
            if (json) {
                out().println(result);
                return ExitCode.OK;
            }
            final List<Object> peers = JsonTree.array(result);
            out().printf("%-40s  %-6s  %-30s  %8s  %s%n", "ID", "BUCKET", "ADDRESS", "SEEN", "FAILURES");
            for (final Object o : peers) {
                @SuppressWarnings("unchecked") final Map<String, Object> p = (Map<String, Object>) o;
                final String addr = String.valueOf(p.get("address"));
                out().printf("%-40s  %-6s  %-30s  %8s  %s%n", p.get("id"), p.get("bucket"),
                    (addr.indexOf(':') >= 0 ? "[" + addr + "]" : addr) + ":" + p.get("port"),
                    JsonTree.duration((Long) p.get("lastSeenMsAgo")) + " ago", p.get("failures"));
            }
            out().println(peers.size() + " contacts");
            return ExitCode.OK;
        }
    }

    @Command(name = "stats", description = "Show every counter of the node.")
    static final class Stats extends ClientCommand {
        @Option(names = "--json", description = "print the raw JSON reply")
        boolean json;

        @Override
        public Integer call() {
            final String result = call("stats", NONE);
            if (json) {
                out().println(result);
                return ExitCode.OK;
            }
            for (final Map.Entry<String, Object> e : JsonTree.object(result).entrySet()) {
                out().printf("%-28s %s%n", e.getKey(), e.getValue());
            }
            return ExitCode.OK;
        }
    }
}
