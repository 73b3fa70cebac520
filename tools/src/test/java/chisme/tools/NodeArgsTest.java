package chisme.tools;

import chisme.node.config.ConfigKey;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** {@link NodeArgs} reads a plain {@code chisme node} line exactly as picocli does, and leaves every other line to it. */
class NodeArgsTest {

    private static NodeArgs byPicocli(final String... args) {
        final CommandLine cl = Chisme.nodeCommandLine(CliContext.system());
        cl.parseArgs(args);
        return ((NodeCommand) cl.getCommand()).parsedByPicocli();
    }

    @Test
    void plainLinesAreReadAsPicocliReadsThem() {
        final String[][] lines = {
            {},
            {"--data", "/tmp/x", "--bind", "127.0.0.1", "--port", "0"},
            {"--data=/tmp/x", "--port=4201", "--bind=::"},
            {"-c", "/etc/chisme/chisme.conf", "--port", "4300"},
            {"--config", "/tmp/c.conf", "--k", "8"},
            {"--config=/tmp/c.conf"},
            {"--join", "10.0.0.2:4200", "--neighbour", "[fe80::1%eth0]:4200", "--join", "10.0.0.3:4200"},
            {"--shelf", "pirania.ttl-s=60", "--shelf", "nodes.writers=open", "--name", "router one"},
            {"--reset-store", "--new-identity", "--port", "0"},
            {"--reset-store=false", "--new-identity=true"},
            {"--port", "0", "--reset-store"},
            {"--name", "", "--port", "x"},
            {"--name="},
            {"--hooks", "libremesh:/etc/shared-state/hooks", "--link-discovery", "off", "--store", "memory"},
        };
        for (final String[] line : lines) {
            final NodeArgs plain = NodeArgs.parse(line);
            assertNotNull(plain, String.join(" ", line));
            assertEquals(byPicocli(line), plain, String.join(" ", line));
        }
    }

    @Test
    void everyConfigKeyIsReadInBothForms() {
        for (final ConfigKey k : ConfigKey.values()) {
            final String[] spaced = {"--" + k.key(), "v1"};
            final String[] joined = {"--" + k.key() + "=v2"};
            if (!k.flag()) {
                assertEquals(byPicocli(spaced), NodeArgs.parse(spaced), k.key());
            }
            assertEquals(byPicocli(joined), NodeArgs.parse(joined), k.key());
            assertEquals(List.of("v2"), NodeArgs.parse(joined).flags().get(k));
        }
    }

    @Test
    void anyOtherLineIsLeftToPicocli() {
        final String[][] lines = {
            {"--help"}, {"-h"}, {"--version"}, {"-V"}, {"--nosuchoption"}, {"--port"}, {"--port", "1", "--port", "2"},
            {"--name", "-x"}, {"--name", "--port"}, {"@args.txt"}, {"--port", "@args.txt"}, {"--"}, {"-c"}, {"-cfile"},
            {"-c", "a", "-c", "b"}, {"--config", "a", "-c", "b"}, {"--config="}, {"--reset-store", "true"}, {"--new-identity="}, {"stray"},
            {"--Port", "1"}, {"-p", "1"},
        };
        for (final String[] line : lines) {
            assertNull(NodeArgs.parse(line), String.join(" ", line));
        }
    }

    @Test
    void aPlainLineThatFailsFailsAsPicocliSays() {
        // A bad value is the config's error, the same text on both paths.
        final CliRunner.Result r = CliRunner.run("node", "--k", "0", "--data", Path.of("/nonexistent/x").toString());
        assertEquals(ExitCode.CONFIG, r.code(), r.toString());
        assertEquals("chisme: --k: 0 not in 1..32\n", r.err().replace("\r", ""));
    }
}
