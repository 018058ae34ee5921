package io.wxgate.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.JsonNode;
import io.wxgate.testkit.ApiClient;
import io.wxgate.testkit.CallbackDriver.Mode;
import io.wxgate.testkit.GatewayTest;
import io.wxgate.testkit.Samples;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;

/**
 * SPEC §3: an edit that does not load leaves the previous routes serving, names the file, line and reason in the
 * log and in health (ALERT) until a version of the file loads; {@code /actuator/routes} lists the loaded routes
 * with their source file, the reload's outcome and per-route counts.
 */
class RouteEditSafetyTest extends GatewayTest {

    private static final String HOURS_REPLY = "9:00–18:00";

    @Value("${local.server.port}")
    int managementPort;

    @Test
    void anUnknownComponentLeavesThePreviousRoutesServing() throws Exception {
        assertBadEditKeepsServing(s -> s.replace("- choice:", "- to: nosuch:thing\n        - choice:"),
                "No endpoint could be found for: nosuch://thing", "- to: nosuch:thing");
    }

    @Test
    void aBrokenSimpleExpressionLeavesThePreviousRoutesServing() throws Exception {
        assertBadEditKeepsServing(s -> s.replace("\"${header.WeChatContent} =~ 'hours'", "\"${header.WeChatContent =~ 'hours'"),
                "invalid expression ${header.WeChatContent =~ 'hours'", "${header.WeChatContent =~ 'hours'");
    }

    @Test
    void invalidYamlLeavesThePreviousRoutesServing() throws Exception {
        assertBadEditKeepsServing(s -> s.replace("        - choice:", "        - choice:\n      - [broken"),
                "while parsing", null);
    }

    @Test
    void aRouteRemovedFromItsFileStopsAndTheListingShowsSourcesAndCounts() throws Exception {
        Path extra = ROUTES.resolve("extra-echo.camel.yaml");
        try {
            Files.writeString(extra, """
                    # two routes in one file; the second is removed by the next edit
                    - route:
                        id: extra-one
                        from:
                          uri: direct:extra-one
                          steps:
                            - log: one
                    - route:
                        id: extra-two
                        from:
                          uri: direct:extra-two
                          steps:
                            - log: two
                    """);
            await().atMost(Duration.ofSeconds(20)).until(() -> routeIds().contains("extra-two"));
            driver.send(driver.delivery(Mode.PLAIN, Samples.text("hours")));

            JsonNode listing = routes();
            JsonNode keyword = route(listing, "keyword-reply");
            assertThat(keyword.get("source").asText()).isEqualTo("target/test-routes/keyword-reply.camel.yaml:2");
            assertThat(keyword.get("status").asText()).isEqualTo("Started");
            assertThat(keyword.get("completed").asLong()).isPositive();
            assertThat(route(listing, "wechat-callback").get("source").asText())
                    .isEqualTo("built-in io.wxgate.callback.CallbackRoutes");

            Files.writeString(extra, Files.readString(extra).substring(0, Files.readString(extra).indexOf("- route:\n    id: extra-two")));
            await().atMost(Duration.ofSeconds(20)).until(() -> !routeIds().contains("extra-two"));
            assertThat(routeIds()).contains("extra-one");
            assertThat(routes().get("lastReload").get("file").asText()).isEqualTo("target/test-routes/extra-echo.camel.yaml");
            // a deleted file takes its routes with it
            Files.delete(extra);
            await().atMost(Duration.ofSeconds(20)).until(() -> !routeIds().contains("extra-one"));
        } finally {
            Files.deleteIfExists(extra);
        }
    }

    @Test
    void aCopiedFileCannotTakeOverAnotherFilesRoute() throws Exception {
        Path copy = ROUTES.resolve("keyword-copy.camel.yaml");
        try {
            Files.writeString(copy, Files.readString(ROUTES.resolve("keyword-reply.camel.yaml")).replace(HOURS_REPLY, "copied"));

            JsonNode failing = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                    .until(() -> health().path("components").path("routes").path("details")
                            .path("target/test-routes/keyword-copy.camel.yaml"), d -> !d.isMissingNode());
            assertThat(failing.get("problem").asText()).isEqualTo("target/test-routes/keyword-copy.camel.yaml:3: route id "
                    + "keyword-reply is already used by target/test-routes/keyword-reply.camel.yaml:2; route ids must be unique");
            assertThat(driver.send(driver.delivery(Mode.PLAIN, Samples.text("hours"))).body()).contains(HOURS_REPLY);
            assertThat(route(routes(), "keyword-reply").get("source").asText())
                    .isEqualTo("target/test-routes/keyword-reply.camel.yaml:2");
        } finally {
            Files.deleteIfExists(copy);
        }
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                .until(() -> health().path("components").path("routes").path("status").asText().equals("UP"));
    }

    /** A bad version of keyword-reply.camel.yaml: the old one serves, health says where, a good version clears it. */
    private void assertBadEditKeepsServing(UnaryOperator<String> edit, String reason, String lineHolds) throws Exception {
        Path file = ROUTES.resolve("keyword-reply.camel.yaml");
        String original = Files.readString(file);
        String broken = edit.apply(original);
        assertThat(broken).isNotEqualTo(original);
        try {
            Files.writeString(file, broken);

            JsonNode failing = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                    .until(() -> health().path("components").path("routes"), h -> h.path("status").asText().equals("ALERT"));
            String problem = failing.path("details").path("target/test-routes/keyword-reply.camel.yaml").path("problem").asText();
            assertThat(problem).startsWith("target/test-routes/keyword-reply.camel.yaml:").contains(reason);
            if (lineHolds != null) {
                int line = Integer.parseInt(problem.split(":")[1]);
                assertThat(broken.lines().toList().get(line - 1)).contains(lineHolds);
            }
            assertThat(routes().get("failing")).anySatisfy(f -> assertThat(f.get("problem").asText()).isEqualTo(problem));

            // the previous version still answers, and health is not DOWN
            assertThat(driver.send(driver.delivery(Mode.PLAIN, Samples.text("hours"))).body()).contains(HOURS_REPLY);
            assertThat(management("/actuator/health").statusCode()).isEqualTo(200);
        } finally {
            Files.writeString(file, original);
        }
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                .until(() -> health().path("components").path("routes").path("status").asText().equals("UP"));
        assertThat(driver.send(driver.delivery(Mode.PLAIN, Samples.text("hours"))).body()).contains(HOURS_REPLY);
    }

    private JsonNode health() {
        return ApiClient.json(management("/actuator/health"));
    }

    private JsonNode routes() {
        return ApiClient.json(management("/actuator/routes"));
    }

    private java.util.List<String> routeIds() {
        java.util.List<String> ids = new java.util.ArrayList<>();
        routes().get("routes").forEach(r -> ids.add(r.get("id").asText()));
        return ids;
    }

    private static JsonNode route(JsonNode listing, String id) {
        for (JsonNode r : listing.get("routes")) {
            if (r.get("id").asText().equals(id)) {
                return r;
            }
        }
        throw new AssertionError("no route " + id + " in " + listing);
    }

    private HttpResponse<String> management(String path) {
        return driver.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path)).GET());
    }
}
