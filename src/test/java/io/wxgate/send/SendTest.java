package io.wxgate.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wxgate.ops.OperatorAlerts;
import io.wxgate.simulator.WeChatApiSimulator;
import io.wxgate.testkit.GatewayTest;
import io.wxgate.testkit.Samples;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Every row of the SPEC §4 errcode table, against the WeChat API simulator over real HTTP. */
class SendTest extends GatewayTest {

    private static final String TEMPLATE = "/cgi-bin/message/template/send";
    private static final String CUSTOM = "/cgi-bin/message/custom/send";
    private static final String STABLE_TOKEN = "/cgi-bin/stable_token";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    ProducerTemplate producer;
    @Autowired
    OperatorAlerts alerts;

    private final WeChatApiSimulator sim = SIMULATOR;

    @BeforeEach
    void freshWeChat() {
        resetWeChat();
    }

    private static String template(String user, String templateId) {
        return "{\"touser\":\"" + user + "\",\"template_id\":\"" + templateId
                + "\",\"data\":{\"keyword1\":{\"value\":\"巧克力\"}}}";
    }

    private JsonNode send(String api, String json) {
        try {
            return JSON.readTree(producer.requestBody("direct:wechat-send-" + api, json, String.class));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static WeChatApiException failureOf(Throwable thrown) {
        Throwable t = thrown instanceof CamelExecutionException ? thrown.getCause() : thrown;
        assertThat(t).isInstanceOf(WeChatApiException.class);
        return (WeChatApiException) t;
    }

    @Test
    void aTemplateSendReturnsWeChatsAnswerAndAlwaysCarriesAClientMsgId() {
        JsonNode answer = send("template", template(Samples.user(), "tmpl-order"));

        assertThat(answer.get("errcode").asInt()).isZero();
        assertThat(answer.get("msgid").asLong()).isPositive();
        assertThat(sim.deliveries("template")).singleElement()
                .satisfies(d -> assertThat(d.clientMsgId()).isNotBlank());
    }

    @Test
    void aHundredConcurrentSendsOnAColdCacheCauseExactlyOneTokenFetch() {
        List<CompletableFuture<JsonNode>> sends = new ArrayList<>();
        ExecutorService callers = Executors.newFixedThreadPool(100);
        try {
            for (int i = 0; i < 100; i++) {
                sends.add(CompletableFuture.supplyAsync(() -> send("template", template(Samples.user(), "tmpl-order")),
                        callers));
            }
            sends.forEach(CompletableFuture::join);
        } finally {
            callers.shutdown();
        }

        assertThat(sim.tokenFetches()).isEqualTo(1);
        assertThat(sim.deliveries("template")).hasSize(100);
    }

    @Test
    void aTokenInvalidatedUnderFiftyConcurrentSendsIsRefreshedOnceAndAllSucceed() {
        send("template", template(Samples.user(), "tmpl-order"));
        int fetchesBefore = sim.tokenFetches();
        sim.invalidateToken();

        ExecutorService callers = Executors.newFixedThreadPool(50);
        List<CompletableFuture<JsonNode>> sends = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                sends.add(CompletableFuture.supplyAsync(() -> send("template", template(Samples.user(), "tmpl-order")),
                        callers));
            }
            sends.forEach(f -> assertThat(f.join().get("errcode").asInt()).isZero());
        } finally {
            callers.shutdown();
        }

        assertThat(sim.tokenFetches() - fetchesBefore).isEqualTo(1);
        assertThat(sim.deliveries("template")).hasSize(51);
    }

    @Test
    void whenANormalFetchReturnsTheRefusedTokenForceRefreshIsUsedOnce() {
        send("template", template(Samples.user(), "tmpl-order"));
        sim.stickyInvalidToken(true);
        sim.invalidateToken();

        JsonNode answer = send("template", template(Samples.user(), "tmpl-order"));

        assertThat(answer.get("errcode").asInt()).isZero();
        assertThat(sim.forceRefreshes()).isEqualTo(1);
    }

