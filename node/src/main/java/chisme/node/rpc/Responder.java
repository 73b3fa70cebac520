package chisme.node.rpc;

import chisme.node.metrics.CounterId;
import chisme.node.metrics.Counters;
import chisme.node.transport.Clock;
import chisme.wire.ErrorCode;
import chisme.wire.ErrorFlyweight;
import chisme.wire.HeaderFlyweight;
import chisme.wire.MessageType;
import chisme.wire.NodeId;
import org.agrona.MutableDirectBuffer;
import org.agrona.ExpandableArrayBuffer;

import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * Answers the request being handled: write the body into {@link #buffer()} from {@link #BODY_OFFSET},
 * then {@link #reply(int, int)} writes the header (echoing the request's transaction id, our id) and
 * sends, fragmenting when needed. One reusable instance per dispatcher; valid only inside
 * {@link RequestHandler#onRequest}. Node thread only; no allocation.
 * <p>
 * No amplification (issue 12 item 5): a reply longer than {@link RpcConfig#amplificationFactor()} times its
 * request goes only to an address in {@link ProvenAddresses}. Any other requester gets ERROR
 * {@link ErrorCode#UNVERIFIED} (35 bytes) and the {@code unproven} callback is told, so that the node pings
 * it (Kademlia already pings every unknown sender); its PONG proves it and {@link RpcTracker} on its side
 * sends the request again. A spoofed victim never answers the PING and so gets at most ERROR + PING
 * (67 bytes) per request, not the answer.
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
    private final Clock clock;
    private final ProvenAddresses proven;
    private final int amplificationFactor;
    private final ErrorFlyweight error = new ErrorFlyweight();
    private Consumer<InetSocketAddress> unproven = a -> { };
    private long transactionId;
    private int requestBytes;
    private InetSocketAddress destination;
    private int flags;
    private boolean replied;

    Responder(final MessageSender sender, final Counters counters, final NodeId localId, final int capacity,
              final Clock clock, final ProvenAddresses proven, final int amplificationFactor) {
        this.sender = sender;
        this.counters = counters;
        this.localId = localId;
        this.clock = clock;
        this.proven = proven;
        this.amplificationFactor = amplificationFactor;
        // Grows on demand up to capacity (the maximum message size) instead of holding 70 KB per node from
        // the start: only VALUE/BOOKS replies longer than a datagram need more, and growth happens once.
        this.buffer = new ExpandableArrayBuffer(Math.min(capacity, INITIAL_BYTES));
        this.maxBodyBytes = capacity - BODY_OFFSET;
        header.wrap(buffer, 0);
    }

    void prepare(final long transactionId, final InetSocketAddress destination, final int flags, final int requestBytes) {
        this.transactionId = transactionId;
        this.destination = destination;
        this.flags = flags;
        this.requestBytes = requestBytes;
        this.replied = false;
    }

    /** Told of each requester refused a long reply because it has not proved its address (to ping it). */
    void onUnproven(final Consumer<InetSocketAddress> callback) {
        this.unproven = callback;
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
        if (amplifies(BODY_OFFSET + bodyLength)) {
            return refuseUnproven();
        }
        header.encode(type, flags | extraFlags, transactionId, localId);
        counters.increment(CounterId.REQUESTS_ANSWERED);
        return sender.send(buffer, 0, BODY_OFFSET + bodyLength, destination);
    }

    private boolean amplifies(final int replyBytes) {
        return amplificationFactor > 0 && replyBytes > (long) amplificationFactor * requestBytes
            && !proven.isProven(destination, clock.nowMs());
    }

    /** ERROR UNVERIFIED instead of the reply (it overwrites the body just written); false: the reply was not sent. */
    private boolean refuseUnproven() {
        counters.increment(CounterId.REPLIES_REFUSED_UNPROVEN);
        header.encode(MessageType.ERROR, flags, transactionId, localId);
        final int length = error.wrap(buffer, 0).encode(ErrorCode.UNVERIFIED, buffer, 0, 0);
        sender.send(buffer, 0, length, destination);
        unproven.accept(destination);
        return false;
    }

    /** Read-only flag to set on replies (a probe node never wants to be added to routing tables). */
    int flags() {
        return flags;
    }
}
