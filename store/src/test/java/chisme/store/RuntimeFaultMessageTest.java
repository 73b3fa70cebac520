package chisme.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Java runtime that cannot run Chronicle (here: one without the jdk.compiler module, as a too-small jlink
 * image would be) must not be reported as a corrupt map file: the directory is fresh (issue 16).
 */
class RuntimeFaultMessageTest {
    @TempDir
    Path dir;

    @Test
    void runtimeWithoutCompilerModuleShouldNotBeCalledACorruptFile() throws Exception {
        final List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElseThrow());
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-") || arg.startsWith("--enable-native-access") || arg.startsWith("--sun-misc")) {
                cmd.add(arg);
            }
        }
        cmd.add("--limit-modules");
        cmd.add("java.base,java.management,java.naming,jdk.unsupported,java.logging,jdk.net");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(OpenOnce.class.getName());
        cmd.add(dir.resolve("data").toString());
        final Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child did not finish");
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(out.contains("Java runtime error, not a damaged file"), out);
        assertTrue(!out.contains("corrupt"), out);
    }
}
