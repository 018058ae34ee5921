package io.wxgate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.Socket;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.wxgate.testkit.ApiClient;
import io.wxgate.testkit.CallbackDriver.Mode;
import io.wxgate.testkit.GatewayTest;
import io.wxgate.testkit.Samples;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jms.core.JmsTemplate;

/** The enterprise API of SPEC §5 over real HTTP, with WeChat played by the simulator. */
class ApiTest extends GatewayTest {

    private static final String TEMPLATE = "/cgi-bin/message/template/send";

    @Autowired
    JmsTemplate jms;

    private final ApiClient api = new ApiClient(PORT, API_KEY);

    @BeforeEach
    void freshWeChat() {
        resetWeChat();
    }

    private static String template(String user) {
        return "{\"touser\":\"" + user + "\",\"template_id\":\"tmpl-order\",\"data\":{\"keyword1\":{\"value\":\"39.8元\"}}}";
    }

    private JsonNode awaitStatus(String kind, String id, String status) {
        return await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                .until(() -> ApiClient.json(api.get("/api/v1/" + kind + "/" + id)), s -> status.equals(s.get("status").asText()));
    }

    @Test
    void withoutTheRightKeyEveryRequestIs401() {
        assertThat(api.withKey(null).post("/api/v1/template-messages", template("o-1")).statusCode()).isEqualTo(401);
        assertThat(api.withKey("wrong").post("/api/v1/template-messages", template("o-1")).statusCode()).isEqualTo(401);
        assertThat(api.withKey("wrong").get("/api/v1/access-token").statusCode()).isEqualTo(401);
        assertThat(SIMULATOR.calls()).isEmpty();
    }

    @Test
    void theKeyCountsOnlyInTheAuthorizationHeaderNotInTheQueryOrAForm() {
        String key = URLEncoder.encode("Bearer " + API_KEY, StandardCharsets.UTF_8);
        ApiClient keyless = api.withKey(null);

        assertThat(keyless.get("/api/v1/access-token?Authorization=" + key).statusCode()).isEqualTo(401);
        assertThat(keyless.get("/api/v1/access-token?authorization=" + key).statusCode()).isEqualTo(401);
        assertThat(keyless.post("/api/v1/template-messages", "Authorization=" + key,
                "application/x-www-form-urlencoded").statusCode()).isEqualTo(401);
        assertThat(api.get("/api/v1/access-token?Authorization=x").statusCode())
                .as("a query parameter does not hide the header either").isEqualTo(200);
        assertThat(SIMULATOR.calls(TEMPLATE)).isEmpty();
    }

    @Test
    void aJsonBodyLabelledAsAFormIs415AndABadQueryIs400NeverAnHtml500() throws IOException {
        String user = Samples.user();
        // What curl -d sends: the JSON labelled as a form. It used to be parsed as key=value pairs: an HTML 500.
        HttpResponse<String> keyless = api.withKey(null).post("/api/v1/template-messages", template(user),
                "application/x-www-form-urlencoded");
        HttpResponse<String> form = api.post("/api/v1/template-messages", template(user),
                "application/x-www-form-urlencoded");
        String badQuery = raw("GET", "/api/v1/template-messages/x?%zz", API_KEY);

        assertThat(keyless.statusCode()).isEqualTo(401);
        assertThat(ApiClient.json(keyless).has("error")).isTrue();
        assertThat(form.statusCode()).isEqualTo(415);
        assertThat(ApiClient.json(form).get("error").asText()).contains("application/json");
        assertThat(badQuery).startsWith("HTTP/1.1 400 ").contains("application/json").contains("query string")
                .contains("\"field\":\"query\"");
        assertThat(raw("GET", "/api/v1/template-messages/x?%zz", null)).startsWith("HTTP/1.1 401 ");
        assertThat(SIMULATOR.calls(TEMPLATE)).noneMatch(c -> c.body().contains(user));
    }

