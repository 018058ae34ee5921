package io.wxgate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import io.wxgate.account.Accounts;
import io.wxgate.testkit.ApiClient;
import io.wxgate.crypto.WeChatCipher;
import io.wxgate.testkit.CallbackDriver;
import io.wxgate.testkit.CallbackDriver.Mode;
import io.wxgate.testkit.GatewayTest;
import io.wxgate.testkit.Samples;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jms.core.JmsTemplate;

/** SPEC §7 over real HTTP: the API of several accounts, their keys, their statuses and their metrics. */
class AccountApiTest extends GatewayTest {

    private static final String TEMPLATE = "/cgi-bin/message/template/send";
    private static final String SECOND = "/api/v1/accounts/" + SECOND_APP_ID;
    private static final String DEFAULT = "/api/v1/accounts/" + APP_ID;

    @Autowired
    JmsTemplate jms;
    @Autowired
    ProducerTemplate producer;
    @Value("${local.server.port}")
    int managementPort;

    private final ApiClient api = new ApiClient(PORT, API_KEY);
    private final ApiClient second = api.withKey(SECOND_API_KEY);

    @BeforeEach
    void freshWeChat() {
        resetWeChat();
    }

    private static String template(String user) {
        return "{\"touser\":\"" + user + "\",\"template_id\":\"tmpl-order\",\"data\":{\"k\":{\"value\":\"v\"}}}";
    }

    private static String idOf(HttpResponse<String> accepted) {
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        return ApiClient.json(accepted).get("id").asText();
    }

    private JsonNode awaitStatus(String path, String status) {
        return await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                .until(() -> ApiClient.json(api.get(path)), s -> status.equals(s.path("status").asText()));
    }

    @Test
    void anAccountsPathSendsForThatAccountAndItsStatusNamesIt() {
        String user = Samples.user();

        String id = idOf(api.post(SECOND + "/template-messages", template(user)));

        JsonNode sent = awaitStatus(SECOND + "/template-messages/" + id, "sent");
        assertThat(sent.get("appid").asText()).isEqualTo(SECOND_APP_ID);
        assertThat(sent.fieldNames()).toIterable()
                .containsExactlyInAnyOrder("id", "appid", "status", "msgid", "errcode", "errmsg", "attempts");
        assertThat(SIMULATOR.deliveries("template")).singleElement()
                .satisfies(d -> assertThat(d.appId()).isEqualTo(SECOND_APP_ID));
        assertThat(ApiClient.json(api.get("/api/v1/template-messages/" + id)).get("appid").asText())
                .as("the §5 path reads any account's send for GATEWAY_API_KEY").isEqualTo(SECOND_APP_ID);
        assertThat(api.get(DEFAULT + "/template-messages/" + id).statusCode())
                .as("under another account's path").isEqualTo(404);
        assertThat(api.get(SECOND + "/custom-messages/" + id).statusCode()).as("another API").isEqualTo(404);
    }

    @Test
    void theDefaultAccountsPathsAreItsAccountPathsToo() {
        String id = idOf(api.post("/api/v1/template-messages", template(Samples.user())));

        JsonNode sent = awaitStatus(DEFAULT + "/template-messages/" + id, "sent");

        assertThat(sent.get("appid").asText()).isEqualTo(APP_ID);
        assertThat(SIMULATOR.deliveries("template")).singleElement()
                .satisfies(d -> assertThat(d.appId()).isEqualTo(APP_ID));
    }

    @Test
    void anAccountNotConfiguredIs404() {
        assertThat(api.post("/api/v1/accounts/wxnosuchaccount1/template-messages", template("o-1")).statusCode())
                .isEqualTo(404);
        assertThat(api.get("/api/v1/accounts/wxnosuchaccount1/access-token").statusCode()).isEqualTo(404);
        assertThat(api.get("/api/v1/accounts/wxnosuchaccount1/template-messages/x").statusCode()).isEqualTo(404);
        assertThat(SIMULATOR.calls()).isEmpty();
    }

    @Test
    void eachAccountHasItsOwnCentralToken() {
        JsonNode secondToken = ApiClient.json(api.get(SECOND + "/access-token"));
        JsonNode defaultToken = ApiClient.json(api.get("/api/v1/access-token"));

        assertThat(secondToken.get("access_token").asText()).isEqualTo(SIMULATOR.currentToken(SECOND_APP_ID));
        assertThat(defaultToken.get("access_token").asText()).isEqualTo(SIMULATOR.currentToken(APP_ID))
                .isNotEqualTo(secondToken.get("access_token").asText());
        assertThat(ApiClient.json(second.get(SECOND + "/access-token")).get("access_token").asText())
                .isEqualTo(secondToken.get("access_token").asText());
    }

