package io.wxgate.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;

/** An enterprise HTTP service that answers 201 with headers of its own: the seed-000 trap for a callback route. */
public final class DownstreamServer {

    private final HttpServer server;
    private final List<Received> received;

    /** A request the service got: its path, Content-Type and body. */
    public record Received(String path, String contentType, String body) {
    }

    private DownstreamServer(HttpServer server, List<Received> received) {
        this.server = server;
        this.received = received;
    }

    public static DownstreamServer start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            List<Received> received = new CopyOnWriteArrayList<>();
            server.createContext("/created", exchange -> {
                received.add(new Received(exchange.getRequestURI().getPath(),
                        exchange.getRequestHeaders().getFirst("Content-Type"),
                        new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
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
            // An orders service for the README's circuit-breaker recipe: {"reply": …} for the message it is sent,
            // HTTP 500 when the message's text says "fail".
            server.createContext("/orders", exchange -> {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                received.add(new Received(exchange.getRequestURI().getPath(),
                        exchange.getRequestHeaders().getFirst("Content-Type"), body));
                String content = io.wxgate.message.Json.MAPPER.readTree(body).path("Content").asText();
                boolean fail = content.contains("fail");
                byte[] answer = (fail ? "{\"error\":\"down\"}"
                        : io.wxgate.message.Json.MAPPER.createObjectNode().put("reply", "shipped: " + content).toString())
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(fail ? 500 : 200, answer.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer);
                }
            });
            server.start();
            return new DownstreamServer(server, received);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public int port() {
        return server.getAddress().getPort();
    }
}
