package io.wxgate.connectors;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import io.wxgate.crypto.WeChatCipher;
import io.wxgate.testkit.CallbackDriver;
import io.wxgate.testkit.GatewayProcess;
import io.wxgate.testkit.GatewayTest;
import io.wxgate.testkit.ReadmeRecipes;
import io.wxgate.testkit.Samples;

/**
 * A gateway process for the connector tests, launched as {@code java -cp … io.wxgate.WxGateApplication} like
 * production: the shipped routes, the README's recipes as written, and the test routes of
 * src/test/resources/connector-routes (entry point {@code direct:connector-test}), a DataSource from
 * DATASOURCE_URL, and target/test-lib (camel-nats and its client, on no classpath of this build) as its
 * GATEWAY_LIB_DIR. Everything it names on the shared servers carries this run's id ({@code {{test.run}}}).
 */
final class ConnectorGateway implements AutoCloseable {

    static final Path TEST_LIB = Path.of("target/test-lib");
    /** The recipes' files, named as the README tells an integrator to name them. */
    static final Map<String, String> RECIPES = Map.of(
            "kafka-forward", "kafka-forward.camel.yaml",
            "pg-insert-text", "save-text.camel.yaml",
            "http-circuit-breaker", "order-status.camel.yaml");

    final String run = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    final Path dir = Path.of("target/connector-test", run);
    final Path log = dir.resolve("gateway.log");
    final Path deadLetters = dir.resolve("data/dead-letters/inbound");
    final int port = GatewayProcess.freePort();
    final int managementPort = GatewayProcess.freePort();
    final CallbackDriver driver = new CallbackDriver(URI.create("http://127.0.0.1:" + port + "/wechat/callback"),
            GatewayTest.TOKEN, new WeChatCipher(GatewayTest.AES_KEY, GatewayTest.APP_ID));
    private GatewayProcess process;

    /** Started when this returns: Spring logged "Started WxGateApplication", one message went through the routes. */
    ConnectorGateway start(Map<String, String> environment) {
        Path routes = dir.resolve("routes");
        try {
            Files.createDirectories(routes);
            copyAll(Path.of("routes"), routes);
            copyAll(Path.of(resource("connector-routes")), routes);
            for (Map.Entry<String, String> recipe : RECIPES.entrySet()) {
                Files.writeString(routes.resolve(recipe.getValue()), ReadmeRecipes.block("yaml", recipe.getKey()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> settings = new HashMap<>();
        settings.put("server.port", Integer.toString(managementPort));
        settings.put("gateway.http-host", "127.0.0.1");
        settings.put("gateway.data-dir", dir.resolve("data").toString());
        settings.put("wechat.app-id", GatewayTest.APP_ID);
        settings.put("wechat.app-secret", GatewayTest.APP_SECRET);
        settings.put("wechat.token", GatewayTest.TOKEN);
        settings.put("wechat.api-base-url", GatewayTest.SIMULATOR.baseUrl().toString());
        settings.put("wechat.inbound.endpoint", "direct:connector-test");
        settings.put("camel.main.routes-include-pattern", "file:" + routes + "/*.camel.yaml");
        settings.put("camel.main.routes-reload-enabled", "false");
        settings.put("spring.rabbitmq.addresses", "amqp://guest:guest@127.0.0.1:5672");
        settings.put("camel.component.nats.servers", "127.0.0.1:4222");
        settings.put("test.run", run);
        settings.put("test.closed-port", Integer.toString(GatewayProcess.freePort()));
        Map<String, String> env = new HashMap<>(environment);
        env.put("GATEWAY_LIB_DIR", TEST_LIB.toString());
        // The circuit-breaker recipe needs its service's address to load; a gateway not testing it gets a closed port.
        env.putIfAbsent("ORDERS_URL", "http://127.0.0.1:" + settings.get("test.closed-port") + "/orders");
        process = GatewayProcess.start(port, settings, env, log);
        await().atMost(Duration.ofSeconds(120)).until(() -> log().contains("Started WxGateApplication"));
        // One message through the shipped routes first: a cold JVM on a busy machine can miss the first deadline.
        driver.send(driver.delivery(CallbackDriver.Mode.PLAIN, Samples.text("warm up")));
        return this;
    }

    String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** The inbound dead letters written so far, as text. */
    String deadLetters() throws IOException {
        if (!Files.isDirectory(deadLetters)) {
            return "";
        }
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.list(deadLetters)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                all.append(Files.readString(f)).append('\n');
            }
        }
        return all.toString();
    }

    HttpResponse<String> health() throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/actuator/health")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        if (process != null) {
            process.stop();
        }
    }

    private static void copyAll(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".camel.yaml")).toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }

    private static URI resource(String name) {
        try {
            return ConnectorGateway.class.getClassLoader().getResource(name).toURI();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
