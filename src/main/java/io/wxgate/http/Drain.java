package io.wxgate.http;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.server.AbstractNetworkConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;

/**
 * The gateway's HTTP port while it stops (README "Stopping"): every request on it is counted from its arrival until
 * its answer is written, so a stop can wait for the answers it owes. Once draining, each answer closes its
 * connection ({@code Connection: close}), so a client holding a kept-alive connection makes its next request on a
 * new one (to another instance, once this one refuses connections) instead of on one that is about to go.
 */
public final class Drain {

    private static final Predicate<TimeoutException> WORKING_ON_IT = timeout -> false;

    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean draining;
    private volatile Server server;
    /** Completes, per closed connector, once every connection it had accepted is closed. */
    private final List<CompletableFuture<Void>> connectionsClosed = new CopyOnWriteArrayList<>();

    /** The Jetty server whose connectors {@link #refuseNewConnections()} closes. */
    public void serving(Server jetty) {
        this.server = jetty;
    }

    /**
     * Counts a request in until {@code callback} completes; after {@link #begin()}, its answer closes the connection.
     * The connection's idle timeout does not fail a request whose answer is being worked out (a stop shortens it to
     * close idle connections): the callback deadline already bounds every answer.
     */
    public Tracked track(Request request, Response response, Callback callback) {
        inFlight.incrementAndGet();
        request.addIdleTimeoutListener(WORKING_ON_IT);
        if (draining) {
            response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        }
        return new Tracked(callback);
    }

    /** A request's callback that counts it out once, when its answer is written or failed, or when it is abandoned. */
    public final class Tracked extends Callback.Nested {

        private final AtomicBoolean counted = new AtomicBoolean(true);

        private Tracked(Callback callback) {
            super(callback);
        }

        @Override
        public void succeeded() {
            try {
                super.succeeded();
            } finally {
                release();
            }
        }

        @Override
        public void failed(Throwable x) {
            try {
                super.failed(x);
            } finally {
                release();
            }
        }

        /** Counts the request out without completing it: a handler threw, and Jetty answers with its own callback. */
        public void release() {
            if (counted.compareAndSet(true, false)) {
                inFlight.decrementAndGet();
            }
        }
    }

    public void begin() {
        draining = true;
    }

    public int inFlight() {
        return inFlight.get();
    }

    /**
     * Closes the listening sockets: a new connection is refused by the operating system, so a client or load balancer
     * learns at once to go elsewhere. Connections already open stay open until their answers are written, those
     * accepted with no request read yet included: Jetty closes each after its answer, and idle ones after a second.
     */
    public void refuseNewConnections() {
        Server jetty = server;
        if (jetty == null) {
            return;
        }
        for (Connector connector : jetty.getConnectors()) {
            if (connector instanceof AbstractNetworkConnector network) {
                connectionsClosed.add(network.shutdown());
            }
        }
    }

    /**
     * Waits until no request is in flight and every connection the closed connectors had accepted is closed, or
     * {@code limit} passed; whether all are. A connection accepted just before its connector closed may not have had
     * its request read yet: closing it then would reset it, unanswered.
     */
    public boolean awaitIdle(Duration limit) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (inFlight.get() > 0 || !connectionsClosed.stream().allMatch(CompletableFuture::isDone)) {
            if (System.nanoTime() >= end) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }
}
