package chisme.tools;

/**
 * SIGTERM / SIGINT handling for {@code chisme node}. Handling the signals ourselves (instead of only a
 * shutdown hook) lets the daemon close its stores on the main path and exit with status 0, as systemd and
 * procd expect from a clean stop; a shutdown hook stays as a safety net for other exits.
 */
final class Signals {
    private Signals() {
    }

    static void onTermination(final Runnable stop) {
        final Thread hook = new Thread(stop, "chisme-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        for (final String name : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), s -> Thread.ofPlatform().name("chisme-stop").start(stop));
            } catch (final IllegalArgumentException | UnsupportedOperationException e) {
                // Signal not available here: the shutdown hook still closes cleanly (exit status 128+n).
            }
        }
    }
}
