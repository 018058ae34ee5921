package io.wxgate.http;

import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Callback;

/**
 * For answers written before the request body was read (a refusal: too large, chunked, wrong type): once the
 * answer is out, what the client is still sending is read and dropped before the exchange completes.
 *
 * <p>Why: Jetty closes such a connection, and closing a socket with unread bytes in its receive buffer makes the
 * kernel reset it; a client still writing its body then loses the answer it was sent ("header parser received no
 * bytes" from the JDK client; 30 refusals in a row lost some in tests). Past {@link #LIMIT} bytes the connection
 * is closed anyway, so a refused body is never read whole. Reading waits for content through {@code demand}, so no
 * thread is held meanwhile, and Jetty's idle timeout ends a client that stalls.
 */
public final class UnreadBody {

    /** How much of a refused body is read and dropped at most. */
    public static final long LIMIT = 1024 * 1024;

    private UnreadBody() {
    }

    /** A callback for the answer's write: on success it drops the unread body, then completes {@code done}. */
    public static Callback dropThen(Request request, Callback done) {
        return Callback.from(() -> drop(request, LIMIT, done), done::failed);
    }

    private static void drop(Request request, long left, Callback done) {
        long budget = left;
        while (true) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                long rest = budget;
                request.demand(() -> drop(request, rest, done));
                return;
            }
            boolean last = chunk.isLast() || Content.Chunk.isFailure(chunk);
            budget -= chunk.remaining();
            chunk.release();
            if (last || budget <= 0) {
                done.succeeded();
                return;
            }
        }
    }
}