    @Test
    void aTokenFetchRefusedWith40013IsNotRetriedAndRaisesAnAlert() {
        sim.failTokenFetches(40013, 5);

        Throwable thrown = catchThrowable(() -> send("template", template(Samples.user(), "tmpl-order")));

        assertThat(failureOf(thrown)).isInstanceOf(OperatorAlertException.class)
                .satisfies(e -> assertThat(e.getErrcode()).isEqualTo(40013));
        assertThat(sim.calls(STABLE_TOKEN)).hasSize(1);
        assertThat(sim.calls(TEMPLATE)).isEmpty();
        assertThat(alerts.active(APP_ID)).extracting(OperatorAlerts.Alert::errcode).containsExactly(40013);
        alerts.clear(APP_ID, 40013);
    }

    @Test
    void systemBusyTwiceThenSuccessIsRetriedWithBackoff() {
        sim.failNext(TEMPLATE, 2, -1);

        JsonNode answer = send("template", template(Samples.user(), "tmpl-order"));

        assertThat(answer.get("errcode").asInt()).isZero();
        assertThat(sim.calls(TEMPLATE)).hasSize(3);
        assertThat(sim.deliveries("template")).hasSize(1);
    }

    @Test
    void busyRetriesDoNotUseUpTheTokenRefresh() {
        send("template", template(Samples.user(), "tmpl-order"));
        sim.failNext(TEMPLATE, 2, -1);
        sim.invalidateToken();

        JsonNode answer = send("template", template(Samples.user(), "tmpl-order"));

        assertThat(answer.get("errcode").asInt()).isZero();
        assertThat(sim.calls(TEMPLATE)).extracting(c -> c.answer().replaceAll(".*\"errcode\":(-?\\d+).*", "$1"))
                .containsExactly("0", "-1", "-1", "40001", "0");
    }

    @Test
    void aCustomMessageAnsweredWithAnHttpErrorIsNotSentAgain() {
        String user = Samples.user();
        sim.userInteracted(user);
        sim.httpErrorNext(CUSTOM, 1, 502);

        Throwable thrown = catchThrowable(() -> send("custom",
                "{\"touser\":\"" + user + "\",\"msgtype\":\"text\",\"text\":{\"content\":\"hi\"}}"));

        assertThat(failureOf(thrown)).isInstanceOf(UnreadableAnswerException.class);
        assertThat(sim.calls(CUSTOM)).hasSize(1);
    }

    @Test
    void anHttp5xxIsRetried() {
        sim.httpErrorNext(TEMPLATE, 1, 502);

        assertThat(send("template", template(Samples.user(), "tmpl-order")).get("errcode").asInt()).isZero();
        assertThat(sim.calls(TEMPLATE)).hasSize(2);
    }

    @Test
    void aConnectionDroppedAfterDeliveryIsRetriedWithTheSameClientMsgIdAndReachesTheUserOnce() throws Exception {
        sim.dropAfterWorkNext(TEMPLATE, 1);

        JsonNode answer = send("template", template(Samples.user(), "tmpl-order"));

        assertThat(answer.get("errcode").asInt()).isZero();
        List<WeChatApiSimulator.Call> calls = sim.calls(TEMPLATE);
        assertThat(calls).hasSize(2);
        assertThat(JSON.readTree(calls.get(0).body()).get("client_msg_id"))
                .isEqualTo(JSON.readTree(calls.get(1).body()).get("client_msg_id"));
        assertThat(sim.deliveries("template")).hasSize(1);
    }

    @Test
    void aCustomMessageWhoseAnswerWasLostIsNotSentAgain() {
        String user = Samples.user();
        sim.userInteracted(user);
        sim.dropAfterWorkNext(CUSTOM, 1);

        Throwable thrown = catchThrowable(() -> send("custom",
                "{\"touser\":\"" + user + "\",\"msgtype\":\"text\",\"text\":{\"content\":\"hi\"}}"));

        assertThat(thrown).isNotNull();
        assertThat(sim.calls(CUSTOM)).hasSize(1);
        assertThat(sim.deliveries("custom")).hasSize(1);
    }