    @Test
    void withoutAKeyEveryRequestUnderApiIs401WhateverItsPathVerbOrSize() throws IOException {
        for (String request : List.of("GET /api", "GET /api/", "GET /api/v1/nope", "GET /api/v2/x",
                "DELETE /api/v1/template-messages/x", "OPTIONS /api/v1/access-token", "OPTIONS /api/v1/wechat/echo",
                "PUT /api/v1/openapi.json", "GET /API/v1/nope", "OPTIONS /Api/v1/access-token")) {
            String[] verbAndPath = request.split(" ");
            String answer = raw(verbAndPath[0], verbAndPath[1], null);

            assertThat(answer).as(request).startsWith("HTTP/1.1 401 ").contains("application/json")
                    .contains("bearer key");
        }
        String huge = "{\"touser\":\"" + "x".repeat(70 * 1024) + "\"}";
        assertThat(api.withKey(null).post("/api/v1/template-messages", huge).statusCode()).isEqualTo(401);
        assertThat(api.withKey(null).postChunked("/api/v1/template-messages", new byte[10]).statusCode())
                .isEqualTo(401);
        assertThat(raw("GET", "/api/v1/nope", API_KEY)).as("with the key: not found").startsWith("HTTP/1.1 404 ");
    }

    @Test
    void aPathWrittenWithEscapesDotSegmentsOrParametersIs400() throws IOException {
        // The account a path names is read from the path as sent: it must be what the servlet routed by.
        for (String path : List.of("/api/v1/accounts/" + SECOND_APP_ID + "/../access-token",
                "/api/v1/accounts;x=1/" + SECOND_APP_ID + "/access-token", "/api/v1/access%2Dtoken",
                "/api/v1/x/../access-token")) {
            assertThat(raw("GET", path, API_KEY)).as(path).startsWith("HTTP/1.1 400 ").contains("application/json");
        }
        assertThat(raw("GET", "/API/V1/ACCOUNTS/" + SECOND_APP_ID + "/access-token", API_KEY))
                .as("the path's case does not matter, as to the routes").startsWith("HTTP/1.1 200 ")
                .contains(SIMULATOR.currentToken(SECOND_APP_ID));
    }

