package io.wxgate.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import com.sun.net.httpserver.HttpServer;

/** An enterprise HTTP service that answers 201 with headers of its own: the seed-000 trap for a callback route. */
public final class DownstreamServer {

    private final HttpServer server;

    private DownstreamServer(HttpServer server) {
        this.server = server;
    }

    public static DownstreamServer start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/created", exchange -> {
                exchange.getRequestBody().readAllBytes();
                byte[] body = "{\"created\":true}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("X-Downstream", "leaked");
                exchange.getResponseHeaders().add("Set-Cookie", "downstream=1");
                exchange.getResponseHeaders().add("Location", "/created/1");
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(201, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
            return new DownstreamServer(server);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }
}
