package chisme.node.transport;

import chisme.node.metrics.CounterId;
import chisme.node.metrics.Counters;
import chisme.node.metrics.DistinctErrorLog;
import org.jctools.queues.varhandle.MpscUnboundedVarHandleArrayQueue;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.PriorityQueue;
import java.util.function.Consumer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one thread that owns a node's state (Aeron agent style, style.md habit 4). Its duty cycle:
 * read datagrams from the {@link UdpTransport}, run due timers, drain the command queue (a JCTools
 * MPSC queue fed by other threads through {@link #execute}); when there was no work it blocks in a
 * {@link Selector} until a datagram arrives, the next timer is due or a command is handed in.
 * <p>
 * Implements {@link Scheduler}: timers and commands always run on this thread, so node logic needs no
 * locks. Exceptions thrown by tasks are counted, handed to the {@link #errorHandler} (Agrona's
 * ErrorHandler: logged, never swallowed silently) and never end the loop. An {@link Error} (a mapped write
 * that faulted, out of memory, a stack overflow) leaves the node in an unknown state: it ends the loop and
 * is handed to the {@link #deathHandler}, whose job is to end the process loudly so the service manager
 * restarts it. {@link #progress()} advances every duty cycle (at least once a second, the longest idle
 * wait) so a watchdog can tell a stuck thread from an idle one.
 */
public final class NodeAgent implements Scheduler, AutoCloseable {
    private static final int POLL_LIMIT = 64;
    private static final long MAX_IDLE_MS = 1_000;
    /** Empty duty cycles polled before blocking in the selector (property chisme.agent.spinRounds). */
    private static final int SPIN_ROUNDS = Integer.getInteger("chisme.agent.spinRounds", 0);
    private static final Consumer<SelectionKey> IGNORE_KEY = k -> {
    };

    private final String name;
    private final Clock clock;
    private final UdpTransport transport;
    private final Counters counters;
    private final MpscUnboundedVarHandleArrayQueue<Runnable> commands = new MpscUnboundedVarHandleArrayQueue<>(256);
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private final Selector selector;
    private volatile boolean running;
    private volatile Thread thread;
    /** Never a no-op: a logic bug must leave a trace (issue 15). The node host installs its own. */
    private volatile Consumer<Throwable> errorHandler = new DistinctErrorLog(System::currentTimeMillis, DistinctErrorLog.STDERR);
    private volatile Consumer<Throwable> deathHandler = e -> { };
    private volatile Throwable deathCause;
    private final AtomicLong progress = new AtomicLong();
    private long timerSequence;
    private int idleRounds;

    public NodeAgent(final String name, final Clock clock, final UdpTransport transport, final Counters counters) {
        this.name = name;
        this.clock = clock;
        this.transport = transport;
        this.counters = counters;
        try {
            this.selector = Selector.open();
            transport.channel().register(selector, SelectionKey.OP_READ);
        } catch (final IOException e) {
            throw new IllegalStateException("cannot open a selector", e);
        }
    }

    /** Starts the node thread (a platform thread: long-lived, as Chronicle Map wants). */
    public synchronized void start() {
        if (thread != null) {
            return;
        }
        running = true;
        final Thread t = new Thread(this::run, name);
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    /** Told of every exception a task or datagram handler threw (after it was counted); the loop goes on. */
    public NodeAgent errorHandler(final Consumer<Throwable> handler) {
        this.errorHandler = handler;
        return this;
    }

    /** Told once, on the dying node thread, of the {@link Error} that ended the loop. */
    public NodeAgent deathHandler(final Consumer<Throwable> handler) {
        this.deathHandler = handler;
        return this;
    }

    /** Duty cycles run so far: advances at least once a second while the thread is healthy. */
    public long progress() {
        return progress.get();
    }

    /** The node thread (null before start), for a watchdog's liveness check and stack dump. */
    public Thread thread() {
        return thread;
    }

    /** What ended the node thread, or null while it runs or after a clean stop. */
    public Throwable deathCause() {
        return deathCause;
    }

    /** True between {@link #start()} and {@link #close()}. */
    public boolean running() {
        return running;
    }

    /** True when called from the node thread. */
    public boolean onNodeThread() {
        return Thread.currentThread() == thread;
    }

    /** The node thread's id (for ThreadMXBean allocation measurements), or -1 before start. */
    public long threadId() {
        final Thread t = thread;
        return t == null ? -1 : t.threadId();
    }

    @Override
    public void execute(final Runnable task) {
        commands.offer(task);
        selector.wakeup();
    }

    @Override
    public Cancellable schedule(final long delayMs, final Runnable task) {
        final Timer timer = new Timer(task);
        if (onNodeThread()) {
            timer.deadlineMs = clock.nowMs() + Math.max(0, delayMs);
            timer.sequence = ++timerSequence;
            timers.add(timer);
        } else {
            final long requestedAt = clock.nowMs();
            execute(() -> {
                timer.deadlineMs = requestedAt + Math.max(0, delayMs);
                timer.sequence = ++timerSequence;
                timers.add(timer);
            });
        }
        return timer;
    }

    private void run() {
        try {
            loop();
        } catch (final Throwable t) {
            deathCause = t;
            running = false;
            deathHandler.accept(t);
        } finally {
            transport.close();
            try {
                selector.close();
            } catch (final IOException ignored) {
                // nothing to release beyond the file descriptor
            }
        }
    }

    private void loop() {
        while (running) {
            progress.lazySet(progress.get() + 1);
            int work = 0;
            try {
                work += transport.poll(POLL_LIMIT);
            } catch (final Exception e) { // a checked exception thrown sneakily is a bug too
                counters.increment(CounterId.DROP_HANDLER_ERROR);
                errorHandler.accept(e);
                work++;
            }
            work += runDueTimers(clock.nowMs());
            work += drainCommands();
            if (work > 0) {
                idleRounds = 0;
            } else if (++idleRounds < SPIN_ROUNDS) {
                Thread.onSpinWait(); // optional polls before sleeping; on 2 shared cores spinning measured slower (docs/benchmarks.md)
            } else {
                idle();
            }
        }
    }

    private int runDueTimers(final long nowMs) {
        int fired = 0;
        Timer t;
        while ((t = timers.peek()) != null && t.deadlineMs <= nowMs && fired < 1_000) {
            timers.poll();
            if (!t.cancelled) {
                fired++;
                counters.increment(CounterId.TIMERS_FIRED);
                runSafely(t.task);
            }
        }
        return fired;
    }

    private int drainCommands() {
        int done = 0;
        Runnable r;
        while (done < 1_000 && (r = commands.poll()) != null) {
            done++;
            counters.increment(CounterId.COMMANDS_EXECUTED);
            runSafely(r);
        }
        return done;
    }

    private void runSafely(final Runnable r) {
        try {
            r.run();
        } catch (final Exception e) { // RuntimeException or a checked one thrown sneakily: counted and reported, never dropped
            counters.increment(CounterId.DROP_HANDLER_ERROR);
            errorHandler.accept(e);
        }
    }

    private void idle() {
        final Timer next = timers.peek();
        long waitMs = MAX_IDLE_MS;
        if (next != null) {
            waitMs = Math.min(waitMs, next.deadlineMs - clock.nowMs());
        }
        try {
            // The Consumer form does not touch the selected-key set (no iterator allocation).
            if (waitMs <= 0) {
                selector.selectNow(IGNORE_KEY);
            } else {
                selector.select(IGNORE_KEY, waitMs);
            }
        } catch (final IOException e) {
            Thread.onSpinWait();
        }
    }

    /** Stops the loop, closes the transport and waits up to 2 s for the thread to end. */
    @Override
    public void close() {
        stop();
    }

    /**
     * {@link #close()} reporting whether the node thread has ended: false when it is stuck (then nothing
     * it owns may be closed under it, e.g. the stores must not be marked cleanly shut down).
     */
    public boolean stop() {
        running = false;
        selector.wakeup();
        final Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(2_000);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return !t.isAlive();
        } else if (t == null) {
            transport.close();
        }
        return true;
    }

    private static final class Timer implements Comparable<Timer>, Cancellable {
        final Runnable task;
        long deadlineMs;
        long sequence;
        volatile boolean cancelled;

        Timer(final Runnable task) {
            this.task = task;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }

        @Override
        public int compareTo(final Timer o) {
            final int c = Long.compare(deadlineMs, o.deadlineMs);
            return c != 0 ? c : Long.compare(sequence, o.sequence);
        }
    }
}
