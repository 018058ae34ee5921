package io.wxgate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.wxgate.simulator.WeChatApiSimulator;
import io.wxgate.testkit.FreePorts;
import io.wxgate.testkit.ApiClient;
import io.wxgate.testkit.GatewayProcess;
import io.wxgate.testkit.GatewayTest;
import org.junit.jupiter.api.Test;

/**
 * SPEC §4–§5 durability: 300 sends accepted, the gateway killed with SIGKILL midway, restarted on the same data
 * directory — every send reaches WeChat, and none reaches a user twice.
 */
class CrashTest {

    private static final String TEMPLATE = "/cgi-bin/message/template/send";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void sendsAcceptedBeforeAKillAreAllDeliveredExactlyOnceAfterRestart() throws Exception {
        WeChatApiSimulator sim = GatewayTest.SIMULATOR;
        sim.reset();
        // Each call held 0.5 s: 4 consumers deliver 8 a second, so the 300 take ~40 s and the kill lands midway even
        // when accepting them is slow (a busy machine accepted all 300 after the 60 ms this once was had delivered them).
        sim.delay(TEMPLATE, Duration.ofMillis(500));
        Path data = Files.createDirectories(Path.of("target/crash-test", UUID.randomUUID().toString()));
        Path log = data.resolve("gateway.log");
        int port = freePort();
        Map<String, String> settings = GatewayProcess.sendingSettings(data, "crash-key", sim.baseUrl(), 4);
        settings.put("wechat.send.rate-per-second.template", "1000");

        GatewayProcess gateway = GatewayProcess.start(port, settings, log);
        ApiClient api = new ApiClient(port, "crash-key");
        List<String> ids = new ArrayList<>();
        try {
            for (int i = 0; i < 300; i++) {
                var accepted = api.post("/api/v1/template-messages", "{\"touser\":\"o-crash-" + i
                        + "\",\"template_id\":\"tmpl-order\",\"data\":{\"n\":{\"value\":\"" + i + "\"}}}");
                assertThat(accepted.statusCode()).isEqualTo(202);
                ids.add(ApiClient.json(accepted).get("id").asText());
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> sim.deliveries("template").size() >= 20);
        } finally {
            gateway.kill();
        }
        int deliveredBeforeKill = sim.deliveries("template").size();

        GatewayProcess restarted = GatewayProcess.start(port, settings, log);
        try {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                    .until(() -> sim.distinctTemplateDeliveries().size() >= 300);

            Set<String> delivered = sim.distinctTemplateDeliveries();
            assertThat(delivered).hasSize(300);
            assertThat(sim.deliveries("template")).hasSize(300);
            Map<String, Long> callsPerMessage = sim.calls(TEMPLATE).stream()
                    .map(c -> clientMsgId(c.body())).collect(Collectors.groupingBy(m -> m, Collectors.counting()));
            long resent = callsPerMessage.values().stream().filter(n -> n > 1).count();
            for (String id : ids) {
                await().atMost(Duration.ofSeconds(30)).until(() ->
                        "sent".equals(ApiClient.json(api.get("/api/v1/template-messages/" + id)).get("status").asText()));
            }
            System.out.printf("crash test: 300 accepted, %d delivered before SIGKILL, 300 distinct after restart, "
                    + "%d sent twice to WeChat (deduped by client_msg_id), %d template calls in all%n",
                    deliveredBeforeKill, resent, sim.calls(TEMPLATE).size());
            assertThat(deliveredBeforeKill).isLessThan(300);
        } finally {
            restarted.stop();
            sim.reset();
        }
    }

    private static String clientMsgId(String body) {
        try {
            return JSON.readTree(body).path("client_msg_id").asText();
        } catch (IOException e) {
            return "?";
        }
    }

    private static int freePort() {
        return FreePorts.take();
    }
}
