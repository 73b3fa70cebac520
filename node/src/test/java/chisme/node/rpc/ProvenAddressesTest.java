package chisme.node.rpc;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProvenAddressesTest {
    private static InetSocketAddress addr(final int i) {
        return new InetSocketAddress("127.0.0.1", 10_000 + i);
    }

    @Test
    void shouldRememberAProofForAtLeastHalfItsLifetimeAndForgetItAfterAWholeOne() {
        final ProvenAddresses p = new ProvenAddresses(100, 1_000);
        p.prove(addr(1), 0);
        assertTrue(p.isProven(addr(1), 0));
        assertFalse(p.isProven(addr(2), 0), "never proved");
        assertTrue(p.isProven(addr(1), 499));
        assertTrue(p.isProven(addr(1), 999), "in the previous generation after one rotation");
        assertFalse(p.isProven(addr(1), 2_000), "gone after a whole lifetime without a new proof");
    }

    @Test
    void shouldStayBoundedWhenManyAddressesProveThemselves() {
        final ProvenAddresses p = new ProvenAddresses(100, 60_000);
        for (int i = 0; i < 10_000; i++) {
            p.prove(addr(i), 1);
            assertTrue(p.size() <= 100, "at most the capacity: " + p.size());
        }
        assertTrue(p.isProven(addr(9_999), 1), "the newest proofs are kept");
        assertFalse(p.isProven(addr(0), 1), "the oldest are dropped first");
    }

    @Test
    void shouldKeepAnAddressThatProvesItselfAgain() {
        final ProvenAddresses p = new ProvenAddresses(100, 1_000);
        for (long t = 0; t < 10_000; t += 400) {
            p.prove(addr(1), t);
            assertTrue(p.isProven(addr(1), t + 399));
        }
    }
}
