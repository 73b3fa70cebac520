package chisme.node.admin;

import java.io.IOException;

/** Executes admin requests. Called on a virtual thread per connection; must be thread-safe. */
@FunctionalInterface
public interface AdminHandler {
    /**
     * Handles one request.
     *
     * @param request the parsed request
     * @param stream  for streaming operations ({@code logs} with follow): extra lines sent before the reply
     * @return the reply's {@code result} as JSON text
     * @throws AdminException turned into one error reply
     * @throws IOException    when the client went away while streaming
     */
    String handle(AdminRequest request, Stream stream) throws AdminException, IOException;

    /** Sends JSON lines to the client before the final reply. */
    interface Stream {
        /** Writes one line {@code {"event": <json>}}; throws when the client closed the connection. */
        void send(String json) throws IOException;
    }
}
