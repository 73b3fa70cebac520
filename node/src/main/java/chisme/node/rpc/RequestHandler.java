package chisme.node.rpc;

import chisme.wire.HeaderFlyweight;
import org.agrona.DirectBuffer;

import java.net.InetSocketAddress;

/**
 * Answers one request type, registered with {@link Dispatcher#registerRequestHandler}. Runs on the node
 * thread. The message bytes ({@code buffer}, {@code offset}, {@code length}: the whole message, header
 * included) are valid only during the call. Trust boundary (docs/wire.md "Decode reasons"): the whole frame,
 * header and body, passed {@link chisme.wire.MessageDecoder#validate} in the Dispatcher, so the matching
 * flyweight may read every field. A handler checks only what the wire cannot know (tokens, semantic rules of
 * its protocol) and drops what fails with {@link Dispatcher#dropBadBody()} rather than throwing.
 * To answer, write the body into {@link Responder#buffer()} at {@link Responder#BODY_OFFSET} and call
 * {@link Responder#reply}.
 */
@FunctionalInterface
public interface RequestHandler {
    void onRequest(HeaderFlyweight header, DirectBuffer buffer, int offset, int length,
                   InetSocketAddress source, Responder responder);
}
