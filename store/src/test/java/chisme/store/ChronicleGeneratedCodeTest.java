package chisme.store;

import net.openhft.chronicle.hash.VanillaGlobalMutableState;
import net.openhft.chronicle.values.Values;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Chronicle Map compiles one class at run time with javac in-process,
 * {@code net.openhft.chronicle.hash.VanillaGlobalMutableState$$Native} (chronicle-values' ValueModel looks
 * the name up on the class loader first and only generates and compiles it when it is missing). Compiling
 * it costs ~36 MiB of RSS and ~0.6 s of start on a router-sized JVM (docs/benchmarks.md, issue 16), so the
 * store module ships the source chronicle-values generates, compiled by the normal build. This test
 * regenerates that source with the chronicle-values on the class path and compares: after a Chronicle
 * upgrade it fails and writes the new source beside the build output to copy over the committed one.
 */
class ChronicleGeneratedCodeTest {
    private static final String SIMPLE_NAME = "VanillaGlobalMutableState$$Native";
    private static final Path COMMITTED = Path.of("src/main/java/net/openhft/chronicle/hash", SIMPLE_NAME + ".java");

    @Test
    void shippedSourceShouldBeWhatChronicleValuesGenerates() throws Exception {
        final String generated = generate();
        final String committed = Files.readString(COMMITTED, StandardCharsets.UTF_8);
        if (!generated.equals(committed)) {
            final Path fresh = Path.of(System.getProperty("chisme.target", "target"), "regenerated", SIMPLE_NAME + ".java");
            Files.createDirectories(fresh.getParent());
            Files.writeString(fresh, generated, StandardCharsets.UTF_8);
            assertEquals(committed, generated, "chronicle-values generates a different " + SIMPLE_NAME
                + " now: copy " + fresh.toAbsolutePath() + " to store/" + COMMITTED);
        }
    }

    @Test
    void chronicleShouldLoadTheShippedClassInsteadOfCompilingOne() {
        final Class<?> loaded = Values.nativeClassFor(VanillaGlobalMutableState.class);
        // A class compiled at run time has no code source (defined from bytes); the shipped one comes from
        // the store module's classes directory or jar.
        assertNotNull(loaded.getProtectionDomain().getCodeSource(), "compiled at run time: " + loaded);
        assertEquals(Stores.class.getProtectionDomain().getCodeSource().getLocation(),
            loaded.getProtectionDomain().getCodeSource().getLocation());
    }

    /** The source ValueModel would hand to javac (package-private generator, reached by reflection). */
    private static String generate() throws Exception {
        final Class<?> valueModel = Class.forName("net.openhft.chronicle.values.ValueModel");
        final Object model = valueModel.getMethod("acquire", Class.class).invoke(null, VanillaGlobalMutableState.class);
        final Method generator = Class.forName("net.openhft.chronicle.values.Generators")
            .getDeclaredMethod("generateNativeClass", valueModel, String.class);
        generator.setAccessible(true);
        return (String) generator.invoke(null, model, SIMPLE_NAME);
    }
}