    /** A direct send for {@code appId}; returns WeChat's msgid. */
    private long sendDirectly(String appId) {
        String answer = producer.requestBodyAndHeader("direct:wechat-send-template", template(Samples.user()),
                Accounts.APP_ID_HEADER, appId, String.class);
        return ApiClient.json(answer).get("msgid").asLong();
    }

    /**
     * WeChat numbers msgids per account, so two accounts' sends can get the same one. A report posted to the default
     * account's callback marks only the default account's send.
     */
    @Test
    void aDeliveryReportMarksOnlyTheSendOfTheAccountItWasPostedFor() {
        // Bring both accounts' msgid counters level, so their next sends are numbered alike.
        long nextDefault = sendDirectly(APP_ID) + 1;
        long nextSecond = sendDirectly(SECOND_APP_ID) + 1;
        while (nextDefault < nextSecond) {
            nextDefault = sendDirectly(APP_ID) + 1;
        }
        while (nextSecond < nextDefault) {
            nextSecond = sendDirectly(SECOND_APP_ID) + 1;
        }
        String user = Samples.user();
        String mine = idOf(api.post("/api/v1/template-messages", template(user)));
        String theirs = idOf(api.post(SECOND + "/template-messages", template(user)));
        long msgid = awaitStatus("/api/v1/template-messages/" + mine, "sent").get("msgid").asLong();
        assertThat(awaitStatus("/api/v1/template-messages/" + theirs, "sent").get("msgid").asLong())
                .as("the same msgid on both accounts").isEqualTo(msgid);

        driver.send(driver.delivery(Mode.SAFE, Samples.templateSendJobFinish(user, msgid, "success")));

        awaitStatus("/api/v1/template-messages/" + mine, "delivered");
        assertThat(ApiClient.json(api.get("/api/v1/template-messages/" + theirs)).get("status").asText())
                .isEqualTo("sent");

        // WeChat reports the second account's send to the second account's own callback path.
        secondDriver().send(secondDriver().delivery(Mode.SAFE, Samples.templateSendJobFinish(user, msgid, "failed: system")));
        assertThat(awaitStatus("/api/v1/template-messages/" + theirs, "failed").get("appid").asText())
                .isEqualTo(SECOND_APP_ID);
        assertThat(ApiClient.json(api.get("/api/v1/template-messages/" + mine)).get("status").asText())
                .isEqualTo("delivered");
    }

    @Test
    void anAccountsKeyListsAndReplaysOnlyItsOwnInboundDeadLetters() {
        String ownMsgId = Samples.newMsgId();
        String othersMsgId = Samples.newMsgId();
        secondDriver().send(secondDriver().delivery(Mode.SAFE, Samples.text("o-second", "boom", ownMsgId)));
        driver.send(driver.delivery(Mode.SAFE, Samples.text("o-default", "boom", othersMsgId)));
        JsonNode all = await().atMost(Duration.ofSeconds(10)).until(() -> ApiClient.json(api.get("/api/v1/dead-letters")),
                j -> j.get("inbound").toString().contains(ownMsgId) && j.get("inbound").toString().contains(othersMsgId));

        JsonNode listed = ApiClient.json(second.get("/api/v1/dead-letters"));

        assertThat(listed.get("inbound").toString()).contains(ownMsgId).doesNotContain(othersMsgId);
        assertThat(listed.get("inbound").findValuesAsText("appid")).containsOnly(SECOND_APP_ID);
        String own = letterId(all, ownMsgId);
        String others = letterId(all, othersMsgId);
        assertThat(second.post("/api/v1/dead-letters/" + others + "/replay", "").statusCode()).isEqualTo(404);
        assertThat(second.post("/api/v1/dead-letters/" + own + "/replay", "").statusCode()).isEqualTo(202);
        // Replayed for the account it came to: it fails again (boom), as that account's dead letter.
        await().atMost(Duration.ofSeconds(10)).until(() -> letterIdOrNull(ApiClient.json(second.get("/api/v1/dead-letters")),
                ownMsgId) != null && !own.equals(letterIdOrNull(ApiClient.json(second.get("/api/v1/dead-letters")), ownMsgId)));
    }

    private static String letterId(JsonNode list, String msgId) {
        String id = letterIdOrNull(list, msgId);
        assertThat(id).as("inbound dead letter of " + msgId).isNotNull();
        return id;
    }

