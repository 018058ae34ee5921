package io.wxgate.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import io.wxgate.testkit.ApiClient;
import io.wxgate.testkit.CallbackDriver.Mode;
import io.wxgate.testkit.GatewayTest;
import io.wxgate.testkit.Samples;
import jakarta.jms.BytesMessage;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jms.core.JmsTemplate;

/**
 * SPEC §3: a route hands the message on as it is, no marshal step, and the endpoint gets its JSON (WeChat's field
 * names). HTTP is CallbackResilienceTest's; Kafka, RabbitMQ, MQTT and NATS are ConnectorsTest's.
 */
class MessageAsBodyTest extends GatewayTest {

    @Autowired
    JmsTemplate jms;

    @Test
    void toJmsTheMessageGoesAsItsJson() throws Exception {
        String msgId = Samples.newMsgId();
        String user = Samples.user();

        HttpResponse<String> answer = driver.send(driver.delivery(Mode.PLAIN,
                Samples.text(user, "connectors jms", msgId)));

        assertThat(answer.body()).contains("handed on");
        jms.setReceiveTimeout(10_000);
        BytesMessage sent = (BytesMessage) jms.receiveSelected("test.as-is", "WeChatMsgId = '" + msgId + "'");
        assertThat(sent).isNotNull();
        byte[] bytes = new byte[(int) sent.getBodyLength()];
        sent.readBytes(bytes);
        JsonNode json = ApiClient.json(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
        assertThat(json.get("FromUserName").asText()).isEqualTo(user);
        assertThat(json.get("Content").asText()).isEqualTo("connectors jms");
    }

    @Test
    void toAFileTheMessageGoesAsItsJson() {
        String msgId = Samples.newMsgId();

        driver.send(driver.delivery(Mode.PLAIN, Samples.text("o-file", "connectors file", msgId)));

        Path written = Path.of("target/test-as-is", msgId + ".json");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(written));
        JsonNode json = ApiClient.json(readString(written));
        assertThat(json.get("MsgId").asText()).isEqualTo(msgId);
        assertThat(json.get("Content").asText()).isEqualTo("connectors file");
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
