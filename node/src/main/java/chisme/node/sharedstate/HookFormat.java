package chisme.node.sharedstate;

import java.util.Locale;

/**
 * What a hook reads on stdin. LibreMesh has two: the Lua tool's hooks under
 * {@code /etc/shared-state/hooks/TYPE/} read full entries, shared-state-async's under
 * {@code /usr/share/shared-state/hooks/TYPE/} read bare data (libremesh-shared-state.md).
 */
public enum HookFormat {
    /** {@code {key: data}} (shared-state-async hooks). */
    DATA,
    /** {@code {key: {bleachTTL, author, data}}} (Lua shared-state hooks). */
    LIBREMESH;

    /** "data" or "libremesh" (case-insensitive); IllegalArgumentException with a one-line reason otherwise. */
    public static HookFormat parse(final String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "data" -> DATA;
            case "libremesh" -> LIBREMESH;
            default -> throw new IllegalArgumentException("'" + text.trim() + "' is not one of data, libremesh");
        };
    }

    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }
}
