package chisme.node.rpc;

import chisme.node.transport.Scheduler;
import chisme.wire.HeaderFlyweight;
import chisme.wire.NodeId;
import org.agrona.DirectBuffer;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Blocking calls for virtual threads: a thin layer over {@link RpcTracker} that hands the call to the
 * node thread through the {@link Scheduler} and parks until the reply or the timeout. Any thread
 * except the node thread (which would deadlock waiting for itself).
 */
public final class RpcClient {
    private final Dispatcher dispatcher;
    private final Scheduler scheduler;

    public RpcClient(final Dispatcher dispatcher, final Scheduler scheduler) {
        this.dispatcher = dispatcher;
        this.scheduler = scheduler;
    }

    /**
     * Sends a request of {@code type} with {@code body} to {@code to} and waits for the reply.
     *
     * @throws RpcException on timeout, refusal (too many calls in flight) or interruption
     */
    public Response call(final InetSocketAddress to, final int type, final byte[] body, final long timeoutMs) throws RpcException {
        final CompletableFuture<Response> done = new CompletableFuture<>();
        scheduler.execute(() -> {
            final RpcTracker tracker = dispatcher.tracker();
            tracker.requestBuffer().putBytes(RpcTracker.BODY_OFFSET, body);
            final long id = tracker.call(to, type, body.length, timeoutMs, new ResponseListener() {
                @Override
                public void onResponse(final HeaderFlyweight header, final DirectBuffer buffer, final int offset,
                                       final int length, final InetSocketAddress source) {
                    final byte[] copy = new byte[length];
                    buffer.getBytes(offset, copy);
                    done.complete(new Response(header.type(), NodeId.read(buffer, offset + HeaderFlyweight.SENDER_ID_OFFSET), source, copy));
                }

                @Override
                public void onTimeout() {
                    done.completeExceptionally(new RpcException(RpcException.Reason.TIMEOUT, "no reply from " + to + " in " + timeoutMs + " ms"));
                }
            });
            if (id == 0) {
                done.completeExceptionally(new RpcException(RpcException.Reason.REFUSED, "call to " + to + " refused locally (in-flight limit or send failure)"));
            }
        });
        try {
            return done.get();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RpcException(RpcException.Reason.INTERRUPTED, "interrupted");
        } catch (final ExecutionException e) {
            if (e.getCause() instanceof RpcException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
