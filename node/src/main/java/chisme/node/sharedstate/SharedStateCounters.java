package chisme.node.sharedstate;

import chisme.node.metrics.EnumCounters;

/** Shared-state counters: any thread may add (hook runners run on virtual threads), any thread reads. */
public final class SharedStateCounters extends EnumCounters<SharedStateCounter> {
    public SharedStateCounters() {
        super(SharedStateCounter.class);
    }
}