    private static String letterIdOrNull(JsonNode list, String msgId) {
        for (JsonNode letter : list.get("inbound")) {
            if (letter.path("message").asText().contains(msgId)) {
                return letter.get("id").asText();
            }
        }
        return null;
    }

    private static CallbackDriver secondDriver() {
        return new CallbackDriver(URI.create("http://127.0.0.1:" + PORT + "/wechat/callback/" + SECOND_APP_ID),
                SECOND_TOKEN, new WeChatCipher(SECOND_AES_KEY, SECOND_APP_ID));
    }

    @Test
    void anAccountsKeyActsOnItsOwnAccountOnly() {
        String own = idOf(second.post(SECOND + "/template-messages", template(Samples.user())));
        String others = idOf(api.post("/api/v1/template-messages", template(Samples.user())));
        awaitStatus("/api/v1/template-messages/" + own, "sent");
        awaitStatus("/api/v1/template-messages/" + others, "sent");

        assertThat(second.get(SECOND + "/template-messages/" + own).statusCode()).isEqualTo(200);
        assertThat(second.get("/api/v1/template-messages/" + own).statusCode()).as("own send, §5 path").isEqualTo(200);
        assertThat(second.get("/api/v1/template-messages/" + others).statusCode()).isEqualTo(404);
        assertThat(second.get(SECOND + "/template-messages/" + others).statusCode()).isEqualTo(404);

        assertThat(second.post("/api/v1/template-messages", template("o-1")).statusCode()).isEqualTo(403);
        assertThat(second.post("/api/v1/custom-messages", "{}").statusCode()).isEqualTo(403);
        assertThat(second.post("/api/v1/template-messages", "touser=o-1", "application/x-www-form-urlencoded")
                .statusCode()).as("refused for the account before its request is looked at").isEqualTo(403);
        assertThat(second.get("/api/v1/access-token").statusCode()).isEqualTo(403);
        assertThat(second.post(DEFAULT + "/template-messages", template("o-1")).statusCode()).isEqualTo(403);
        assertThat(second.get(DEFAULT + "/access-token").statusCode()).isEqualTo(403);
        assertThat(second.get(DEFAULT + "/template-messages/" + others).statusCode()).isEqualTo(403);
        assertThat(second.get(DEFAULT + "/alerts").statusCode()).isEqualTo(403);
        assertThat(second.delete("/api/v1/alerts/40164").statusCode()).isEqualTo(403);
        assertThat(second.get("/api/v1/accounts/wxnosuchaccount1/access-token").statusCode()).isEqualTo(403);
        assertThat(api.withKey(SECOND_API_KEY + "x").get(SECOND + "/access-token").statusCode()).isEqualTo(401);
        assertThat(SIMULATOR.deliveries("template")).hasSize(2);
    }

    @Test
    void anAccountsKeyListsAndReplaysOnlyItsOwnDeadLetters() {
        SIMULATOR.failNext(TEMPLATE, 1, 40003);
        String others = idOf(api.post("/api/v1/template-messages", template(Samples.user())));
        awaitStatus("/api/v1/template-messages/" + others, "failed");
        SIMULATOR.failNext(TEMPLATE, 1, 40003);
        String own = idOf(api.post(SECOND + "/template-messages", template(Samples.user())));
        awaitStatus("/api/v1/template-messages/" + own, "failed");

        JsonNode listed = ApiClient.json(second.get("/api/v1/dead-letters"));
        JsonNode all = ApiClient.json(api.get("/api/v1/dead-letters"));

        assertThat(listed.get("sends").findValuesAsText("id")).contains(own).doesNotContain(others);
        assertThat(listed.get("sends").findValuesAsText("appid")).containsOnly(SECOND_APP_ID);
        assertThat(listed.get("inbound")).isEmpty();
        assertThat(all.get("sends").findValuesAsText("id")).contains(own, others);
        assertThat(second.post("/api/v1/dead-letters/" + others + "/replay", "").statusCode()).isEqualTo(404);
        assertThat(second.post("/api/v1/dead-letters/" + own + "/replay", "").statusCode()).isEqualTo(202);
        assertThat(awaitStatus("/api/v1/template-messages/" + own, "sent").get("appid").asText())
                .isEqualTo(SECOND_APP_ID);
        assertThat(ApiClient.json(api.get("/api/v1/template-messages/" + others)).get("status").asText())
                .isEqualTo("failed");
    }

