package chisme.tools;

import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * SIGTERM / SIGINT handling for {@code chisme node}. Handling the signals ourselves (instead of only a
 * shutdown hook) lets the daemon close its stores on the main path and exit with status 0, as systemd and
 * procd expect from a clean stop; a shutdown hook stays as a safety net for other exits.
 * <p>
 * {@code sun.misc.Signal} (module jdk.unsupported, exported to everyone) is reached through method handles so the
 * build stays warning-free under {@code -Xlint:all}: javac flags every direct use of it as internal API
 * and that warning cannot be suppressed.
 */
final class Signals {
    private Signals() {
    }

    static void onTermination(final Runnable stop) {
        final Thread hook = new Thread(stop, "chisme-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        for (final String name : new String[] {"TERM", "INT"}) {
            try {
                handle(name, () -> Thread.ofPlatform().name("chisme-stop").start(stop));
            } catch (final ReflectiveOperationException | RuntimeException e) {
                // Signal not available here: the shutdown hook still closes cleanly (exit status 128+n).
            }
        }
    }

    private static void handle(final String name, final Runnable action) throws ReflectiveOperationException {
        final Class<?> signalClass = Class.forName("sun.misc.Signal");
        final Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
        final MethodHandles.Lookup publicLookup = MethodHandles.publicLookup();
        try {
            final Object signal = publicLookup.findConstructor(signalClass, MethodType.methodType(void.class, String.class))
                .invoke(name);
            // The handler is made as javac makes a lambda (one small class), not as a java.lang.reflect.Proxy: a
            // proxy's generator and its reflective calls were ~50 ms of a router's start (issue 16, session 7).
            final MethodType handle = MethodType.methodType(void.class, signalClass);
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            final Object handler = LambdaMetafactory.metafactory(lookup, "handle", MethodType.methodType(handlerClass, Runnable.class),
                    handle, lookup.findStatic(Signals.class, "run", MethodType.methodType(void.class, Runnable.class, Object.class)), handle)
                .getTarget().invoke(action);
            publicLookup.findStatic(signalClass, "handle", MethodType.methodType(handlerClass, signalClass, handlerClass))
                .invoke(signal, handler);
        } catch (final ReflectiveOperationException | RuntimeException | Error e) {
            throw e;
        } catch (final Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The handler's body; the signal argument is not needed (one handler per signal). */
    private static void run(final Runnable action, final Object signal) {
        action.run();
    }
}
