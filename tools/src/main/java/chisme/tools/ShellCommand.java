package chisme.tools;

import chisme.node.admin.AdminClient;
import chisme.node.admin.AdminReply;
import chisme.node.admin.NodeNotRunningException;
import org.jline.reader.Candidate;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code chisme shell}: an interactive console (JLine: history, tab completion from the command tree)
 * running the same commands against one node, plus {@code watch} to show the node's events live above
 * the prompt, like the seed's interactive UI.
 */
@Command(name = "shell", description = {"Interactive console: the same commands with history and completion.",
    "Extra commands: watch (toggle the live event view), exit."})
public final class ShellCommand extends ClientCommand {
    /** Commands that make no sense inside the shell. */
    private static final Set<String> REFUSED = Set.of("node", "shell", "demo");

    @Override
    public Integer call() throws IOException {
        final Path socket = target.socket(ctx.socket());
        if (!AdminClient.isListening(socket)) {
            throw noNode(socket);
        }
        final boolean interactive = ctx.in() == System.in && System.console() != null;
        if (!interactive) {
            // Piped input (scripts, tests): plain lines, no line editor, no history.
            final java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(ctx.in(), java.nio.charset.StandardCharsets.UTF_8));
            final java.io.PrintWriter w = new java.io.PrintWriter(ctx.out(), true);
            final org.jline.reader.impl.DefaultParser parser = new org.jline.reader.impl.DefaultParser();
            String line;
            while ((line = in.readLine()) != null) {
                if (!handle(parser.parse(line, line.length()).words(), w, socket, null)) {
                    break;
                }
            }
            return ExitCode.OK;
        }
        try (Terminal terminal = TerminalBuilder.builder().name("chisme").system(true).build()) {
            final CommandLine tree = Chisme.commandLine(ctx);
            final LineReader reader = LineReaderBuilder.builder().terminal(terminal).appName("chisme")
                .variable(LineReader.HISTORY_FILE, socket.getParent().resolve("shell-history"))
                .completer((r, line, candidates) -> {
                    for (final String c : complete(tree, line.words(), line.wordIndex(), line.wordCursor(), line.cursor())) {
                        candidates.add(new Candidate(c));
                    }
                })
                .build();
            final Watch watch = new Watch(socket, reader);
            terminal.writer().println("chisme shell on " + socket + " (tab completes, 'help' lists commands, 'watch' shows events live, 'exit' leaves)");
            terminal.writer().flush();
            for (int lines = 0; lines < Integer.MAX_VALUE; lines++) {
                final String line;
                try {
                    line = reader.readLine("chisme> ");
                } catch (final UserInterruptException e) {
                    continue;
                } catch (final EndOfFileException e) {
                    break;
                }
                if (!handle(reader.getParser().parse(line, line.length()).words(), terminal.writer(), socket, watch)) {
                    break;
                }
            }
            watch.stop();
            try {
                reader.getHistory().save();
            } catch (final IOException ignored) {
                // history is a convenience
            }
        }
        return ExitCode.OK;
    }

    /**
     * Completions of the word at {@code wordIndex} (whole words, as the line editor wants them), from
     * picocli's model of the command tree: subcommands, options and their enumerated values.
     */
    static List<String> complete(final CommandLine tree, final List<String> words, final int wordIndex, final int wordCursor,
                                 final int cursor) {
        final List<CharSequence> found = new ArrayList<>();
        AutoComplete.complete(tree.getCommandSpec(), words.toArray(String[]::new), wordIndex, wordCursor, cursor, found);
        final String prefix = words.get(wordIndex).substring(0, wordCursor);
        final List<String> out = new ArrayList<>();
        for (final CharSequence c : found) {
            out.add(prefix + c);
        }
        return out;
    }

    /** Runs one shell line; false when the shell should end. */
    private boolean handle(final List<String> raw, final java.io.PrintWriter w, final Path socket, final Watch watch) {
        final List<String> words = raw.stream().filter(x -> !x.isEmpty()).toList();
        if (words.isEmpty()) {
            return true;
        }
        final String first = words.get(0);
        if (first.equals("exit") || first.equals("quit")) {
            return false;
        }
        if (first.equals("watch")) {
            w.println(watch == null ? "watch needs an interactive terminal" : watch.toggle() ? "live events on" : "live events off");
        } else if (REFUSED.contains(first)) {
            w.println("'" + first + "' is not available inside the shell");
        } else {
            runOne(w, socket, words);
        }
        w.flush();
        return true;
    }

    private void runOne(final java.io.PrintWriter w, final Path socket, final List<String> words) {
        final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        final PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8);
        // stdin-reading commands inside the shell read nothing (no stdin to share with the line editor).
        final CliContext inner = new CliContext(java.io.InputStream.nullInputStream(), ps, ps, socket);
        final int status = Chisme.run(inner, words.toArray(String[]::new));
        w.print(buf.toString(StandardCharsets.UTF_8));
        if (status != ExitCode.OK) {
            w.println("(exit status " + status + ")");
        }
        w.flush();
    }

    /** Follows the node's events on a virtual thread and prints them above the prompt. */
    private static final class Watch {
        private final Path socket;
        private final LineReader reader;
        private final AtomicBoolean on = new AtomicBoolean();
        private Thread thread;

        Watch(final Path socket, final LineReader reader) {
            this.socket = socket;
            this.reader = reader;
        }

        synchronized boolean toggle() {
            if (on.get()) {
                stop();
                return false;
            }
            on.set(true);
            thread = Thread.ofVirtual().name("shell-watch").start(this::follow);
            return true;
        }

        private void follow() {
            try {
                new AdminClient(socket).stream("{\"op\":\"logs\",\"follow\":true,\"limit\":1}", (AdminReply r) -> {
                    if (r.isEvent() && !"null".equals(r.eventJson())) {
                        final Object o = JsonTree.parse(r.eventJson());
                        if (o instanceof Map<?, ?> e) {
                            reader.printAbove("[" + e.get("type") + "] " + e.get("message"));
                        }
                    }
                    return on.get();
                });
            } catch (final NodeNotRunningException | IOException e) {
                if (on.get()) {
                    reader.printAbove("live events stopped: " + e.getMessage());
                }
            }
        }

        synchronized void stop() {
            on.set(false);
            if (thread != null) {
                thread.interrupt();
            }
        }
    }

}
