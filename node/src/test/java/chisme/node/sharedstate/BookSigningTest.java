package chisme.node.sharedstate;

import chisme.node.security.BookSigner;
import chisme.store.Book;
import chisme.wire.BooksFlyweight;
import chisme.wire.NodeId;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12 item 2: books signed by their author. Mallory is a neighbour of b (an insider on the mesh,
 * past any network key); each forgery is refused and counted, while a's edits and Mallory's own books
 * still go through.
 */
class BookSigningTest {
    private static SharedStateConfig config() {
        return new SharedStateConfig().defaultShelf(ShelfConfig.DEFAULT.syncIntervalMs(60_000)).callTimeoutMs(300)
            .routingTableNeighbours(false);
    }

    @Test
    void shouldRefuseForgedAuthorsAndKeepTheRealOneInControl() throws IOException {
        try (DatagramChannel mallory = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
             TestNode a = new TestNode("a", 11); TestNode b = new TestNode("b", 12)) {
            final String malloryText = "127.0.0.1:" + ((InetSocketAddress) mallory.getLocalAddress()).getPort();
            a.start(config().staticNeighbour(b.addressText()), null, System::currentTimeMillis, null);
            final String aKey = a.ss.signingKeyId();
            b.start(config().staticNeighbour(a.addressText()).staticNeighbour(malloryText)
                .shelf("vouchers", ShelfConfig.DEFAULT.syncIntervalMs(60_000).writers(new WritePolicy(WritePolicy.Kind.KEYS, Set.of(aKey)))),
                null, System::currentTimeMillis, null);
            final SharedStateCounters bc = b.ss.counters();
            a.ss.insert("dns", "{\"host\": \"10.0.0.1\"}");
            try {
                Await.until("a's signed book at b", 5_000, () -> b.ss.get("dns").contains("10.0.0.1"));
            } catch (final AssertionError e) {
                throw new AssertionError(e.getMessage() + "; a " + a.ss.counters().snapshot() + " b " + bc.snapshot(), e);
            }
            final Book real = b.store.get("dns", "host");
            // b itself may not edit a's book either: refused before anything is written, so no false acknowledgement.
            final SharedStateException notAuthor = org.junit.jupiter.api.Assertions.assertThrows(SharedStateException.class,
                () -> b.ss.insert("dns", "{\"host\": \"10.9.9.9\"}"));
            assertEquals(SharedStateException.Code.NOT_AUTHOR, notAuthor.code());
            assertNotNull(real.signature(), "stored with its signature, relayed with it");
            assertEquals(aKey, BookSigner.keyIdOf(real.signature()));
            final NodeId aId = real.authorId();
            final long later = (System.currentTimeMillis() << 16) + 500;
            final BookSigner malloryKey = BookSigner.ephemeral();
            // 1. unsigned, a's id and name, a newer version
            push(mallory, b.address(), "dns", "host", aId, later, "\"6.6.6.6\"", null);
            // 2. signed with Mallory's own key, claiming a's id
            push(mallory, b.address(), "dns", "host", aId, later, "\"6.6.6.6\"",
                malloryKey.sign("dns", "host", aId, later, 600, false, "\"6.6.6.6\"".getBytes(StandardCharsets.UTF_8)));
            // 3. a's real signature block on other data and a newer version
            push(mallory, b.address(), "dns", "host", aId, later, "\"6.6.6.6\"", real.signature());
            Await.until("three forgeries refused", 5_000, () -> bc.get(SharedStateCounter.DROP_UNSIGNED) == 1
                && bc.get(SharedStateCounter.DROP_NOT_AUTHOR) == 1 && bc.get(SharedStateCounter.DROP_BAD_SIGNATURE) == 1);
            assertEquals("{\"host\":\"10.0.0.1\"}", b.ss.get("dns"), "Mallory got nothing");
            // 4. a shelf whose writers are a's key only: Mallory's validly signed new book is refused.
            final long now = System.currentTimeMillis() << 16;
            push(mallory, b.address(), "vouchers", "v1", NodeId.random(new java.util.SplittableRandom(4)), now, "\"free\"",
                malloryKey.sign("vouchers", "v1", NodeId.random(new java.util.SplittableRandom(4)), now, 600, false,
                    "\"free\"".getBytes(StandardCharsets.UTF_8)));
            Await.until("not on the writers list", 5_000, () -> bc.get(SharedStateCounter.DROP_NOT_AUTHOR) == 2);
            assertEquals("{}", b.ss.get("vouchers"));
            // Controls: a's edit and removal still win; a's voucher is taken; Mallory's own new key is hers.
            a.ss.insert("dns", "{\"host\": \"10.0.0.2\"}");
            a.ss.insert("vouchers", "{\"v2\": \"paid\"}");
            final NodeId mId = NodeId.random(new java.util.SplittableRandom(5));
            push(mallory, b.address(), "dns", "mallory-laptop", mId, now, "\"10.0.0.66\"",
                malloryKey.sign("dns", "mallory-laptop", mId, now, 600, false, "\"10.0.0.66\"".getBytes(StandardCharsets.UTF_8)));
            Await.until("honest writes through", 5_000, () -> b.ss.get("dns").contains("10.0.0.2")
                && b.ss.get("dns").contains("mallory-laptop") && b.ss.get("vouchers").contains("paid"));
            a.ss.remove("dns", "[\"host\"]");
            Await.until("a's removal through", 5_000, () -> !b.ss.get("dns").contains("\"host\""));
            assertTrue(bc.get(SharedStateCounter.SIGNATURES_VERIFIED) >= 5);
            assertEquals(2, bc.get(SharedStateCounter.DROP_NOT_AUTHOR));
        }
    }

    static void push(final DatagramChannel from, final InetSocketAddress to, final String shelf, final String key, final NodeId author,
                     final long version, final String json, final byte[] signature) throws IOException {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[2_048]);
        final BooksFlyweight books = new BooksFlyweight().wrap(b, 0).header(0, version ^ 99, NodeId.random(new java.util.SplittableRandom(version)));
        books.encode(shelf.getBytes(StandardCharsets.US_ASCII));
        final int n = books.appendBook(key.getBytes(StandardCharsets.UTF_8), author, "a".getBytes(StandardCharsets.UTF_8),
            version, 600, 0, json.getBytes(StandardCharsets.UTF_8), signature);
        final byte[] bytes = new byte[n];
        b.getBytes(0, bytes);
        from.send(ByteBuffer.wrap(bytes), to);
    }
}
