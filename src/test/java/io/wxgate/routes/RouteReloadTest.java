package io.wxgate.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.wxgate.testkit.CallbackDriver.Mode;
import io.wxgate.testkit.GatewayTest;
import io.wxgate.testkit.Samples;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Integrators change a reply by editing YAML; the gateway's Java routes survive the reload (camel-notes §1). */
class RouteReloadTest extends GatewayTest {

    @Autowired
    CamelContext camel;

    @Test
    void editingARouteFileChangesTheReplyAndKeepsTheJavaRoutes() throws Exception {
        Path file = ROUTES.resolve("keyword-reply.camel.yaml");
        String original = Files.readString(file);
        try {
            Files.writeString(file, original.replace("周一至周五 9:00–18:00", "24/7 now"));

            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).until(() ->
                    driver.send(driver.delivery(Mode.PLAIN, Samples.text("hours"))).body().contains("24/7 now"));

            assertThat(camel.getRoute("wechat-callback")).isNotNull();
            assertThat(camel.getRoute("wechat-inbound")).isNotNull();
            assertThat(camel.getRoute("wechat-message")).isNotNull();
        } finally {
            Files.writeString(file, original);
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).until(() ->
                    driver.send(driver.delivery(Mode.PLAIN, Samples.text("hours"))).body().contains("9:00–18:00"));
        }
    }
}
