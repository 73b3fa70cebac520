package chisme.tools;

import java.util.List;

/** The shared-state half of the demo. */
final class DemoShelves {
    private DemoShelves() {
    }

    static void run(final DemoCommand demo, final List<DemoCommand.DemoNode> net, final long deadlineMs) {
        throw new CliException(ExitCode.UNAVAILABLE, "shared-state is not available in this build");
    }
}
