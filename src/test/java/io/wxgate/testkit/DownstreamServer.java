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
            // Images for replies by URL: /images/<name>.png is a small PNG of its own per name; a name starting with
            // "slow" is answered after 6 s (past the callback deadline), "page" is an HTML page, "missing" a 404.
            server.createContext("/images/", exchange -> {
                String path = exchange.getRequestURI().getPath();
                received.add(new Received(path, null, ""));
                String name = path.substring("/images/".length());
                if (name.startsWith("slow")) {
                    CallbackDriver.sleep(java.time.Duration.ofSeconds(6));
                }
                boolean page = name.startsWith("page");
                byte[] body = page ? "<html>not an image</html>".getBytes(StandardCharsets.UTF_8) : png(name);
                exchange.getResponseHeaders().add("Content-Type", page ? "text/html" : "image/png");
                if (name.startsWith("missing")) {
                    exchange.sendResponseHeaders(404, -1);
                    exchange.close();
                    return;
                }
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            // Slow answers must not hold the others up: a thread per request, not the server's one.
            server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(task -> {
                Thread thread = new Thread(task, "downstream");
                thread.setDaemon(true);
                return thread;
            }));
            server.start();
            return new DownstreamServer(server, received);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The bytes /images/{name} answers: a PNG signature followed by the name, so each name is an image of its own. */
    public static byte[] png(String name) {
        byte[] signature = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
        byte[] tail = name.getBytes(StandardCharsets.UTF_8);
        byte[] all = java.util.Arrays.copyOf(signature, signature.length + tail.length);
        System.arraycopy(tail, 0, all, signature.length, tail.length);
        return all;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public int port() {
        return server.getAddress().getPort();
    }
}
