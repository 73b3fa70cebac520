package chisme.node.daemon;

import chisme.node.admin.AdminError;
import chisme.node.admin.AdminException;
import chisme.node.admin.AdminRequest;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/** Admin operations on shelves, delegated to the shared-state service. */
final class ShelfOps {
    private final NodeDaemon daemon;

    ShelfOps(final NodeDaemon daemon) {
        this.daemon = daemon;
    }

    String handle(final AdminRequest r) throws AdminException {
        throw new AdminException(AdminError.UNAVAILABLE, "shared-state is not available in this build");
    }

    /** Books per shelf. */
    Map<String, Integer> counts() {
        final Map<String, Integer> out = new TreeMap<>();
        for (final String s : daemon.stores().books().shelves()) {
            out.put(s, daemon.stores().books().count(s));
        }
        return out;
    }

    void writeCounters(final JsonGenerator g) throws IOException {
        // no shared-state counters yet
    }
}
