package chisme.node.sharedstate;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One hooks directory ({@code DIR/SHELF/} holds that shelf's hook executables) and the stdin format its
 * hooks expect. A LibreMesh node has two at once (libremesh-shared-state.md), so a node takes a list.
 *
 * @param dir    the directory
 * @param format stdin of its hooks, unless the shelf sets its own ({@link SharedStateConfig#shelfHookFormat})
 */
public record HookDir(Path dir, HookFormat format) {
    /** LibreMesh's Lua-tool hooks: full entries on stdin. */
    public static final HookDir LUA = new HookDir(Path.of("/etc/shared-state/hooks"), HookFormat.LIBREMESH);
    /** shared-state-async's hooks: bare data on stdin. */
    public static final HookDir ASYNC = new HookDir(Path.of("/usr/share/shared-state/hooks"), HookFormat.DATA);
    /** Publishers of the Lua tool and of shared-state-async. */
    public static final List<Path> LIBREMESH_PUBLISHERS = List.of(Path.of("/etc/shared-state/publishers"),
        Path.of("/usr/share/shared-state/publishers"));

    public HookDir {
        if (dir == null || format == null) {
            throw new IllegalArgumentException("hook dir and format must be set");
        }
    }

    /**
     * Parses {@code [FORMAT:]DIR}, e.g. {@code libremesh:/etc/shared-state/hooks}; without a prefix the
     * format is {@code fallback}. IllegalArgumentException with a one-line reason.
     */
    public static HookDir parse(final String text, final HookFormat fallback) {
        final String t = text.trim();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("empty value");
        }
        final int colon = t.indexOf(':');
        if (colon > 0 && !t.substring(0, colon).contains("/")) {
            return new HookDir(Path.of(t.substring(colon + 1).trim()), HookFormat.parse(t.substring(0, colon)));
        }
        return new HookDir(Path.of(t), fallback);
    }

    /** The LibreMesh hook directories that exist on this machine (both on a LibreMesh node). */
    public static List<HookDir> libremeshDefaults() {
        final List<HookDir> out = new ArrayList<>();
        for (final HookDir d : List.of(LUA, ASYNC)) {
            if (java.nio.file.Files.isDirectory(d.dir())) {
                out.add(d);
            }
        }
        return out;
    }

    /** The LibreMesh publisher directories that exist on this machine. */
    public static List<Path> libremeshPublisherDefaults() {
        return LIBREMESH_PUBLISHERS.stream().filter(java.nio.file.Files::isDirectory).toList();
    }
}
