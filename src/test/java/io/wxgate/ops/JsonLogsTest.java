package io.wxgate.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wxgate.crypto.WeChatCipher;
import io.wxgate.simulator.WeChatApiSimulator;
import io.wxgate.testkit.ApiClient;
import io.wxgate.testkit.CallbackDriver;
import io.wxgate.testkit.CallbackDriver.Mode;
import io.wxgate.testkit.GatewayProcess;
import io.wxgate.testkit.GatewayTest;
import io.wxgate.testkit.Samples;
import org.junit.jupiter.api.Test;

/**
 * JSON logs switched on as the README says, from the environment, in a gateway process of its own (the logging
 * system is set up once per JVM): every line it writes is a JSON object, a callback's lines carry its MsgId as a
 * field, and with the HTTP client's wire log on no secret reaches either the console or the log file.
 */
class JsonLogsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String API_KEY = "json-logs-api-key-4b1d";

    @Test
    void everyLineIsJsonACallbackCarriesItsMsgIdAndNoSecretIsWritten() throws IOException {
        WeChatApiSimulator wechat = GatewayTest.SIMULATOR;
        Path data = Files.createDirectories(Path.of("target/json-logs-test", UUID.randomUUID().toString()));
        Path console = data.resolve("console.log");
        Path file = data.resolve("gateway.log");
        int port = GatewayProcess.freePort();
        Map<String, String> settings = GatewayProcess.sendingSettings(data, API_KEY, wechat.baseUrl(), 128);
        settings.put("wechat.accounts.file", data.resolve("no-accounts.yaml").toString());
        settings.put("logging.file.name", file.toString());
        // The gateway's story, and the HTTP client's request lines and wire: the access_token in every send's URL,
        // the AppSecret in the stable_token request.
        settings.put("logging.level.io.wxgate", "DEBUG");
        settings.put("logging.level.org.apache.hc.client5.http.headers", "DEBUG");
        settings.put("logging.level.org.apache.hc.client5.http.wire", "DEBUG");
        Map<String, String> environment = Map.of("LOGGING_STRUCTURED_FORMAT_CONSOLE", "ecs",
                "LOGGING_STRUCTURED_FORMAT_FILE", "logstash");

        GatewayProcess gateway = GatewayProcess.start(port, settings, environment, console);
        String msgId = Samples.newMsgId();
        String accessToken;
        try {
            CallbackDriver driver = new CallbackDriver(URI.create("http://127.0.0.1:" + port + "/wechat/callback"),
                    GatewayTest.TOKEN, new WeChatCipher(GatewayTest.AES_KEY, GatewayTest.APP_ID));
            assertThat(driver.send(driver.delivery(Mode.SAFE, Samples.text(Samples.user(), "help", msgId)))
                    .statusCode()).isEqualTo(200);
            ApiClient api = new ApiClient(port, API_KEY);
            HttpResponse<String> queued = api.post("/api/v1/template-messages", "{\"touser\":\"" + Samples.user()
                    + "\",\"template_id\":\"tmpl-order\",\"data\":{\"k\":{\"value\":\"v\"}}}");
            assertThat(queued.statusCode()).as(queued.body()).isEqualTo(202);
            String id = ApiClient.json(queued).get("id").asText();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() ->
                    "sent".equals(ApiClient.json(api.get("/api/v1/template-messages/" + id)).path("status").asText()));
            accessToken = wechat.currentToken(GatewayTest.APP_ID);
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(console).contains("Routes done"));
        } finally {
            gateway.stop();
        }

        for (Path log : List.of(console, file)) {
            List<JsonNode> lines = jsonLines(log);
            String written = Files.readString(log);
            assertThat(written).as(log.toString()).doesNotContain(GatewayTest.APP_SECRET)
                    .doesNotContain(GatewayTest.TOKEN).doesNotContain(GatewayTest.AES_KEY).doesNotContain(API_KEY)
                    .doesNotContain(accessToken);
            assertThat(lines).as("%s: the send's request line, masked", log)
                    .anySatisfy(line -> assertThat(line.path("message").asText())
                            .contains("template/send?access_token=*** HTTP/1.1"));
            assertThat(lines).as("%s: the AppSecret sent for the token, masked", log)
                    .anySatisfy(line -> assertThat(line.path("message").asText()).contains("\"secret\":\"***\""));
            assertThat(lines).as("%s: the callback's lines name its MsgId in a field", log)
                    .anySatisfy(line -> {
                        assertThat(line.path(LogContext.MSG_ID).asText()).isEqualTo(msgId);
                        assertThat(line.path("message").asText()).startsWith("Accepted text");
                    });
        }
        assertThat(jsonLines(console)).as("ECS on the console").allSatisfy(line ->
                assertThat(line.has("ecs.version") || line.path("ecs").has("version")).isTrue());
        assertThat(jsonLines(file)).as("Logstash in the file").allSatisfy(line ->
                assertThat(line.has("@version")).isTrue());
    }

    /** Every line of the log as JSON: one that is not fails the test, quoted. */
    private static List<JsonNode> jsonLines(Path log) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        List<String> notJson = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            try {
                JsonNode json = JSON.readTree(line);
                if (json == null || !json.isObject()) {
                    notJson.add(line);
                } else {
                    lines.add(json);
                }
            } catch (IOException e) {
                notJson.add(line);
            }
        }
        assertThat(notJson).as("lines of %s that are not JSON objects", log).isEmpty();
        assertThat(lines).as("%s has lines", log).isNotEmpty();
        return lines;
    }
}
