package chisme.node.security;

import chisme.store.InMemoryTupleStore;
import chisme.store.Tuple;
import chisme.wire.NodeId;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-prefix share of remote store space: the cap, other prefixes unaffected, and room freed by expiry. */
class RemoteStoreSharesTest {
    private final SplittableRandom random = new SplittableRandom(7);

    private void add(final InMemoryTupleStore store, final RemoteStoreShares shares, final long prefix, final long expiresAtMs) {
        final NodeId key = NodeId.random(random);
        store.put(new Tuple(key, new byte[10], key, 0, expiresAtMs, false, 0));
        shares.onAdded(key, prefix, 10);
    }

    @Test
    void aPrefixStopsAtItsShareOthersGoOnAndExpiryFreesItsRoom() {
        final InMemoryTupleStore store = InMemoryTupleStore.withCapacity(100, 1_024); // 80 remote, 20 per prefix
        final RemoteStoreShares shares = new RemoteStoreShares(0.25);
        for (int i = 0; i < 20; i++) {
            assertTrue(shares.mayAdd(store, 1, 10, 0), "value " + i);
            add(store, shares, 1, 50_000);
        }
        assertFalse(shares.mayAdd(store, 1, 10, 0), "prefix 1 is at its share");
        assertTrue(shares.mayAdd(store, 2, 10, 0), "another prefix still stores");
        // Still refused while nothing expired (the recount finds every value held).
        assertFalse(shares.mayAdd(store, 1, 10, 20_000));
        assertEquals(20, shares.valuesOf(1));
        // The values expired: the next recount (at most one per interval) forgets them.
        assertFalse(shares.mayAdd(store, 1, 10, 20_000 + RemoteStoreShares.RECOUNT_INTERVAL_MS - 1), "no recount within the interval");
        assertTrue(shares.mayAdd(store, 1, 10, 60_000), "room freed by expiry");
        assertEquals(0, shares.valuesOf(1));
    }

    @Test
    void shareOneIsNoLimitAndOutOfRangeIsRefused() {
        final InMemoryTupleStore store = InMemoryTupleStore.withCapacity(10, 1_024);
        final RemoteStoreShares shares = new RemoteStoreShares(1.0);
        for (int i = 0; i < 10; i++) {
            add(store, shares, 1, 50_000);
        }
        assertTrue(shares.mayAdd(store, 1, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> new RemoteStoreShares(0));
        assertThrows(IllegalArgumentException.class, () -> new RemoteStoreShares(1.5));
    }
}
