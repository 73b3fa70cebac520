package chisme.node.sharedstate;

import chisme.node.event.EventLog;
import chisme.node.event.EventType;
import chisme.node.transport.Clock;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * Runs every executable in {@code <hooks dir>/<shelf>/} of every hook directory (each with its stdin
 * format, {@link HookDir}) after a change that matters (expiry included),
 * with the shelf on stdin. One run in flight per shelf; changes arriving meanwhile cause exactly one
 * re-run with the latest state. Runs on virtual threads so a failing or hanging hook never stalls the
 * node thread; a hook over the timeout is killed. Output and exit status go to the event log.
 */
final class HookRunner {
    private static final class ShelfState {
        boolean running;
        boolean dirty;
    }

    private final SharedStateConfig config;
    private final Clock clock;
    private final EventLog eventLog;
    private final SharedStateCounters counters;
    private final BiFunction<String, HookFormat, byte[]> snapshot;
    /** The Lua library's data files, rewritten before each shelf's hooks run; null when not configured. */
    private final LuaDataFiles luaDataFiles;
    /** The Lua library's multiwriter files (MULTIWRITER shelves), rewritten likewise; null when not configured. */
    private final LuaDataFiles multiWriterFiles;
    private final Map<String, ShelfState> states = new ConcurrentHashMap<>();
    private volatile Consumer<ProgramRun> listener = r -> {
    };
    /** Merges what the Lua library wrote into a multiwriter file (set by {@link SharedState}). */
    private volatile java.util.function.BiConsumer<String, byte[]> multiWriterMerge = (shelf, text) -> {
    };
    private volatile boolean running = true;

    /**
     * @param snapshot the shelf as hook stdin; called from the hook's virtual thread (it hands the read
     *                 to the node thread and waits, never the other way round)
     */
    HookRunner(final SharedStateConfig config, final Clock clock, final EventLog eventLog,
               final SharedStateCounters counters, final BiFunction<String, HookFormat, byte[]> snapshot) {
        this.config = config;
        this.clock = clock;
        this.eventLog = eventLog;
        this.counters = counters;
        this.snapshot = snapshot;
        this.luaDataFiles = config.luaDataDir() == null ? null : new LuaDataFiles(config.luaDataDir());
        this.multiWriterFiles = config.luaPersistentDir() == null ? null : new LuaDataFiles(config.luaPersistentDir());
    }

    void multiWriterMerge(final java.util.function.BiConsumer<String, byte[]> merge) {
        multiWriterMerge = merge;
    }

    void listener(final Consumer<ProgramRun> l) {
        listener = l;
    }

    void stop() {
        running = false;
    }

    /** True when a change runs something: hooks, or the Lua data file. */
    boolean active() {
        return !config.hookDirs().isEmpty() || luaDataFiles != null || multiWriterFiles != null;
    }

    /** The multiwriter files (read back by {@link SharedState}), or null. */
    LuaDataFiles multiWriterFiles() {
        return multiWriterFiles;
    }

    /** A change that matters happened on {@code shelf}. Any thread; never blocks. */
    void trigger(final String shelf) {
        if (!active() || !running) {
            return;
        }
        final ShelfState s = states.computeIfAbsent(shelf, k -> new ShelfState());
        synchronized (s) {
            if (s.running) {
                s.dirty = true;
                return;
            }
            s.running = true;
            s.dirty = false;
        }
        Thread.ofVirtual().name("chisme-hook-" + shelf).start(() -> loop(shelf, s));
    }

    private void loop(final String shelf, final ShelfState s) {
        // Bounded: each pass consumes the dirty flag; new passes only while changes keep arriving.
        for (int pass = 0; pass < 1_000_000 && running; pass++) {
            try {
                runOnce(shelf);
            } catch (final RuntimeException e) {
                counters.increment(SharedStateCounter.HOOK_FAILURES);
                log(EventType.ERROR, "hook " + shelf + " failed: " + e.getMessage());
            }
            synchronized (s) {
                if (!s.dirty) {
                    s.running = false;
                    return;
                }
                s.dirty = false;
            }
        }
        synchronized (s) {
            s.running = false;
        }
    }

