package chisme.store;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Which {@link Error}s while opening a map are called a corrupt file (issue 16: an OutOfMemoryError: Metaspace
 * or a missing class on a fresh directory was reported as "corrupt map file"). The missing-jdk.compiler case on a
 * real runtime is {@link RuntimeFaultMessageTest}.
 */
class MapOpenFaultTest {
    @Test
    void outOfMetaspaceOnAnExistingFileIsARuntimeError() {
        assertEquals(MapOpenFault.RUNTIME + "OutOfMemoryError: Metaspace",
            MapOpenFault.describe(new OutOfMemoryError("Metaspace"), true));
    }

    @Test
    void missingClassOnAnExistingFileIsARuntimeError() {
        final Error e = new ExceptionInInitializerError(new ClassNotFoundException("com.sun.tools.javac.api.JavacTool"));
        assertEquals(MapOpenFault.RUNTIME + "ExceptionInInitializerError (cause: ClassNotFoundException: com.sun.tools.javac.api.JavacTool)",
            MapOpenFault.describe(e, true));
        assertEquals(MapOpenFault.RUNTIME + "NoClassDefFoundError: com/sun/tools/javac/api/JavacTool",
            MapOpenFault.describe(new NoClassDefFoundError("com/sun/tools/javac/api/JavacTool"), true));
    }

    @Test
    void anErrorWrappingARuntimeFaultIsARuntimeError() {
        final Error e = new AssertionError("while reading the header", new OutOfMemoryError("Metaspace"));
        assertEquals(MapOpenFault.RUNTIME + "AssertionError: while reading the header (cause: OutOfMemoryError: Metaspace)",
            MapOpenFault.describe(e, true));
    }

    @Test
    void assertionOnAnExistingFileIsCorruption() {
        // Chronicle's own header checks throw AssertionError / InternalError on a damaged file.
        assertEquals(MapOpenFault.CORRUPT + "AssertionError: bad segment header",
            MapOpenFault.describe(new AssertionError("bad segment header\nsecond line"), true));
        assertEquals(MapOpenFault.CORRUPT + "InternalError: bad tier", MapOpenFault.describe(new InternalError("bad tier"), true));
    }

    @Test
    void aFileThisOpenCreatedIsNeverCalledCorrupt() {
        assertEquals(MapOpenFault.RUNTIME + "AssertionError: bad segment header",
            MapOpenFault.describe(new AssertionError("bad segment header"), false));
    }
}
