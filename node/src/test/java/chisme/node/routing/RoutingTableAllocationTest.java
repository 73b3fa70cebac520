package chisme.node.routing;

import chisme.wire.NodeId;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The two hot paths must not allocate: closest-20 and onMessage from a known contact. */
class RoutingTableAllocationTest {
    private static final int CALLS = 100_000;

    private static com.sun.management.ThreadMXBean threads() {
        final com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        bean.setThreadAllocatedMemoryEnabled(true);
        return bean;
    }

    static RoutingTable filled(final SplittableRandom r) {
        final RoutingTable t = new RoutingTable(NodeId.random(r));
        for (int i = 1; i <= 10_000; i++) {
            t.onMessage(NodeId.random(r), RoutingTableClosestTest.addr(i), true, i);
        }
        return t;
    }

    @Test
    void closestShouldNotAllocate() {
        final SplittableRandom r = new SplittableRandom(42);
        final RoutingTable t = filled(r);
        assertTrue(t.size() > 100, "table should hold well over 100 contacts, has " + t.size());
        final long[] hi = new long[1024];
        final long[] mid = new long[1024];
        final int[] lo = new int[1024];
        for (int i = 0; i < hi.length; i++) {
            hi[i] = r.nextLong();
            mid[i] = r.nextLong();
            lo[i] = r.nextInt();
        }
        final Contact[] out = new Contact[20];
        long sink = 0;
        for (int i = 0; i < 3 * CALLS; i++) {
            sink += t.closest(hi[i & 1023], mid[i & 1023], lo[i & 1023], 20, out);
        }
        final com.sun.management.ThreadMXBean bean = threads();
        final long before = bean.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < CALLS; i++) {
            sink += t.closest(hi[i & 1023], mid[i & 1023], lo[i & 1023], 20, out);
        }
        final long allocated = bean.getCurrentThreadAllocatedBytes() - before;
        assertEquals(20L * 4 * CALLS, sink, "every call must return 20 contacts");
        assertTrue(allocated < CALLS, "closest allocated " + allocated + " bytes over " + CALLS + " calls");
    }

    @Test
    void onMessageFromAKnownContactShouldNotAllocate() {
        final SplittableRandom r = new SplittableRandom(43);
        final RoutingTable t = filled(r);
        final List<Contact> known = t.snapshot();
        final Contact[] contacts = known.toArray(new Contact[0]);
        long sink = 0;
        long nowMs = 20_000;
        for (int i = 0; i < 3 * CALLS; i++) {
            final Contact c = contacts[i % contacts.length];
            sink += t.onMessage(c.hi(), c.mid(), c.lo(), c.address(), (i & 1) == 0, nowMs++).code();
        }
        final com.sun.management.ThreadMXBean bean = threads();
        final long before = bean.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < CALLS; i++) {
            final Contact c = contacts[i % contacts.length];
            sink += t.onMessage(c.hi(), c.mid(), c.lo(), c.address(), (i & 1) == 0, nowMs++).code();
        }
        final long allocated = bean.getCurrentThreadAllocatedBytes() - before;
        assertEquals(RoutingOutcome.UPDATED, sink, "every call must be an UPDATED (0)");
        assertTrue(allocated < CALLS, "onMessage allocated " + allocated + " bytes over " + CALLS + " calls");
    }
}