    /** Shelves that have at least one hook executable in some hook directory. */
    List<String> shelvesWithHooks() {
        final TreeSet<String> out = new TreeSet<>();
        for (final HookDir d : config.hookDirs()) {
            if (!Files.isDirectory(d.dir())) {
                continue;
            }
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(d.dir())) {
                for (final Path p : ds) {
                    final String name = p.getFileName().toString();
                    if (ShelfNames.valid(name) && !ProcessRunner.executables(p).isEmpty()) {
                        out.add(name);
                    }
                }
            } catch (final IOException e) {
                log(EventType.ERROR, "cannot list hook directory " + d.dir() + ": " + e.getMessage());
            }
        }
        return List.copyOf(out);
    }

    private void runOnce(final String shelf) {
        final Map<HookFormat, byte[]> inputs = new EnumMap<>(HookFormat.class);
        // A multiwriter shelf's file is the Lua SharedStateMultiWriter's, in its own directory; the others' the Lua SharedState's.
        final boolean multiWriter = config.shelf(shelf).policy() == MergePolicy.MULTIWRITER;
        final LuaDataFiles files = multiWriter ? multiWriterFiles : luaDataFiles;
        if (files != null) {
            try {
                if (multiWriter) {
                    // The Lua library writes this file too: what it wrote is merged before our state replaces it.
                    files.mergeThenWrite(shelf, text -> multiWriterMerge.accept(shelf, text),
                        () -> inputs.computeIfAbsent(HookFormat.LIBREMESH, f -> snapshot.apply(shelf, f)));
                } else {
                    files.write(shelf, inputs.computeIfAbsent(HookFormat.LIBREMESH, f -> snapshot.apply(shelf, f)));
                }
                counters.increment(SharedStateCounter.LUA_DATA_FILE_WRITES);
            } catch (final IOException e) {
                counters.increment(SharedStateCounter.HOOK_FAILURES);
                log(EventType.ERROR, "cannot write the Lua data file of " + shelf + " in " + files.dir() + ": " + e.getMessage());
            }
        }
        final Map<String, String> env = new HashMap<>();
        env.put("CHISME_SHELF", shelf);
        if (config.dataDir() != null) {
            env.put("CHISME_DATA", config.dataDir().toString());
        }
        if (config.adminSocket() != null) {
            env.put("CHISME_ADMIN", config.adminSocket().toString());
        }
        for (final HookDir dir : config.hookDirs()) {
            final List<Path> hooks = ProcessRunner.executables(dir.dir().resolve(shelf));
            if (hooks.isEmpty()) {
                continue;
            }
            final HookFormat format = config.hookFormat(shelf, dir);
            final byte[] stdin = inputs.computeIfAbsent(format, f -> snapshot.apply(shelf, f));
            for (final Path hook : hooks) {
                final ProcessRunner.Result r = ProcessRunner.run(List.of(hook.toString()), stdin, config.hookTimeoutMs(), env);
                counters.increment(SharedStateCounter.HOOK_RUNS);
                if (r.timedOut()) {
                    counters.increment(SharedStateCounter.HOOK_TIMEOUTS);
                }
                if (!r.ok()) {
                    counters.increment(SharedStateCounter.HOOK_FAILURES);
                }
                log(r.ok() ? EventType.STORE : EventType.ERROR, "hook " + shelf + "/" + hook.getFileName() + " " + r.describe());
                listener.accept(new ProgramRun(shelf, hook, r.exitCode(), r.timedOut(), r.output(), stdin));
            }
        }
    }

    private void log(final EventType type, final String message) {
        if (eventLog != null) {
            eventLog.record(clock.nowMs(), type, "shared-state " + message);
        }
    }
}
