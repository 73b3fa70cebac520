package chisme.tools;

import chisme.node.security.NetworkKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;

/**
 * {@code keys list|install|use|remove|generate}: the network keyring of a running node, changed without
 * a restart (issue 12, docs/security.md). Rotation: install the new key everywhere, use it everywhere,
 * remove the old one.
 */
@Command(name = "keys", description = "Network keys: every datagram sealed with AES-256-GCM (docs/security.md).",
    subcommands = {KeysCommands.ListKeys.class, KeysCommands.Install.class, KeysCommands.Use.class,
        KeysCommands.Remove.class, KeysCommands.Generate.class})
final class KeysCommands extends CliCommand implements Runnable {
    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing keys command (list, install, use, remove, generate)");
    }

    /** Prints a keyring reply: one line per key, the sealing one marked. */
    static void print(final CliCommand c, final String result) {
        final Map<String, Object> r = JsonTree.object(result);
        @SuppressWarnings("unchecked") final List<Object> keys = (List<Object>) r.get("keys");
        if (keys.isEmpty()) {
            c.out().println("no network key: the node runs open");
            return;
        }
        for (final Object o : keys) {
            @SuppressWarnings("unchecked") final Map<String, Object> k = (Map<String, Object>) o;
            c.out().println(k.get("id") + (Boolean.TRUE.equals(k.get("use")) ? "  use (seals and opens)" : "  opens"));
        }
    }

    /** Sends a keyring change naming one key id and prints the keyring after it. */
    static int change(final ClientCommand c, final String op, final String id) {
        print(c, c.call(op, g -> g.writeStringField("id", id)));
        return ExitCode.OK;
    }

    @Command(name = "list", description = "Show the installed key ids and which one seals.")
    static final class ListKeys extends ClientCommand {
        @Override
        public Integer call() {
            print(this, call("keys.list", NONE));
            return ExitCode.OK;
        }
    }

    @Command(name = "install", description = "Install a key (base64 of 32 bytes, or - to read it from stdin); the first key also seals.")
    static final class Install extends ClientCommand {
        @Parameters(paramLabel = "KEY", description = "the key in base64, or - for stdin (keeps it out of shell history)")
        String key;

        @Override
        public Integer call() {
            String text = key;
            if ("-".equals(key)) {
                try {
                    text = new String(ctx.in().readNBytes(4_096), StandardCharsets.US_ASCII).trim();
                } catch (final IOException e) {
                    throw new CliException(ExitCode.USAGE, "cannot read stdin: " + e.getMessage());
                }
                if (text.startsWith("use ") || text.startsWith("key ")) {
                    text = text.substring(4).trim(); // a line of 'chisme keys generate'
                }
            }
            try {
                NetworkKey.parse(text);
            } catch (final IllegalArgumentException e) {
                throw new CliException(ExitCode.USAGE, e.getMessage());
            }
            final String k = text;
            print(this, call("keys.install", g -> g.writeStringField("key", k)));
            return ExitCode.OK;
        }
    }

    @Command(name = "use", description = "Seal outgoing datagrams with the installed key ID (two hex digits).")
    static final class Use extends ClientCommand {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            return change(this, "keys.use", id);
        }
    }

    @Command(name = "remove", description = "Remove the key ID; the key in use can go only when it is the last (the node then runs open).")
    static final class Remove extends ClientCommand {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            return change(this, "keys.remove", id);
        }
    }

    @Command(name = "generate", description = "Print a new random key as a 'use' line of DATA/network.keys (no node needed).")
    static final class Generate extends CliCommand implements java.util.concurrent.Callable<Integer> {
        @Option(names = "--bare", description = "print only the base64 key")
        boolean bare;

        @Override
        public Integer call() {
            final NetworkKey k = NetworkKey.generate(new SecureRandom());
            out().println(bare ? k.base64() : "use " + k.base64());
            return ExitCode.OK;
        }
    }
}
