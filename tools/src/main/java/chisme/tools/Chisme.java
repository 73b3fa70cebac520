package chisme.tools;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IFactory;

import java.io.PrintWriter;

/**
 * The {@code chisme} command: the daemon ({@code node}), the admin CLI, the shell, the demo and the
 * LibreMesh-compatible {@code shared-state}. Errors are one line on stderr with a documented exit
 * status ({@link ExitCode}), never a stack trace.
 */
@Command(name = "chisme", mixinStandardHelpOptions = true, version = Chisme.VERSION, scope = CommandLine.ScopeType.INHERIT,
    description = "Kademlia DHT and shared-state gossip peer for community mesh networks.",
    subcommands = {NodeCommand.class, DhtCommands.Join.class, DhtCommands.Publish.class, DhtCommands.Get.class,
        DhtCommands.Logs.class, StatusCommands.Status.class, StatusCommands.Peers.class, StatusCommands.Stats.class,
        ShelfCommands.class, KeysCommands.class, ShellCommand.class, DemoCommand.class, SharedStateCommand.class, SharedStateAsyncCommand.class, SharedStateMultiWriterCommand.class,
        CommandLine.HelpCommand.class})
public final class Chisme implements Runnable {
    static final String VERSION = "chisme 0.1.0";

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (try: chisme --help)");
    }

    public static void main(final String[] args) {
        // Chronicle brings slf4j-api without a binding; its "no providers" banner is noise on a router console.
        System.setProperty("slf4j.internal.verbosity", "ERROR");
        final int status = run(CliContext.system(), args);
        System.exit(status);
    }

    /**
     * Runs one command line with the given streams; returns the exit status. {@code chisme node} builds only the
     * node command (issue 16: the daemon is the process that stays resident, and the whole tree's picocli model
     * of every subcommand stays loaded with it).
     */
    public static int run(final CliContext ctx, final String... args) {
        if (args.length > 0 && args[0].equals("node")) {
            // A plain line runs without picocli's model (NodeArgs: ~0.3 s of start CPU); help and errors use picocli.
            final NodeArgs plain = NodeArgs.parse(java.util.Arrays.copyOfRange(args, 1, args.length));
            if (plain != null) {
                return NodeCommand.runPlain(ctx, plain);
            }
            return nodeCommandLine(ctx).execute(java.util.Arrays.copyOfRange(args, 1, args.length));
        }
        return commandLine(ctx).execute(args);
    }

    /** picocli's {@code chisme node} alone: for help, version and lines {@link NodeArgs} leaves to it. */
    static CommandLine nodeCommandLine(final CliContext ctx) {
        final CommandLine node = configure(new CommandLine(NodeCommand.class, factory(ctx)), ctx);
        node.setCommandName("chisme node");
        NodeCommand.addConfigOptions(node.getCommandSpec());
        node.getCommandSpec().mixinStandardHelpOptions(true).version(VERSION);
        return node;
    }

    /** The configured command tree (also used by the shell for completion). */
    public static CommandLine commandLine(final CliContext ctx) {
        final CommandLine cl = new CommandLine(new Chisme(), factory(ctx));
        NodeCommand.addConfigOptions(cl.getSubcommands().get("node").getCommandSpec());
        return configure(cl, ctx);
    }

    /**
     * Runs one subcommand alone ({@code argv[0]} names it, {@code command} is its class): building only
     * that command keeps the daemon's "cli" op fast (the whole tree costs tens of milliseconds per call).
     */
    static int runOne(final CliContext ctx, final Class<?> command, final String... argv) {
        final CommandLine cl = configure(new CommandLine(command, factory(ctx)), ctx);
        cl.setCommandName(argv[0]);
        return cl.execute(java.util.Arrays.copyOfRange(argv, 1, argv.length));
    }

    private static IFactory factory(final CliContext ctx) {
        final IFactory defaults = CommandLine.defaultFactory();
        return new IFactory() {
            @Override
            public <K> K create(final Class<K> cls) throws Exception {
                final K o = defaults.create(cls);
                if (o instanceof CliCommand c) {
                    c.ctx = ctx;
                }
                return o;
            }
        };
    }

    private static CommandLine configure(final CommandLine cl, final CliContext ctx) {
        cl.setOut(new PrintWriter(ctx.out(), true));
        cl.setErr(new PrintWriter(ctx.err(), true));
        cl.setParameterExceptionHandler((ex, args) -> {
            // One line, as docs/cli.md promises: the reason, then where the usage is.
            ctx.err().println("chisme: " + oneLine(ex.getMessage()) + " (try '"
                + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            return ExitCode.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> failure(ctx, ex));
        return cl;
    }

    /** A command's failure as one line on stderr; returns its exit status. */
    static int failure(final CliContext ctx, final Exception ex) {
        if (ex instanceof CliException c) {
            ctx.err().println("chisme: " + oneLine(c.getMessage()));
            return c.exitCode();
        }
        if (ex instanceof chisme.node.config.ConfigException c) {
            ctx.err().println("chisme: " + oneLine(c.getMessage()));
            return ExitCode.CONFIG;
        }
        ctx.err().println("chisme: internal error: " + ex.getClass().getSimpleName() + ": " + oneLine(ex.getMessage()));
        return ExitCode.FAILED;
    }

    static String oneLine(final String s) {
        if (s == null) {
            return "";
        }
        return s.replace('\n', ' ').replace('\r', ' ');
    }

}
