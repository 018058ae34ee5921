package io.wxgate.http;

import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Callback;

/**
 * For answers written before the request body was read (a refusal: too large, chunked, no key): once the
 * answer is out, what the client is still sending is read and dropped before the exchange completes.
 *
 * <p>Why: Jetty closes such a connection, and closing a socket with unread bytes in its receive buffer makes the
 * kernel reset it; a client still writing its body then loses the answer it was sent ("header parser received no
 * bytes" from the JDK client: 11 of 300 refused 10 MiB uploads when only the first MiB was dropped). So a body is
 * dropped up to its declared length, within {@link #MAX_BYTES} and {@link #MAX_TIME_NANOS}; a body without a
 * declared length (chunked), up to {@link #UNDECLARED_BYTES}. Past those bounds the connection is closed anyway.
 * Reading waits for content through {@code demand}, so no thread is held meanwhile, and Jetty's idle timeout ends a
 * client that stalls.
 */
public final class UnreadBody {

    /** The most of a refused body with a declared length that is read and dropped. */
    public static final long MAX_BYTES = 32L * 1024 * 1024;

    /** How much of a refused body without a declared length is read and dropped. */
    public static final long UNDECLARED_BYTES = 1024 * 1024;

    /** How long a refused body is read and dropped at most, however much of it is left. */
    static final long MAX_TIME_NANOS = 30_000_000_000L;

    private UnreadBody() {
    }

    /** A callback for the answer's write: on success it drops the unread body, then completes {@code done}. */
    public static Callback dropThen(Request request, Callback done) {
        long declared = request.getLength();
        long budget = declared < 0 ? UNDECLARED_BYTES : Math.min(declared, MAX_BYTES);
        return Callback.from(() -> drop(request, budget, System.nanoTime() + MAX_TIME_NANOS, done), done::failed);
    }

    private static void drop(Request request, long left, long deadline, Callback done) {
        boolean over;
        try {
            over = dropAvailable(request, left, deadline, done);
        } catch (RuntimeException e) {
            done.failed(e);
            return;
        }
        if (over) {
            done.succeeded();
        }
    }

    /** True when dropping is over; false when it goes on as more content comes (demanded). */
    private static boolean dropAvailable(Request request, long left, long deadline, Callback done) {
        long budget = left;
        while (true) {
            if (budget <= 0 || System.nanoTime() - deadline > 0) {
                return true;
            }
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                long rest = budget;
                request.demand(() -> drop(request, rest, deadline, done));
                return false;
            }
            boolean last = chunk.isLast() || Content.Chunk.isFailure(chunk);
            budget -= chunk.remaining();
            chunk.release();
            if (last) {
                return true;
            }
        }
    }
}
