package chisme.node.rpc;

import chisme.node.metrics.CounterId;
import chisme.node.metrics.Counters;
import chisme.wire.HeaderFlyweight;
import chisme.wire.NodeId;
import org.agrona.MutableDirectBuffer;
import org.agrona.ExpandableArrayBuffer;

import java.net.InetSocketAddress;

/**
 * Answers the request being handled: write the body into {@link #buffer()} from {@link #BODY_OFFSET},
 * then {@link #reply(int, int)} writes the header (echoing the request's transaction id, our id) and
 * sends, fragmenting when needed. One reusable instance per dispatcher; valid only inside
 * {@link RequestHandler#onRequest}. Node thread only; no allocation.
 */
public final class Responder {
    /** Where a reply's body starts in {@link #buffer()}. */
    public static final int BODY_OFFSET = HeaderFlyweight.LENGTH;
    /** Initial reply buffer size: a full NODES reply (k = 20 contacts) fits, so FIND_NODE never grows it. */
    private static final int INITIAL_BYTES = 2048;

    private final ExpandableArrayBuffer buffer;
    private final int maxBodyBytes;
    private final HeaderFlyweight header = new HeaderFlyweight();
    private final MessageSender sender;
    private final Counters counters;
    private final NodeId localId;
    private long transactionId;
    private InetSocketAddress destination;
    private int flags;
    private boolean replied;

    Responder(final MessageSender sender, final Counters counters, final NodeId localId, final int capacity) {
        this.sender = sender;
        this.counters = counters;
        this.localId = localId;
        // Grows on demand up to capacity (the maximum message size) instead of holding 70 KB per node from
        // the start: only VALUE/BOOKS replies longer than a datagram need more, and growth happens once.
        this.buffer = new ExpandableArrayBuffer(Math.min(capacity, INITIAL_BYTES));
        this.maxBodyBytes = capacity - BODY_OFFSET;
        header.wrap(buffer, 0);
    }

    void prepare(final long transactionId, final InetSocketAddress destination, final int flags) {
        this.transactionId = transactionId;
        this.destination = destination;
        this.flags = flags;
        this.replied = false;
    }

    /** The reply buffer: write the body from {@link #BODY_OFFSET}. It grows as written, up to the maximum message size. */
    public MutableDirectBuffer buffer() {
        return buffer;
    }

    /** Largest body that fits. */
    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    /** The requester's address. */
    public InetSocketAddress destination() {
        return destination;
    }

    /** Sends the reply of {@code type} with {@code bodyLength} body bytes already written. At most once per request. */
    public boolean reply(final int type, final int bodyLength) {
        return reply(type, 0, bodyLength);
    }

    /** As {@link #reply(int, int)} with {@code extraFlags} (e.g. CONTINUED, DEFLATED) or'ed into the header flags. */
    public boolean reply(final int type, final int extraFlags, final int bodyLength) {
        if (replied) {
            return false;
        }
        replied = true;
        header.encode(type, flags | extraFlags, transactionId, localId);
        counters.increment(CounterId.REQUESTS_ANSWERED);
        return sender.send(buffer, 0, BODY_OFFSET + bodyLength, destination);
    }

    /** Read-only flag to set on replies (a probe node never wants to be added to routing tables). */
    int flags() {
        return flags;
    }
}
