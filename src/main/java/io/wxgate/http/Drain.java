package io.wxgate.http;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.server.AbstractNetworkConnector;
import org.eclipse.jetty.server.Connector;
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

    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean draining;
    private volatile Server server;

    /** The Jetty server whose connectors {@link #refuseNewConnections()} closes. */
    public void serving(Server jetty) {
        this.server = jetty;
    }

    /** Counts a request in until {@code callback} completes; after {@link #begin()}, its answer closes the connection. */
    public Tracked track(Response response, Callback callback) {
        inFlight.incrementAndGet();
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
     * learns at once to go elsewhere. Connections already open stay open until their answers are written.
     */
    public void refuseNewConnections() {
        Server jetty = server;
        if (jetty == null) {
            return;
        }
        for (Connector connector : jetty.getConnectors()) {
            if (connector instanceof AbstractNetworkConnector network) {
                network.shutdown();
            }
        }
    }

    /** Waits until no request is in flight or {@code limit} passed; whether none is left. */
    public boolean awaitIdle(Duration limit) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (inFlight.get() > 0) {
            if (System.nanoTime() >= end) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }
}
