package io.wxgate.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.wxgate.account.Accounts;
import io.wxgate.account.UnknownAccountException;
import io.wxgate.message.Reply;
import io.wxgate.ops.OperatorAlerts;
import io.wxgate.simulator.WeChatApiSimulator.Delivery;
import io.wxgate.testkit.GatewayTest;
import io.wxgate.testkit.Samples;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** SPEC §7: in-JVM sends choose their account with header WeChatAppId; each account has its own token and alerts. */
class AccountSendTest extends GatewayTest {

    private static final String TEMPLATE = "/cgi-bin/message/template/send";

    @Autowired
    ProducerTemplate producer;
    @Autowired
    OperatorAlerts alerts;

    @BeforeEach
    void freshWeChat() {
        resetWeChat();
    }

    private static String template(String user) {
        return "{\"touser\":\"" + user + "\",\"template_id\":\"tmpl-order\",\"data\":{\"k\":{\"value\":\"v\"}}}";
    }

    private void send(String appId, String user) {
        producer.requestBodyAndHeader("direct:wechat-send-template", template(user), Accounts.APP_ID_HEADER, appId,
                String.class);
    }

    private static Delivery deliveryTo(String user) {
        return SIMULATOR.deliveries("template").stream().filter(d -> user.equals(d.touser())).findFirst().orElseThrow();
    }

    @Test
    void eachAccountsSendsGoOutWithItsOwnToken() {
        String toDefault = Samples.user();
        String toSecond = Samples.user();
        String withoutHeader = Samples.user();

        send(APP_ID, toDefault);
        send(SECOND_APP_ID, toSecond);
        producer.requestBody("direct:wechat-send-template", template(withoutHeader), String.class);

        assertThat(deliveryTo(toDefault).appId()).isEqualTo(APP_ID);
        assertThat(deliveryTo(toSecond).appId()).isEqualTo(SECOND_APP_ID);
        assertThat(deliveryTo(withoutHeader).appId()).as("no header: the default account").isEqualTo(APP_ID);
        assertThat(SIMULATOR.tokenFetches(APP_ID)).isEqualTo(1);
        assertThat(SIMULATOR.tokenFetches(SECOND_APP_ID)).isEqualTo(1);
    }

    @Test
    void aTokenRefusedOnOneAccountIsRefreshedForThatAccountOnly() {
        send(APP_ID, Samples.user());
        send(SECOND_APP_ID, Samples.user());
        String defaultToken = SIMULATOR.currentToken(APP_ID);

        SIMULATOR.invalidateToken(SECOND_APP_ID);
        ExecutorService callers = Executors.newFixedThreadPool(20);
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                String appId = i % 2 == 0 ? APP_ID : SECOND_APP_ID;
                sends.add(CompletableFuture.runAsync(() -> send(appId, Samples.user()), callers));
            }
            sends.forEach(CompletableFuture::join);
        } finally {
            callers.shutdown();
        }

        assertThat(SIMULATOR.tokenFetches(SECOND_APP_ID)).as("one refresh for the refused account").isEqualTo(2);
        assertThat(SIMULATOR.tokenFetches(APP_ID)).as("the other account keeps its token").isEqualTo(1);
        assertThat(SIMULATOR.currentToken(APP_ID)).isEqualTo(defaultToken);
        assertThat(SIMULATOR.deliveries("template")).hasSize(22);
    }

    @Test
    void aSendForAnAccountNotConfiguredFailsAndReachesNoOne() {
        Throwable thrown = catchThrowable(() -> send("wxnosuchaccount1", Samples.user()));

        Throwable cause = thrown instanceof CamelExecutionException ? thrown.getCause() : thrown;
        assertThat(cause).isInstanceOf(UnknownAccountException.class).hasMessageContaining("wxnosuchaccount1");
        assertThat(SIMULATOR.calls()).isEmpty();
    }

    @Test
    void anAlertOnOneAccountDoesNotMarkAnother() {
        SIMULATOR.failNext(TEMPLATE, 1, 40164);
        try {
            catchThrowable(() -> send(SECOND_APP_ID, Samples.user()));

            assertThat(alerts.active(SECOND_APP_ID)).extracting(OperatorAlerts.Alert::errcode).containsExactly(40164);
            assertThat(alerts.active(APP_ID)).isEmpty();
            send(APP_ID, Samples.user());
            assertThat(SIMULATOR.deliveries("template")).singleElement()
                    .satisfies(d -> assertThat(d.appId()).isEqualTo(APP_ID));
        } finally {
            alerts.clear(SECOND_APP_ID, 40164);
        }
    }

    @Test
    void aLateReplyIsSentForTheAccountTheMessageCameTo() {
        String user = Samples.user();
        SIMULATOR.userInteracted(user);

        producer.sendBodyAndHeaders("direct:wechat-reply-as-custom", new Reply.Text("late, but here"),
                Map.of("WeChatFromUser", user, Accounts.APP_ID_HEADER, SECOND_APP_ID));

        await().atMost(Duration.ofSeconds(15)).until(() -> SIMULATOR.deliveries("custom").stream()
                .anyMatch(d -> user.equals(d.touser())));
        assertThat(SIMULATOR.deliveries("custom")).singleElement()
                .satisfies(d -> assertThat(d.appId()).isEqualTo(SECOND_APP_ID));
    }

    @Test
    void aChangedAppSecretDropsTheTokenFetchedWithTheOldOne() throws Exception {
        String file = Files.readString(ACCOUNTS_FILE);
        send(SECOND_APP_ID, Samples.user());
        try {
            // WeChat knows the old AppSecret only: a token fetched with the new one is refused (40125).
            Files.writeString(ACCOUNTS_FILE, file.replace(SECOND_SECRET, "a-secret-wechat-does-not-know"));

            Throwable refused = await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                    .until(() -> catchThrowable(() -> send(SECOND_APP_ID, Samples.user())), t -> t != null);

            assertThat(refused.getCause()).isInstanceOf(OperatorAlertException.class);
            assertThat(((OperatorAlertException) refused.getCause()).getErrcode()).isEqualTo(40125);
            assertThat(SIMULATOR.tokenFetches(SECOND_APP_ID)).isEqualTo(1);
            send(APP_ID, Samples.user());
            assertThat(SIMULATOR.tokenFetches(APP_ID)).as("the default account keeps its token").isEqualTo(1);
        } finally {
            Files.writeString(ACCOUNTS_FILE, file);
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                    .until(() -> catchThrowable(() -> send(SECOND_APP_ID, Samples.user())) == null);
            alerts.clear(SECOND_APP_ID, 40125);
        }
    }
}
