package chisme.tools;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * SIGTERM / SIGINT handling for {@code chisme node}. Handling the signals ourselves (instead of only a
 * shutdown hook) lets the daemon close its stores on the main path and exit with status 0, as systemd and
 * procd expect from a clean stop; a shutdown hook stays as a safety net for other exits.
 * <p>
 * {@code sun.misc.Signal} (module jdk.unsupported, exported to everyone) is reached reflectively so the
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
        final Object signal = signalClass.getConstructor(String.class).newInstance(name);
        final Object handler = Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handlerClass},
            (proxy, method, args) -> {
                if ("handle".equals(method.getName())) {
                    action.run();
                    return null;
                }
                return objectMethod(proxy, method, args);
            });
        final Method install = signalClass.getMethod("handle", signalClass, handlerClass);
        install.invoke(null, signal, handler);
    }

    private static Object objectMethod(final Object proxy, final Method method, final Object[] args) {
        return switch (method.getName()) {
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            case "toString" -> "chisme signal handler";
            default -> null;
        };
    }
}
