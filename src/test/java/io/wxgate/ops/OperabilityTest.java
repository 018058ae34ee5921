package io.wxgate.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import io.wxgate.testkit.ApiClient;
import io.wxgate.testkit.CallbackDriver.Mode;
import io.wxgate.testkit.GatewayTest;
import io.wxgate.testkit.Samples;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

/** Health and metrics on the management port tell an operator what the gateway is doing (issue 6). */
class OperabilityTest extends GatewayTest {

    @Value("${local.server.port}")
    int managementPort;
    @Autowired
    OperatorAlerts alerts;

    private HttpResponse<String> management(String path) {
        return driver.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path)).GET());
    }

    @Test
    void healthShowsCamelTheBrokerAndOperatorAlerts() {
        // Camel reports a polling consumer ready after its first poll, about a second after start.
        HttpResponse<String> up = await().atMost(Duration.ofSeconds(15))
                .until(() -> management("/actuator/health"), r -> r.body().startsWith("{\"status\":\"UP\""));
        assertThat(up.statusCode()).isEqualTo(200);
        JsonNode health = ApiClient.json(up);
        assertThat(health.get("components").fieldNames()).toIterable().contains("camelHealth", "jms", "wechatAlerts");

        alerts.raise(APP_ID, 40164, "invalid ip 203.0.113.9, not in whitelist", "template");
        try {
            HttpResponse<String> alerted = management("/actuator/health");

            assertThat(alerted.statusCode()).as("an alert is not DOWN").isEqualTo(200);
            JsonNode body = ApiClient.json(alerted);
            assertThat(body.get("status").asText()).isEqualTo("ALERT");
            assertThat(body.at("/components/wechatAlerts/details/" + APP_ID + ":40164/errmsg").asText())
                    .contains("not in whitelist");
        } finally {
            alerts.clear(APP_ID, 40164);
        }
    }

    @Test
    void prometheusShowsCallbacksDuplicatesLatencyAndQueues() {
        var d = driver.delivery(Mode.PLAIN, Samples.text("o-metrics", "echo", Samples.newMsgId()));
        driver.sendConcurrently(d, 2);

        HttpResponse<String> scrape = management("/actuator/prometheus");

        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.body())
                .contains("wxgate_callbacks_total{app_id=\"" + APP_ID + "\",event=\"none\",msg_type=\"text\"}")
                .contains("wxgate_callback_duplicates_total{app_id=\"" + APP_ID + "\"}")
                .contains("wxgate_callback_answer_latency_seconds")
                .contains("wxgate_callback_answers_total{app_id=\"" + APP_ID + "\",status=\"200\"}")
                .contains("wxgate_queue_depth{queue=\"wechat.send.template\"}")
                .contains("camel_routes_running_routes");
    }

    @Test
    void secretsNeverReachTheMetrics() {
        HttpResponse<String> scrape = management("/actuator/prometheus");

        assertThat(scrape.body()).doesNotContain(APP_SECRET).doesNotContain(AES_KEY).doesNotContain(API_KEY)
                .doesNotContain(TOKEN).doesNotContain(SECOND_SECRET).doesNotContain(SECOND_AES_KEY)
                .doesNotContain(SECOND_API_KEY).doesNotContain(SECOND_TOKEN);
    }
}