    /** The whole answer to a request sent as written (java.net.URI refuses a bad %-escape, a client may not). */
    private static String raw(String method, String pathAndQuery, String key) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", PORT)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write((method + " " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + (key == null ? "" : "Authorization: Bearer " + key + "\r\n") + "Connection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void badJsonIs400() {
        HttpResponse<String> answer = api.post("/api/v1/template-messages", "{\"touser\":");

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(ApiClient.json(answer).get("error").asText()).contains("JSON");
        assertThat(ApiClient.json(answer).path("field").asText()).as("the field at fault: the body").isEqualTo("body");
        HttpResponse<String> notAnObject = api.post("/api/v1/template-messages", "[1]");
        assertThat(notAnObject.statusCode()).isEqualTo(400);
        assertThat(ApiClient.json(notAnObject).path("field").asText()).isEqualTo("body");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "template-messages | {\"template_id\":\"t\",\"data\":{}} | touser",
        "template-messages | {\"touser\":\"o\",\"data\":{}} | template_id",
        "template-messages | {\"touser\":\"o\",\"template_id\":\"t\"} | data",
        "template-messages | {\"touser\":\"o\",\"template_id\":\"t\",\"data\":{},\"miniprogram\":{}} | miniprogram.appid",
        "custom-messages | {\"msgtype\":\"text\",\"text\":{\"content\":\"x\"}} | touser",
        "custom-messages | {\"touser\":\"o\",\"text\":{\"content\":\"x\"}} | msgtype",
        "custom-messages | {\"touser\":\"o\",\"msgtype\":\"text\"} | text",
        "subscribe-messages | {\"template_id\":\"t\",\"data\":{}} | touser",
        "subscribe-messages | {\"touser\":\"o\",\"data\":{}} | template_id",
        "subscribe-messages | {\"touser\":\"o\",\"template_id\":\"t\"} | data",
    })
    void aMissingRequiredFieldIs400NamingIt(String kind, String json, String field) {
        HttpResponse<String> answer = api.post("/api/v1/" + kind, json);

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(ApiClient.json(answer).get("field").asText()).isEqualTo(field);
        assertThat(ApiClient.json(answer).get("error").asText()).contains(field);
    }

    @Test
    void aNonJsonContentTypeIs415() {
        assertThat(api.post("/api/v1/template-messages", template("o-1"), "text/plain").statusCode()).isEqualTo(415);
    }

    @Test
    void aBodyOver64KiBIs413AndAChunkedBodyIs411() {
        String user = Samples.user();
        String padded = "{\"touser\":\"" + user + "\",\"template_id\":\"tmpl-order\",\"data\":{},\"url\":\""
                + "x".repeat(70 * 1024) + "\"}";

        HttpResponse<String> declared = api.post("/api/v1/template-messages", padded);
        HttpResponse<String> chunked = api.postChunked("/api/v1/template-messages",
                padded.getBytes(StandardCharsets.UTF_8));

        assertThat(declared.statusCode()).isEqualTo(413);
        assertThat(ApiClient.json(declared).get("error").asText()).contains("larger than");
        assertThat(chunked.statusCode()).as(chunked.body()).isEqualTo(411);
        assertThat(ApiClient.json(chunked).get("error").asText()).contains("Content-Length");
        // The refusal reaches a client that is still sending its body: the connection is not reset under it.
        for (int i = 0; i < 30; i++) {
            assertThat(api.postChunked("/api/v1/template-messages", padded.getBytes(StandardCharsets.UTF_8))
                    .statusCode()).isEqualTo(411);
            assertThat(api.post("/api/v1/template-messages", padded).statusCode()).isEqualTo(413);
        }
        assertThat(SIMULATOR.calls(TEMPLATE)).noneMatch(c -> c.body().contains(user));
        HttpResponse<String> next = api.post("/api/v1/template-messages", template(Samples.user()));
        assertThat(next.statusCode()).as("the port still serves after refusing").isEqualTo(202);
        awaitStatus("template-messages", ApiClient.json(next).get("id").asText(), "sent");
    }

    @Test
    void anUnknownSendIs404() {
        assertThat(api.get("/api/v1/template-messages/nosuchid").statusCode()).isEqualTo(404);
    }

    @Test
    void aTemplateIsQueuedThenSentThenDeliveredWhenWeChatReportsIt() {
        String user = Samples.user();

        HttpResponse<String> accepted = api.post("/api/v1/template-messages", template(user));

        assertThat(accepted.statusCode()).isEqualTo(202);
        String id = ApiClient.json(accepted).get("id").asText();
        assertThat(ApiClient.json(accepted).get("status").asText()).isEqualTo("queued");
        JsonNode sent = awaitStatus("template-messages", id, "sent");
        assertThat(sent.get("msgid").asLong()).isPositive();
        assertThat(sent.get("errcode").asInt()).isZero();
        assertThat(sent.get("attempts").asInt()).isEqualTo(1);

        driver.send(driver.delivery(Mode.SAFE, Samples.templateSendJobFinish(user, sent.get("msgid").asLong(), "success")));

        JsonNode delivered = awaitStatus("template-messages", id, "delivered");
        assertThat(delivered.fieldNames()).toIterable()
                .containsExactlyInAnyOrder("id", "appid", "status", "msgid", "errcode", "errmsg", "attempts");
    }

    @Test
    void aTemplateTheUserBlockedEndsFailedWithWeChatsReason() {
        String user = Samples.user();
        String id = ApiClient.json(api.post("/api/v1/template-messages", template(user))).get("id").asText();
        long msgid = awaitStatus("template-messages", id, "sent").get("msgid").asLong();

        driver.send(driver.delivery(Mode.PLAIN, Samples.templateSendJobFinish(user, msgid, "failed:user block")));

        assertThat(awaitStatus("template-messages", id, "failed").get("errmsg").asText()).isEqualTo("failed:user block");
    }

    @Test
    void aStatusNotYetKnownShowsEveryKeyAsNull() {
        SIMULATOR.delay(TEMPLATE, Duration.ofMillis(800));
        String id = ApiClient.json(api.post("/api/v1/template-messages", template(Samples.user()))).get("id").asText();

        JsonNode status = ApiClient.json(api.get("/api/v1/template-messages/" + id));

        assertThat(status.get("status").asText()).isEqualTo("queued");
        assertThat(status.get("msgid").isNull()).isTrue();
        assertThat(status.get("errcode").isNull()).isTrue();
        assertThat(status.get("errmsg").isNull()).isTrue();
        awaitStatus("template-messages", id, "sent");
        SIMULATOR.delay(TEMPLATE, Duration.ZERO);
    }

    @Test
    void aCustomMessageAndASubscribeMessageAreSentThroughTheirQueues() {
        String user = Samples.user();
        SIMULATOR.userInteracted(user);
        SIMULATOR.grantSubscribe(user, "tmpl-sub", 1);

        String custom = ApiClient.json(api.post("/api/v1/custom-messages",
                "{\"touser\":\"" + user + "\",\"msgtype\":\"text\",\"text\":{\"content\":\"hi\"}}")).get("id").asText();
        String subscribe = ApiClient.json(api.post("/api/v1/subscribe-messages",
                "{\"touser\":\"" + user + "\",\"template_id\":\"tmpl-sub\",\"data\":{\"thing1\":{\"value\":\"x\"}}}"))
                .get("id").asText();

        assertThat(awaitStatus("custom-messages", custom, "sent").get("msgid").isNull()).isTrue();
        awaitStatus("subscribe-messages", subscribe, "sent");
    }

    @Test
    void aSendThatFailedOnAnHttpErrorHasNoErrcodeSinceWeChatGaveNone() {
        String user = Samples.user();
        SIMULATOR.userInteracted(user);
        SIMULATOR.httpErrorNext("/cgi-bin/message/custom/send", 1, 502);

        String id = ApiClient.json(api.post("/api/v1/custom-messages",
                "{\"touser\":\"" + user + "\",\"msgtype\":\"text\",\"text\":{\"content\":\"hi\"}}")).get("id").asText();
        JsonNode failed = awaitStatus("custom-messages", id, "failed");

        // Not -1, which is WeChat's own "system busy": the status keeps null for what is not known (SPEC §5).
        assertThat(failed.get("errcode").isNull()).as(failed.toString()).isTrue();
        assertThat(failed.get("errmsg").asText()).isEqualTo("HTTP 502");
        assertThat(failed.get("attempts").asInt()).isEqualTo(1);
    }

    @Test
    void aMessageOnTheJmsQueueIsSent() {
        String user = Samples.user();

        jms.convertAndSend("wechat.send.template", template(user));

        await().atMost(Duration.ofSeconds(15)).until(() -> SIMULATOR.deliveries("template").stream()
                .anyMatch(d -> user.equals(d.touser()) && d.clientMsgId() != null && d.clientMsgId().startsWith("jms-")));
    }

    @Test
    void theCentralTokenEndpointHandsOutWeChatsCurrentToken() {
        JsonNode token = ApiClient.json(api.get("/api/v1/access-token"));

        assertThat(token.get("access_token").asText()).isEqualTo(SIMULATOR.currentToken());
        assertThat(token.get("expires_in").asInt()).isBetween(7000, 7200);
    }

    @Test
    void aPermanentlyFailedSendIsADeadLetterAndIsSentAfterReplay() {
        SIMULATOR.failNext(TEMPLATE, 1, 40003);
        String user = Samples.user();
        String id = ApiClient.json(api.post("/api/v1/template-messages", template(user))).get("id").asText();
        JsonNode failed = awaitStatus("template-messages", id, "failed");
        assertThat(failed.get("errcode").asInt()).isEqualTo(40003);

        JsonNode deadLetters = ApiClient.json(api.get("/api/v1/dead-letters"));
        assertThat(deadLetters.get("sends").findValuesAsText("id")).contains(id);

        HttpResponse<String> replay = api.post("/api/v1/dead-letters/" + id + "/replay", "");

        assertThat(replay.statusCode()).isEqualTo(202);
        JsonNode sent = awaitStatus("template-messages", id, "sent");
        assertThat(sent.get("attempts").asInt()).isEqualTo(2);
        assertThat(SIMULATOR.deliveries("template")).singleElement().satisfies(d -> assertThat(d.touser()).isEqualTo(user));
        assertThat(ApiClient.json(api.get("/api/v1/dead-letters")).get("sends").findValuesAsText("id")).doesNotContain(id);
    }

    @Test
    void twoConcurrentReplaysQueueTheSendOnce() {
        SIMULATOR.failNext(TEMPLATE, 1, 40003);
        String id = ApiClient.json(api.post("/api/v1/template-messages", template(Samples.user()))).get("id").asText();
        awaitStatus("template-messages", id, "failed");

        var first = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> api.post("/api/v1/dead-letters/" + id + "/replay", "").statusCode());
        var second = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> api.post("/api/v1/dead-letters/" + id + "/replay", "").statusCode());

        assertThat(java.util.List.of(first.join(), second.join())).containsExactlyInAnyOrder(202, 409);
        awaitStatus("template-messages", id, "sent");
        assertThat(SIMULATOR.calls(TEMPLATE)).hasSize(2);
    }

    @Test
    void aFailedInboundMessageIsListedAndReplayedThroughTheApi() {
        String msgId = Samples.newMsgId();
        driver.send(driver.delivery(Mode.PLAIN, Samples.text("o-boom-api", "boom", msgId)));
        String letter = await().atMost(Duration.ofSeconds(10)).until(() -> {
            for (JsonNode l : ApiClient.json(api.get("/api/v1/dead-letters")).get("inbound")) {
                if (l.get("message").asText().contains(msgId)) {
                    return l.get("id").asText();
                }
            }
            return null;
        }, l -> l != null);

        assertThat(api.post("/api/v1/dead-letters/" + letter + "/replay", "").statusCode()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(10)).until(() -> recorder.timesProcessed(msgId) == 2);
    }

    @Test
    void anOperatorAlertIsListedAndClearedByAnOperator() {
        SIMULATOR.failNext(TEMPLATE, 1, 40164);
        String id = ApiClient.json(api.post("/api/v1/template-messages", template(Samples.user()))).get("id").asText();
        awaitStatus("template-messages", id, "failed");
        try {
            JsonNode listed = ApiClient.json(api.get("/api/v1/alerts"));
            assertThat(listed.get("alerts")).singleElement().satisfies(alert -> {
                assertThat(alert.get("errcode").asInt()).isEqualTo(40164);
                assertThat(alert.get("errmsg").asText()).isNotBlank();
                assertThat(alert.get("lastSeen").asText()).matches("\\d{4}-\\d{2}-\\d{2}T.*Z");
            });
            assertThat(api.withKey(null).get("/api/v1/alerts").statusCode()).isEqualTo(401);
            assertThat(api.withKey("wrong").delete("/api/v1/alerts/40164").statusCode()).isEqualTo(401);

            HttpResponse<String> cleared = api.delete("/api/v1/alerts/40164");

            assertThat(cleared.statusCode()).isEqualTo(200);
            assertThat(ApiClient.json(cleared).get("errcode").asInt()).isEqualTo(40164);
            assertThat(ApiClient.json(api.get("/api/v1/alerts")).get("alerts")).isEmpty();
            assertThat(api.delete("/api/v1/alerts/40164").statusCode()).as("cleared already").isEqualTo(404);
            assertThat(api.delete("/api/v1/alerts/not-an-errcode").statusCode()).isEqualTo(404);
        } finally {
            api.delete("/api/v1/alerts/40164");
        }
    }

    @Test
    void replayingSomethingUnknownIs404() {
        assertThat(api.post("/api/v1/dead-letters/unknown-thing/replay", "").statusCode()).isEqualTo(404);
    }
}
