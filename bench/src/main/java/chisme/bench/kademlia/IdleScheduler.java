package chisme.bench.kademlia;

import chisme.node.transport.Scheduler;

/** Timers are never due (the harnesses' clock stands still); work handed in runs at once. */
final class IdleScheduler implements Scheduler {
    private static final Cancellable NONE = () -> {
    };

    @Override
    public Cancellable schedule(final long delayMs, final Runnable task) {
        return NONE;
    }

    @Override
    public void execute(final Runnable task) {
        task.run();
    }
}
