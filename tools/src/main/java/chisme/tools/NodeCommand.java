package chisme.tools;

import chisme.node.config.AdminPaths;
import chisme.node.config.ConfigException;
import chisme.node.config.ConfigFile;
import chisme.node.config.ConfigKey;
import chisme.node.config.NodeConfig;
import chisme.node.daemon.NodeDaemon;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.CountDownLatch;

/**
 * {@code chisme node}: runs a peer in the foreground until SIGTERM/SIGINT, then stops cleanly and exits
 * 0. Every {@link ConfigKey} is also a flag {@code --KEY VALUE}; flags override the config file.
 */
@Command(name = "node", description = {"Run a peer in the foreground (for systemd / procd) until SIGTERM or SIGINT.",
    "Every config file key is also a flag: --KEY VALUE (docs/configuration.md). Flags override the file."})
public final class NodeCommand extends CliCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "config file (key = value lines; default: /etc/chisme/chisme.conf if it exists, or $CHISME_CONFIG)")
    Path configFile;

    /** Adds one {@code --KEY} option per config key (the spec is built before parsing). */
    static void addConfigOptions(final CommandSpec spec) {
        for (final ConfigKey k : ConfigKey.values()) {
            final OptionSpec.Builder b = OptionSpec.builder("--" + k.key())
                .paramLabel(switch (k) {
                    case JOIN, NEIGHBOUR -> "HOST:PORT";
                    case DATA, HOOKS, PUBLISHERS -> "DIR";
                    default -> "VALUE";
                })
                // picocli formats descriptions printf-style: escape the '%' of "host%iface".
                .description((k.description() + " (default: " + k.defaultText() + ")").replace("%", "%%"));
            if (k.flag()) {
                b.arity("0..1").fallbackValue("true");
            }
            if (k.repeatable()) {
                b.type(List.class).auxiliaryTypes(String.class);
            } else {
                b.type(String.class);
            }
            spec.addOption(b.build());
        }
    }

    /** The line as {@link NodeArgs} read it, without picocli; null when picocli parsed it into this command. */
    NodeArgs plainArgs;

    /** Builds the config: embedded defaults, then the file, then the flags (in key order, each key's values in line order). */
    NodeConfig config() {
        final NodeArgs args = plainArgs != null ? plainArgs : parsedByPicocli();
        final NodeConfig config = new NodeConfig();
        if (args.configFile() != null) {
            ConfigFile.load(args.configFile(), config);
        } else if (java.nio.file.Files.isRegularFile(AdminPaths.systemConfig())) {
            // procd / systemd start the node with no arguments: the system config is the default.
            ConfigFile.load(AdminPaths.systemConfig(), config);
        }
        for (final ConfigKey k : ConfigKey.values()) {
            final List<String> values = args.flags().get(k);
            if (values == null) {
                continue;
            }
            for (final String v : values) {
                try {
                    k.apply(config, v);
                } catch (final IllegalArgumentException e) {
                    throw new ConfigException("--" + k.key() + ": " + e.getMessage());
                }
            }
        }
        return config.conclude();
    }

    /** What picocli parsed, in the form {@link NodeArgs} gives (NodeArgsTest compares the two). */
    NodeArgs parsedByPicocli() {
        final ParseResult pr = spec.commandLine().getParseResult();
        final Map<ConfigKey, List<String>> flags = new EnumMap<>(ConfigKey.class);
        for (final ConfigKey k : ConfigKey.values()) {
            final OptionSpec o = spec.findOption("--" + k.key());
            if (o != null && pr.hasMatchedOption(o)) {
                flags.put(k, k.repeatable() ? o.getValue() : List.of((String) o.getValue()));
            }
        }
        return new NodeArgs(configFile, flags);
    }

    /** Runs the node from a line {@link NodeArgs} read, failing as the picocli path does ({@link Chisme#failure}). */
    static int runPlain(final CliContext ctx, final NodeArgs args) {
        final NodeCommand c = new NodeCommand();
        c.ctx = ctx;
        c.plainArgs = args;
        try {
            return c.call();
        } catch (final Exception e) {
            return Chisme.failure(ctx, e);
        }
    }

    /** SIGTERM ends the process within this long, whatever state the node is in. */
    static final long STOP_DEADLINE_MS = 5_000;

    /** Closes the daemon; if that has not finished after {@code deadlineMs}, says so and halts (status 7). */
    private void stopWithin(final NodeDaemon daemon, final long deadlineMs) {
        Thread.ofPlatform().daemon().name("chisme-stop-deadline").start(() -> {
            try {
                Thread.sleep(deadlineMs);
            } catch (final InterruptedException e) {
                return;
            }
            daemon.log().error("stop did not finish within " + deadlineMs + " ms: exiting now");
            Runtime.getRuntime().halt(ExitCode.FATAL);
        });
        daemon.close();
    }

    @Override
    public Integer call() {
        final NodeConfig config;
        try {
            config = config();
        } catch (final ConfigException e) {
            throw new CliException(ExitCode.CONFIG, e.getMessage());
        }
        // Signals are handled from before the start: a SIGTERM while the stores open must still stop cleanly.
        final AtomicReference<NodeDaemon> running = new AtomicReference<>();
        final CountDownLatch stopRequested = new CountDownLatch(1);
        Signals.onTermination(() -> {
            stopRequested.countDown();
            final NodeDaemon d = running.get();
            if (d != null) {
                stopWithin(d, STOP_DEADLINE_MS);
            }
        });
        final NodeDaemon daemon;
        try {
            // A dead or stuck node thread ends the process at once (status 7) so procd/systemd restart it;
            // the daemon has logged the cause, the stores are recovered at the next start as after kill -9.
            daemon = NodeDaemon.start(config, err(), (reason, cause) -> {
                err().flush();
                Runtime.getRuntime().halt(ExitCode.FATAL);
            });
        } catch (final IOException | RuntimeException e) {
            throw new CliException(ExitCode.CONFIG, "cannot start the node: " + e.getMessage());
        }
        daemon.extraOps(new CliOp(config.adminSocket()));
        running.set(daemon);
        if (stopRequested.getCount() == 0) {
            stopWithin(daemon, STOP_DEADLINE_MS);
        }
        try {
            daemon.awaitStop();
        } catch (final InterruptedException e) {
            daemon.close();
        }
        // 0 only for a clean stop: a stuck node thread left the stores for recovery, which systemd should see.
        return daemon.stoppedCleanly() ? ExitCode.OK : ExitCode.FATAL;
    }
}