    @Test
    void alertsAreKeptListedAndClearedPerAccount() {
        SIMULATOR.failNext(TEMPLATE, 1, 40164);
        String own = idOf(api.post(SECOND + "/template-messages", template(Samples.user())));
        awaitStatus("/api/v1/template-messages/" + own, "failed");
        SIMULATOR.failNext(TEMPLATE, 1, 40164);
        String others = idOf(api.post("/api/v1/template-messages", template(Samples.user())));
        awaitStatus("/api/v1/template-messages/" + others, "failed");
        try {
            JsonNode all = ApiClient.json(api.get("/api/v1/alerts")).get("alerts");
            assertThat(all.findValuesAsText("appid")).containsExactlyInAnyOrder(APP_ID, SECOND_APP_ID);
            assertThat(ApiClient.json(second.get("/api/v1/alerts")).get("alerts")).singleElement()
                    .satisfies(alert -> assertThat(alert.get("appid").asText()).isEqualTo(SECOND_APP_ID));
            assertThat(ApiClient.json(api.get(SECOND + "/alerts")).get("alerts").findValuesAsText("appid"))
                    .containsExactly(SECOND_APP_ID);

            HttpResponse<String> cleared = second.delete(SECOND + "/alerts/40164");

            assertThat(cleared.statusCode()).isEqualTo(200);
            assertThat(ApiClient.json(cleared).get("appid").asText()).isEqualTo(SECOND_APP_ID);
            assertThat(ApiClient.json(api.get("/api/v1/alerts")).get("alerts").findValuesAsText("appid"))
                    .as("the default account's alert stays").containsExactly(APP_ID);
            assertThat(api.delete("/api/v1/alerts/40164").statusCode()).isEqualTo(200);
            assertThat(ApiClient.json(api.get("/api/v1/alerts")).get("alerts")).isEmpty();
        } finally {
            api.delete("/api/v1/alerts/40164");
            api.delete(SECOND + "/alerts/40164");
        }
    }

    @Test
    void aJmsSendChoosesItsAccountWithTheWeChatAppIdProperty() {
        String user = Samples.user();

        jms.convertAndSend("wechat.send.template", template(user), m -> {
            m.setStringProperty(Accounts.APP_ID_HEADER, SECOND_APP_ID);
            return m;
        });

        await().atMost(Duration.ofSeconds(15)).until(() -> SIMULATOR.deliveries("template").stream()
                .anyMatch(d -> user.equals(d.touser()) && SECOND_APP_ID.equals(d.appId())));
    }

    @Test
    void aJmsSendForAnAccountNotConfiguredFailsSayingSo() {
        String user = Samples.user();

        jms.convertAndSend("wechat.send.template", template(user), m -> {
            m.setStringProperty(Accounts.APP_ID_HEADER, "wxnosuchaccount1");
            return m;
        });

        JsonNode failed = await().atMost(Duration.ofSeconds(15)).until(() -> {
            for (JsonNode send : ApiClient.json(api.get("/api/v1/dead-letters")).get("sends")) {
                if ("wxnosuchaccount1".equals(send.get("appid").asText())) {
                    return send;
                }
            }
            return null;
        }, s -> s != null);
        assertThat(failed.get("errmsg").asText()).contains("no official account wxnosuchaccount1");
        assertThat(SIMULATOR.calls(TEMPLATE)).isEmpty();
    }

    @Test
    void theMetricsNameTheAccount() throws Exception {
        String id = idOf(api.post(SECOND + "/template-messages", template(Samples.user())));
        awaitStatus("/api/v1/template-messages/" + id, "sent");

        String scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + managementPort + "/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString()).body();

        assertThat(scrape)
                .contains("wxgate_wechat_answers_total{api=\"template\",app_id=\"" + SECOND_APP_ID
                        + "\",errcode=\"0\"}")
                .contains("wxgate_token_fetches_total{app_id=\"" + SECOND_APP_ID + "\",cause=\"expired_or_refused\"}");
    }

    @Test
    void aKeyRemovedFromTheAccountsFileStopsWorking() throws Exception {
        String withKey = Files.readString(ACCOUNTS_FILE);
        assertThat(second.get(SECOND + "/access-token").statusCode()).isEqualTo(200);
        try {
            Files.writeString(ACCOUNTS_FILE, withKey.replaceAll("(?m)^\\s*api-key:.*\\n", ""));

            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                    .until(() -> second.get(SECOND + "/access-token").statusCode() == 401);
            assertThat(api.get(SECOND + "/access-token").statusCode()).as("the account stays").isEqualTo(200);
        } finally {
            Files.writeString(ACCOUNTS_FILE, withKey);
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                    .until(() -> second.get(SECOND + "/access-token").statusCode() == 200);
        }
    }
}