    @Test
    void aUserWhoUnfollowedIsAPermanentFailureAfterOneCall() {
        String user = Samples.user();
        sim.unfollow(user);

        Throwable thrown = catchThrowable(() -> send("template", template(user, "tmpl-order")));

        assertThat(failureOf(thrown)).isInstanceOf(PermanentSendException.class)
                .satisfies(e -> assertThat(e.getErrcode()).isEqualTo(43004));
        assertThat(sim.calls(TEMPLATE)).hasSize(1);
    }

    @Test
    void anInvalidTemplateIdIsSentWithTheConfiguredFallbackTemplate() {
        sim.rejectTemplate("tmpl-retired");

        JsonNode answer = send("template", template(Samples.user(), "tmpl-retired"));

        assertThat(answer.get("errcode").asInt()).isZero();
        assertThat(sim.deliveries("template")).singleElement()
                .satisfies(d -> assertThat(d.templateId()).isEqualTo("tmpl-current"));
    }

    @Test
    void anInvalidTemplateIdWithoutFallbackFails() {
        sim.rejectTemplate("tmpl-orphan");

        Throwable thrown = catchThrowable(() -> send("template", template(Samples.user(), "tmpl-orphan")));

        assertThat(failureOf(thrown)).isInstanceOf(TemplateRejectedException.class)
                .satisfies(e -> assertThat(e.getErrcode()).isEqualTo(40037));
        assertThat(sim.calls(TEMPLATE)).hasSize(1);
    }

    @Test
    void aClosedCustomerServiceWindowFallsBackToTheConfiguredTemplate() {
        String user = Samples.user();

        JsonNode answer = send("custom", "{\"touser\":\"" + user + "\",\"msgtype\":\"text\",\"text\":{\"content\":\"您的订单已发货\"}}");

        assertThat(answer.get("errcode").asInt()).isZero();
        assertThat(sim.deliveries("template")).singleElement().satisfies(d -> {
            assertThat(d.templateId()).isEqualTo("tmpl-notice");
            assertThat(d.touser()).isEqualTo(user);
            assertThat(d.body()).contains("您的订单已发货");
        });
    }

    @Test
    void aClosedWindowForANonTextMessageFails() {
        Throwable thrown = catchThrowable(() -> send("custom",
                "{\"touser\":\"" + Samples.user() + "\",\"msgtype\":\"image\",\"image\":{\"media_id\":\"m1\"}}"));

        assertThat(failureOf(thrown)).isInstanceOf(CustomWindowClosedException.class)
                .satisfies(e -> assertThat(e.getErrcode()).isEqualTo(45015));
    }

    @Test
    void anIpNotWhitelistedFailsAtOnceAndAlertsTheOperator() {
        sim.failNext(TEMPLATE, 1, 40164);

        Throwable thrown = catchThrowable(() -> send("template", template(Samples.user(), "tmpl-order")));

        assertThat(failureOf(thrown)).isInstanceOf(OperatorAlertException.class);
        assertThat(sim.calls(TEMPLATE)).hasSize(1);
        assertThat(alerts.active(APP_ID)).extracting(OperatorAlerts.Alert::errcode).containsExactly(40164);
        alerts.clear(APP_ID, 40164);
    }

    @Test
    void whenTheFirstBaseUrlRefusesConnectionsTheSendGoesThroughTheSecond() {
        RELAY.down();
        try {
            JsonNode answer = send("template", template(Samples.user(), "tmpl-order"));

            assertThat(answer.get("errcode").asInt()).isZero();
            assertThat(sim.deliveries("template")).hasSize(1);
        } finally {
            RELAY.up();
        }
    }

    @Test
    void aSubscribeSendNeedsTheUsersGrant() {
        String user = Samples.user();
        sim.grantSubscribe(user, "tmpl-sub", 1);
        String request = "{\"touser\":\"" + user + "\",\"template_id\":\"tmpl-sub\",\"data\":{\"thing1\":{\"value\":\"ok\"}}}";

        assertThat(send("subscribe", request).get("errcode").asInt()).isZero();
        Throwable second = catchThrowable(() -> send("subscribe", request));

        assertThat(failureOf(second)).isInstanceOf(PermanentSendException.class)
                .satisfies(e -> assertThat(e.getErrcode()).isEqualTo(43101));
    }
}
