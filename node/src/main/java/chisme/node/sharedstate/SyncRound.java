package chisme.node.sharedstate;

import chisme.node.rpc.ResponseListener;
import chisme.wire.HeaderFlyweight;
import chisme.wire.MessageType;
import org.agrona.DirectBuffer;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * One anti-entropy round with one neighbour: a bounded queue of calls, at most
 * {@link AntiEntropyInitiator#ROUND_CALLS_IN_FLIGHT} in flight, within the round's byte budget
 * (docs/shared-state.md "Anti-entropy"). What each call asks and does with its reply is the
 * {@link AntiEntropyInitiator}'s; this class only runs the queue and keeps the tally. Node thread only.
 */
final class SyncRound {
    /** Reply handler: the whole reply message (header included), already of the expected type. */
    @FunctionalInterface
    interface BodyHandler {
        void onBody(DirectBuffer buffer, int offset, int length);
    }

    final InetSocketAddress neighbour;
    private final AntiEntropyInitiator initiator;
    private final Consumer<SyncRound> done;
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private int inFlight;
    private long bytes;
    private boolean incomplete;
    private boolean failed;
    private boolean finished;
    private int booksReceived;

    SyncRound(final AntiEntropyInitiator initiator, final InetSocketAddress neighbour, final Consumer<SyncRound> done) {
        this.initiator = initiator;
        this.neighbour = neighbour;
        this.done = done;
    }

    /** Bytes moved (requests sent and replies received). */
    public long bytes() {
        return bytes;
    }

    /** True if a call timed out or was answered with an error. */
    public boolean failed() {
        return failed;
    }

    /** True if the byte budget ended the round before everything was asked. */
    public boolean incomplete() {
        return incomplete;
    }

    /** Books received in replies (whatever the merge made of them). */
    public int booksReceived() {
        return booksReceived;
    }

    void addBooksReceived(final int n) {
        booksReceived += n;
    }

    /** Queues a step; it runs when a call slot is free and the budget allows. */
    void queue(final Runnable step) {
        queue.add(step);
    }

    /** Sends the request already written in the tracker's request buffer and hands its reply to {@code handler}. */
    void call(final int type, final int bodyLength, final BodyHandler handler) {
        call(type, 0, bodyLength, handler);
    }

    /** As {@link #call(int, int, BodyHandler)} with header flags (e.g. CONTINUED on a BOOK_REQUEST with a cursor). */
    void call(final int type, final int flags, final int bodyLength, final BodyHandler handler) {
        final int size = HeaderFlyweight.LENGTH + bodyLength;
        bytes += size;
        inFlight++;
        initiator.counters().add(SharedStateCounter.GOSSIP_TX_BYTES, size);
        final long id = initiator.dispatcher().tracker().call(neighbour, type, flags, bodyLength, initiator.config().callTimeoutMs(),
            new ResponseListener() {
                @Override
                public void onResponse(final HeaderFlyweight header, final DirectBuffer buffer, final int offset, final int length,
                                       final InetSocketAddress source) {
                    inFlight--;
                    bytes += length;
                    initiator.counters().add(SharedStateCounter.GOSSIP_RX_BYTES, length);
                    if (header.type() == type || (type == MessageType.BOOK_REQUEST && header.type() == MessageType.BOOKS)) {
                        try {
                            handler.onBody(buffer, offset, length);
                        } catch (final RuntimeException e) {
                            initiator.counters().increment(SharedStateCounter.DROP_BAD_BODY);
                        }
                    } else {
                        failed = true; // an ERROR or unexpected reply: stop this round
                        queue.clear();
                    }
                    pump();
                }

                @Override
                public void onTimeout() {
                    inFlight--;
                    failed = true;
                    initiator.counters().increment(SharedStateCounter.CALL_TIMEOUTS);
                    queue.clear();
                    pump();
                }
            });
        if (id == 0) {
            inFlight--;
            failed = true;
            queue.clear();
            initiator.scheduler().execute(this::pump);
        }
    }

    /** Runs queued steps while a call slot is free; finishes the round when nothing is left. */
    void pump() {
        while (inFlight < AntiEntropyInitiator.ROUND_CALLS_IN_FLIGHT && !queue.isEmpty()) {
            if (bytes >= initiator.config().roundBudgetBytes()) {
                incomplete = true; // budget spent: the rest waits for a follow-up round
                queue.clear();
                break;
            }
            queue.poll().run();
        }
        if (inFlight == 0 && queue.isEmpty() && !finished) {
            finished = true;
            initiator.finished(this);
            if (done != null) {
                done.accept(this);
            }
        }
    }
}
