package chisme.store;

/**
 * Names a {@link java.lang.Error} thrown while Chronicle opens or recovers a map file (issue 16): only a
 * file that existed before the open and an error that is not the Java runtime's own can be called corrupt.
 * Chronicle reports some header corruption as an AssertionError or InternalError; but a class that fails to
 * load or initialise (a runtime without jdk.compiler: NoClassDefFoundError, ExceptionInInitializerError over
 * a ClassNotFoundException) or a JVM out of memory ({@code OutOfMemoryError: Metaspace}) is not the file's
 * fault, and a file this open created cannot be damaged.
 */
final class MapOpenFault {
    static final String RUNTIME = "cannot open map (Java runtime error, not a damaged file): ";
    static final String CORRUPT = "corrupt map file: ";

    private MapOpenFault() {
    }

    /** One line: what kind of fault, the error's class and first message line, and its innermost cause. */
    static String describe(final Error e, final boolean fileExisted) {
        return (isRuntimeFault(e, fileExisted) ? RUNTIME : CORRUPT) + oneLine(e) + rootCause(e);
    }

    static boolean isRuntimeFault(final Error e, final boolean fileExisted) {
        if (!fileExisted) {
            return true;
        }
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            // Not VirtualMachineError as a whole: InternalError is one, and Chronicle throws it for bad headers.
            if (c instanceof LinkageError || c instanceof ClassNotFoundException || c instanceof OutOfMemoryError
                || c instanceof StackOverflowError) {
                return true;
            }
        }
        return false;
    }

    static String oneLine(final Throwable e) {
        final String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m.lines().findFirst().orElse(""));
    }

    /** " (cause: ...)" naming the innermost cause, or "" when there is none (ExceptionInInitializerError has no message). */
    private static String rootCause(final Throwable e) {
        final Throwable c = innermost(e);
        return c == e ? "" : " (cause: " + oneLine(c) + ")";
    }

    private static Throwable innermost(final Throwable e) {
        Throwable c = e;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c;
    }
}
