package io.wxgate.simulator;

import static io.wxgate.simulator.WeChatApiSimulator.CUSTOM_SEND;
import static io.wxgate.simulator.WeChatApiSimulator.STABLE_TOKEN;
import static io.wxgate.simulator.WeChatApiSimulator.SUBSCRIBE_SEND;
import static io.wxgate.simulator.WeChatApiSimulator.TEMPLATE_SEND;
import static io.wxgate.simulator.WeChatApiSimulator.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.wxgate.simulator.WeChatApiSimulator.Call;
import io.wxgate.simulator.WeChatApiSimulator.Delivery;

class WeChatApiSimulatorTest {

    private static final String APP_ID = "wxsimulator000001";
    private static final String SECRET = "simulator-secret-0123456789abcdef";
    private static final String OPENID = "oSimUser0000000000000000001";
    private static final String TEMPLATE_ID = "ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY";
    private static final String RID = ".* rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TestClock clock = new TestClock(Instant.parse("2025-03-03T02:00:00Z"));
    private WeChatApiSimulator sim;

    @BeforeEach
    void startSimulator() {
        sim = WeChatApiSimulator.start(APP_ID, SECRET, clock);
    }

    @AfterEach
    void stopSimulator() {
        sim.close();
    }

    // ---- /cgi-bin/token

    @Test
    void classicTokenRefusesBadCredentials() throws Exception {
        assertErrcode(get(TOKEN + "?grant_type=client_credential&appid=wxother&secret=" + SECRET), 40013);
        assertErrcode(get(TOKEN + "?grant_type=client_credential&appid=" + APP_ID + "&secret=wrong"), 40125);
        assertErrcode(get(TOKEN + "?grant_type=password&appid=" + APP_ID + "&secret=" + SECRET), 40002);
        assertThat(sim.tokenFetches()).isZero();
        assertThat(sim.currentToken()).isNull();
    }

    @Test
    void classicTokenIssuesANewTokenOnEveryCallAndKeepsThePreviousGoodForFiveMinutes() throws Exception {
        JsonNode first = classicToken();
        clock.advance(Duration.ofMinutes(1));
        JsonNode second = classicToken();

        String t1 = first.get("access_token").asText();
        String t2 = second.get("access_token").asText();
        assertThat(t1).hasSizeGreaterThanOrEqualTo(64).isNotEqualTo(t2);
        assertThat(second.get("expires_in").asInt()).isEqualTo(7200);
        assertThat(sim.currentToken()).isEqualTo(t2);
        assertThat(sim.tokenFetches()).isEqualTo(2);

        clock.advance(Duration.ofSeconds(299));
        assertErrcode(template(t1, OPENID, null), 0);
        clock.advance(Duration.ofSeconds(1));
        assertErrcode(template(t1, OPENID, null), 40001);
        assertErrcode(template(t2, OPENID, null), 0);
    }

    @Test
    void tokensAnswer42001OnceTheirExpiresInHasPassed() throws Exception {
        sim.tokenExpiresIn(600);
        JsonNode grant = classicToken();
        assertThat(grant.get("expires_in").asInt()).isEqualTo(600);

        clock.advance(Duration.ofSeconds(599));
        assertErrcode(template(grant.get("access_token").asText(), OPENID, null), 0);
        clock.advance(Duration.ofSeconds(1));
        assertErrcode(template(grant.get("access_token").asText(), OPENID, null), 42001);
    }

    // ---- several official accounts (SPEC §7)

    @Test
    void eachAccountFetchesItsOwnTokensWithItsOwnSecret() throws Exception {
        sim.addAccount("wxsimulator000002", "second-secret");

        JsonNode first = stableToken(false);
        JsonNode second = post(STABLE_TOKEN, stableBody("wxsimulator000002", "second-secret", false));
        assertErrcode(post(STABLE_TOKEN, stableBody("wxsimulator000002", SECRET, false)), 40125);

        assertThat(second.get("access_token").asText()).isNotEqualTo(first.get("access_token").asText());
        assertThat(sim.currentToken("wxsimulator000002")).isEqualTo(second.get("access_token").asText());
        assertThat(sim.tokenFetches("wxsimulator000002")).isEqualTo(1);
        assertThat(sim.tokenFetches(APP_ID)).isEqualTo(1);
    }

    @Test
    void aSendIsTheAccountsWhoseTokenItCarriesAndMsgidsAreNumberedPerAccount() throws Exception {
        sim.addAccount("wxsimulator000002", "second-secret");
        String firstToken = stableToken(false).get("access_token").asText();
        String secondToken = post(STABLE_TOKEN, stableBody("wxsimulator000002", "second-secret", false))
                .get("access_token").asText();

        long firstMsgid = template(firstToken, OPENID, "same-id").get("msgid").asLong();
        long secondMsgid = template(secondToken, OPENID, "same-id").get("msgid").asLong();

        // WeChat's MsgID is unique per account only: the gateway must match delivery reports per account.
        assertThat(secondMsgid).isEqualTo(firstMsgid);
        assertThat(sim.deliveries()).extracting(Delivery::appId).containsExactly(APP_ID, "wxsimulator000002");
    }

    @Test
    void invalidatingOneAccountsTokenLeavesTheOthersGood() throws Exception {
        sim.addAccount("wxsimulator000002", "second-secret");
        String firstToken = stableToken(false).get("access_token").asText();
        String secondToken = post(STABLE_TOKEN, stableBody("wxsimulator000002", "second-secret", false))
                .get("access_token").asText();

        sim.invalidateToken("wxsimulator000002");

        assertErrcode(template(secondToken, OPENID, null), 40001);
        assertErrcode(template(firstToken, OPENID, null), 0);
    }

    // ---- /cgi-bin/stable_token

    @Test
    void stableTokenInNormalModeHandsOutTheSameTokenWhileItIsGood() throws Exception {
        JsonNode first = stableToken(false);
        clock.advance(Duration.ofMinutes(10));
        JsonNode second = stableToken(false);

        assertThat(second.get("access_token").asText()).isEqualTo(first.get("access_token").asText())
                .hasSizeGreaterThanOrEqualTo(64);
        assertThat(second.get("expires_in").asInt()).isEqualTo(7200 - 600);
        assertThat(sim.tokenFetches()).isEqualTo(2);
        assertThat(sim.forceRefreshes()).isZero();
    }

    @Test
    void stableTokenRenewsFiveMinutesBeforeExpiryAndTheOldTokenLivesOutItsLife() throws Exception {
        String t1 = stableToken(false).get("access_token").asText();
        clock.advance(Duration.ofSeconds(7200 - 301));
        assertThat(stableToken(false).get("access_token").asText()).isEqualTo(t1);

        clock.advance(Duration.ofSeconds(2));
        JsonNode renewed = stableToken(false);
        String t2 = renewed.get("access_token").asText();

        assertThat(t2).isNotEqualTo(t1);
        assertThat(renewed.get("expires_in").asInt()).isEqualTo(7200);
        assertErrcode(template(t1, OPENID, null), 0);
        clock.advance(Duration.ofSeconds(299));
        assertErrcode(template(t1, OPENID, null), 42001);
        assertErrcode(template(t2, OPENID, null), 0);
    }

    @Test
    void stableTokenRefusesBadCredentialsAndFormBodies() throws Exception {
        assertErrcode(post(STABLE_TOKEN, stableBody(APP_ID, "wrong", false)), 40125);
        assertErrcode(post(STABLE_TOKEN, stableBody("wxother", SECRET, false)), 40013);
        assertErrcode(post(STABLE_TOKEN,
                "grant_type=client_credential&appid=" + APP_ID + "&secret=" + SECRET), 41002);
        assertThat(sim.tokenFetches()).isZero();
    }

    @Test
    void forceRefreshIssuesANewTokenAndKillsThePreviousAtOnce() throws Exception {
        String t1 = stableToken(false).get("access_token").asText();
        String t2 = stableToken(true).get("access_token").asText();

        assertThat(t2).isNotEqualTo(t1);
        assertErrcode(template(t1, OPENID, null), 40001);
        assertErrcode(template(t2, OPENID, null), 0);
        assertThat(sim.forceRefreshes()).isEqualTo(1);
        assertThat(sim.tokenFetches()).isEqualTo(2);
    }

    @Test
    void forceRefreshWithinThirtySecondsOfTheLastDoesNotRefresh() throws Exception {
        String t1 = stableToken(true).get("access_token").asText();
        clock.advance(Duration.ofSeconds(29));
        assertThat(stableToken(true).get("access_token").asText()).isEqualTo(t1);
        assertThat(sim.forceRefreshes()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(1));
        assertThat(stableToken(true).get("access_token").asText()).isNotEqualTo(t1);
        assertThat(sim.forceRefreshes()).isEqualTo(2);
    }

    @Test
    void forceRefreshStopsAfterTwentyADayAndComesBackTheNextDay() throws Exception {
        for (int i = 0; i < 20; i++) {
            stableToken(true);
            clock.advance(Duration.ofSeconds(30));
        }
        String twentieth = sim.currentToken();

        assertThat(stableToken(true).get("access_token").asText()).isEqualTo(twentieth);
        assertThat(sim.forceRefreshes()).isEqualTo(20);

        clock.advance(Duration.ofDays(1));
        assertThat(stableToken(true).get("access_token").asText()).isNotEqualTo(twentieth);
        assertThat(sim.forceRefreshes()).isEqualTo(21);
    }

    // ---- token state controls

    @Test
    void invalidateTokenMakesTheCurrentTokenAnswer40001UntilTheNextFetch() throws Exception {
        String t1 = stableToken(false).get("access_token").asText();
        sim.invalidateToken();

        JsonNode refused = template(t1, OPENID, null);
        assertErrcode(refused, 40001);
        assertThat(refused.get("errmsg").asText()).contains("not latest");

        String t2 = stableToken(false).get("access_token").asText();
        assertThat(t2).isNotEqualTo(t1);
        assertThat(sim.currentToken()).isEqualTo(t2);
        assertErrcode(template(t2, OPENID, null), 0);
    }

    @Test
    void expireTokenMakesTheCurrentTokenAnswer42001UntilTheNextFetch() throws Exception {
        String t1 = stableToken(false).get("access_token").asText();
        sim.expireToken();

        assertErrcode(template(t1, OPENID, null), 42001);
        String t2 = stableToken(false).get("access_token").asText();
        assertThat(t2).isNotEqualTo(t1);
        assertErrcode(template(t2, OPENID, null), 0);
    }

    @Test
    void stickyInvalidTokenKeepsNormalFetchesOnTheFailingTokenUntilAForcedRefresh() throws Exception {
        sim.stickyInvalidToken(true);
        String t1 = stableToken(false).get("access_token").asText();
        sim.invalidateToken();

        assertThat(stableToken(false).get("access_token").asText()).isEqualTo(t1);
        assertErrcode(template(t1, OPENID, null), 40001);

        String t2 = stableToken(true).get("access_token").asText();
        assertThat(t2).isNotEqualTo(t1);
        assertErrcode(template(t2, OPENID, null), 0);
        assertThat(sim.forceRefreshes()).isEqualTo(1);
    }

    @Test
    void failTokenFetchesFailsTheNextFetchesOfEitherEndpoint() throws Exception {
        sim.failTokenFetches(40164, 2);

        JsonNode classic = get(TOKEN + "?grant_type=client_credential&appid=" + APP_ID + "&secret=" + SECRET);
        assertErrcode(classic, 40164);
        assertThat(classic.get("errmsg").asText()).contains("whitelist");
        assertErrcode(post(STABLE_TOKEN, stableBody(APP_ID, SECRET, false)), 40164);
        assertThat(stableToken(false).has("access_token")).isTrue();
        assertThat(sim.tokenFetches()).isEqualTo(1);
    }

    @Test
    void invalidatingBeforeAnyTokenWasIssuedIsATestMistake() {
        assertThatThrownBy(() -> sim.invalidateToken()).isInstanceOf(IllegalStateException.class);
    }

    // ---- send APIs

    @Test
    void sendsWithoutAGoodTokenAnswer41001Or40001() throws Exception {
        for (String path : List.of(TEMPLATE_SEND, CUSTOM_SEND, SUBSCRIBE_SEND)) {
            assertErrcode(post(path, templateBody(OPENID, null)), 41001);
            assertErrcode(post(path + "?access_token=made-up", templateBody(OPENID, null)), 40001);
        }
        assertThat(sim.deliveries()).isEmpty();
    }

    @Test
    void templateSendDeliversAndAnswersIncreasingMsgids() throws Exception {
        String token = stableToken(false).get("access_token").asText();

        JsonNode first = template(token, OPENID, "order-1");
        JsonNode second = template(token, "oSimUser0000000000000000002", null);

        assertErrcode(first, 0);
        assertThat(first.get("errmsg").asText()).isEqualTo("ok");
        assertThat(second.get("msgid").asLong()).isGreaterThan(first.get("msgid").asLong());
        Delivery delivery = sim.deliveries("template").get(0);
        assertThat(delivery.touser()).isEqualTo(OPENID);
        assertThat(delivery.templateId()).isEqualTo(TEMPLATE_ID);
        assertThat(delivery.clientMsgId()).isEqualTo("order-1");
        assertThat(delivery.msgid()).isEqualTo(first.get("msgid").asLong());
        assertThat(delivery.body()).isEqualTo(templateBody(OPENID, "order-1"));
        assertThat(sim.deliveries()).hasSize(2);
    }

    @Test
    void templateSendRefusesAMissingOpenidTemplateIdOrData() throws Exception {
        String path = TEMPLATE_SEND + "?access_token=" + stableToken(false).get("access_token").asText();

        assertErrcode(post(path, "{\"touser\":\" \",\"template_id\":\"t\",\"data\":{}}"), 40003);
        assertErrcode(post(path, "{\"touser\":\"" + OPENID + "\",\"data\":{}}"), 40037);
        JsonNode notAnObject = post(path, "{\"touser\":\"" + OPENID + "\",\"template_id\":\"t\",\"data\":\"x\"}");
        assertErrcode(notAnObject, 47003);
        assertThat(notAnObject.get("errmsg").asText()).startsWith("argument invalid! data");
        JsonNode noValue = post(path,
                "{\"touser\":\"" + OPENID + "\",\"template_id\":\"t\",\"data\":{\"keyword1\":{\"color\":\"#000\"}}}");
        assertErrcode(noValue, 47003);
        assertThat(noValue.get("errmsg").asText()).contains("data.keyword1");
        assertErrcode(post(path, "{not json"), 47001);
        assertThat(sim.deliveries()).isEmpty();
    }

    @Test
    void templateSendWithARejectedTemplateAnswers40037() throws Exception {
        String token = stableToken(false).get("access_token").asText();
        sim.rejectTemplate(TEMPLATE_ID);

        assertErrcode(template(token, OPENID, null), 40037);
        assertThat(sim.deliveries()).isEmpty();
    }

    @Test
    void sendsToAUserWhoUnfollowedAnswer43004() throws Exception {
        String token = stableToken(false).get("access_token").asText();
        sim.userInteracted(OPENID);
        sim.unfollow(OPENID);

        assertErrcode(template(token, OPENID, null), 43004);
        assertErrcode(custom(token, OPENID), 43004);
        assertThat(sim.deliveries()).isEmpty();
    }

    @Test
    void templateSendRepeatingAClientMsgIdWithinTenMinutesGetsTheSameMsgidAndNoSecondDelivery() throws Exception {
        String token = stableToken(false).get("access_token").asText();
        long msgid = template(token, OPENID, "order-7").get("msgid").asLong();

        clock.advance(Duration.ofMinutes(9));
        assertThat(template(token, OPENID, "order-7").get("msgid").asLong()).isEqualTo(msgid);
        assertThat(sim.deliveries()).hasSize(1);

        assertThat(template(token, "oSimUser0000000000000000002", "order-7").get("msgid").asLong())
                .isNotEqualTo(msgid);
        clock.advance(Duration.ofMinutes(1));
        assertThat(template(token, OPENID, "order-7").get("msgid").asLong()).isNotEqualTo(msgid);
        assertThat(sim.deliveries()).hasSize(3);
    }

    @Test
    void customSendNeedsAnOpenWindowAndStopsAtTheLimit() throws Exception {
        String token = stableToken(false).get("access_token").asText();
        sim.customMessageLimit(2);

        JsonNode outside = custom(token, OPENID);
        assertErrcode(outside, 45015);
        assertThat(outside.get("errmsg").asText()).startsWith("response out of time limit");

        sim.userInteracted(OPENID);
        assertErrcode(custom(token, OPENID), 0);
        assertErrcode(custom(token, OPENID), 0);
        JsonNode overLimit = custom(token, OPENID);
        assertErrcode(overLimit, 45047);
        assertThat(overLimit.get("errmsg").asText()).startsWith("out of response count limit");
        assertThat(sim.deliveries("custom")).hasSize(2);

        sim.userInteracted(OPENID);
        assertErrcode(custom(token, OPENID), 0);
        clock.advance(Duration.ofHours(48));
        assertErrcode(custom(stableToken(false).get("access_token").asText(), OPENID), 45015);
    }

    @Test
    void customSendWithoutMsgtypeAnswers40008() throws Exception {
        String token = stableToken(false).get("access_token").asText();
        sim.userInteracted(OPENID);

        assertErrcode(post(CUSTOM_SEND + "?access_token=" + token,
                "{\"touser\":\"" + OPENID + "\",\"text\":{\"content\":\"hi\"}}"), 40008);
        assertThat(sim.deliveries()).isEmpty();
    }

    @Test
    void bizsendUsesUpOneGrantPerSend() throws Exception {
        String path = SUBSCRIBE_SEND + "?access_token=" + stableToken(false).get("access_token").asText();
        String body = "{\"touser\":\"" + OPENID + "\",\"template_id\":\"" + TEMPLATE_ID
                + "\",\"data\":{\"thing1\":{\"value\":\"parcel\"}}}";
        assertErrcode(post(path, body), 43101);

        sim.grantSubscribe(OPENID, TEMPLATE_ID, 2);
        assertErrcode(post(path, body), 0);
        assertErrcode(post(path, body), 0);
        JsonNode used = post(path, body);

        assertErrcode(used, 43101);
        assertThat(used.get("errmsg").asText()).startsWith("user refuse to accept the msg");
        assertThat(sim.deliveries("subscribe")).extracting(Delivery::templateId).containsExactly(TEMPLATE_ID, TEMPLATE_ID);
    }

    @Test
    void unknownPathsAnswer404() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/cgi-bin/no/such/api")).GET());

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=UTF-8");
    }

    // ---- scripted faults

    @Test
    void failNextAnswersTheErrcodeWithoutDoingTheWorkAndIsUsedUpAfterCount() throws Exception {
        String token = stableToken(false).get("access_token").asText();
        sim.failNext(TEMPLATE_SEND, 2, -1);

        assertErrcode(template(token, OPENID, null), -1);
        assertErrcode(template(token, OPENID, null), -1);
        assertThat(sim.deliveries()).isEmpty();
        assertErrcode(template(token, OPENID, null), 0);
        assertThat(sim.deliveries()).hasSize(1);
    }

    @Test
    void httpErrorNextAnswersTheStatusWithoutAnErrcodeOrDelivery() throws Exception {
        String token = stableToken(false).get("access_token").asText();
        sim.httpErrorNext(TEMPLATE_SEND, 1, 502);

        HttpResponse<String> response = send(HttpRequest.newBuilder(uri(TEMPLATE_SEND + "?access_token=" + token))
                .POST(HttpRequest.BodyPublishers.ofString(templateBody(OPENID, null))));

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(JSON.readTree(response.body()).has("errcode")).isFalse();
        assertThat(sim.deliveries()).isEmpty();
        assertErrcode(template(token, OPENID, null), 0);
    }

    @Test
    void dropBeforeWorkReachesTheClientAsAnIOExceptionAndDeliversNothing() throws Exception {
        String token = stableToken(false).get("access_token").asText();
        sim.dropBeforeWorkNext(TEMPLATE_SEND, 2);

        assertThatThrownBy(() -> template(token, OPENID, "order-1")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> template(token, OPENID, "order-1")).isInstanceOf(IOException.class);

        assertThat(sim.deliveries()).isEmpty();
        assertThat(sim.calls(TEMPLATE_SEND)).extracting(Call::status).containsExactly(-1, -1);
        assertThat(sim.calls(TEMPLATE_SEND)).extracting(Call::answer).containsOnlyNulls();
        assertErrcode(template(token, OPENID, "order-1"), 0);
    }

    @Test
    void dropAfterWorkDeliversThenReachesTheClientAsAnIOException() throws Exception {
        String token = stableToken(false).get("access_token").asText();
        sim.dropAfterWorkNext(TEMPLATE_SEND, 1);

        assertThatThrownBy(() -> template(token, OPENID, "order-9")).isInstanceOf(IOException.class);

        assertThat(sim.deliveries()).hasSize(1);
        long delivered = sim.deliveries().get(0).msgid();
        Call dropped = sim.calls(TEMPLATE_SEND).get(0);
        assertThat(dropped.status()).isEqualTo(-1);
        assertThat(JSON.readTree(dropped.answer()).get("msgid").asLong()).isEqualTo(delivered);
        assertThat(template(token, OPENID, "order-9").get("msgid").asLong()).isEqualTo(delivered);
        assertThat(sim.deliveries()).hasSize(1);
    }

    @Test
    void faultsOnAPathAreUsedInTheOrderGivenAndLeaveOtherPathsAlone() throws Exception {
        String token = stableToken(false).get("access_token").asText();
        sim.failNext(TEMPLATE_SEND, 1, 45011);
        sim.dropBeforeWorkNext(TEMPLATE_SEND, 1);
        sim.httpErrorNext(TEMPLATE_SEND, 1, 503);
        sim.userInteracted(OPENID);

        assertErrcode(custom(token, OPENID), 0);
        assertErrcode(template(token, OPENID, null), 45011);
        assertThatThrownBy(() -> template(token, OPENID, null)).isInstanceOf(IOException.class);
        assertThat(send(HttpRequest.newBuilder(uri(TEMPLATE_SEND + "?access_token=" + token))
                .POST(HttpRequest.BodyPublishers.ofString(templateBody(OPENID, null)))).statusCode()).isEqualTo(503);
        assertErrcode(template(token, OPENID, null), 0);
        assertThat(sim.calls(TEMPLATE_SEND)).extracting(Call::status).containsExactly(200, -1, 503, 200);
    }

    @Test
    void delayHoldsEveryCallOnThatPathAndTheWorkStillHappensAfterTheClientGaveUp() throws Exception {
        String token = stableToken(false).get("access_token").asText();
        sim.delay(TEMPLATE_SEND, Duration.ofMillis(400));

        HttpRequest impatient = HttpRequest.newBuilder(uri(TEMPLATE_SEND + "?access_token=" + token))
                .timeout(Duration.ofMillis(100))
                .POST(HttpRequest.BodyPublishers.ofString(templateBody(OPENID, "late-1"))).build();
        assertThatThrownBy(() -> HTTP.send(impatient, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(HttpTimeoutException.class);
        await().atMost(Duration.ofSeconds(2)).until(() -> sim.deliveries().size() == 1);

        long started = System.nanoTime();
        assertErrcode(template(token, OPENID, null), 0);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(400));

        sim.delay(TEMPLATE_SEND, Duration.ofSeconds(5));
        sim.delay(TEMPLATE_SEND, Duration.ZERO);
        HttpResponse<String> prompt = HTTP.send(HttpRequest.newBuilder(uri(TEMPLATE_SEND + "?access_token=" + token))
                .timeout(Duration.ofSeconds(2))
                .POST(HttpRequest.BodyPublishers.ofString(templateBody(OPENID, null))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(prompt.statusCode()).isEqualTo(200);
    }

    // ---- records, reset, concurrency

    @Test
    void callsRecordWhatWasAskedAndWhatWasAnswered() throws Exception {
        String token = stableToken(false).get("access_token").asText();
        clock.advance(Duration.ofSeconds(5));
        JsonNode answer = template(token, OPENID, "order-1");

        Call call = sim.calls(TEMPLATE_SEND).get(0);
        assertThat(call.method()).isEqualTo("POST");
        assertThat(call.query()).containsEntry("access_token", token);
        assertThat(call.body()).isEqualTo(templateBody(OPENID, "order-1"));
        assertThat(call.at()).isEqualTo(clock.instant());
        assertThat(call.status()).isEqualTo(200);
        assertThat(JSON.readTree(call.answer())).isEqualTo(answer);
        assertThat(sim.calls()).extracting(Call::path).containsExactly(STABLE_TOKEN, TEMPLATE_SEND);
    }

    @Test
    void resetForgetsTokensFaultsRecordsUsersAndGrants() throws Exception {
        String token = stableToken(false).get("access_token").asText();
        sim.userInteracted(OPENID);
        sim.grantSubscribe(OPENID, TEMPLATE_ID, 1);
        sim.rejectTemplate(TEMPLATE_ID);
        sim.failNext(CUSTOM_SEND, 1, -1);
        assertErrcode(template(token, OPENID, null), 40037);

        sim.reset();

        assertThat(sim.calls()).isEmpty();
        assertThat(sim.currentToken()).isNull();
        assertThat(sim.tokenFetches()).isZero();
        assertErrcode(template(token, OPENID, null), 40001);
        String fresh = stableToken(false).get("access_token").asText();
        assertErrcode(template(fresh, OPENID, null), 0);
        assertErrcode(custom(fresh, OPENID), 45015);
        assertErrcode(post(SUBSCRIBE_SEND + "?access_token=" + fresh, "{\"touser\":\"" + OPENID
                + "\",\"template_id\":\"" + TEMPLATE_ID + "\",\"data\":{}}"), 43101);
        assertThat(sim.deliveries()).hasSize(1);
    }

    @Test
    void aHundredConcurrentSendsAreAllAnsweredAndDedupedExactly() throws Exception {
        String token = stableToken(false).get("access_token").asText();

        List<CompletableFuture<HttpResponse<String>>> sends = IntStream.range(0, 100)
                .mapToObj(i -> HTTP.sendAsync(HttpRequest.newBuilder(uri(TEMPLATE_SEND + "?access_token=" + token))
                        .POST(HttpRequest.BodyPublishers.ofString(templateBody(OPENID, "burst-" + i % 50))).build(),
                        HttpResponse.BodyHandlers.ofString()))
                .toList();
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get();

        List<Long> msgids = sends.stream().map(CompletableFuture::join).map(r -> readJson(r.body()))
                .map(answer -> answer.get("msgid").asLong()).toList();
        assertThat(msgids).hasSize(100).doesNotContain(0L);
        assertThat(msgids.stream().distinct()).hasSize(50);
        assertThat(sim.deliveries()).hasSize(50);
        assertThat(sim.calls(TEMPLATE_SEND)).hasSize(100).allMatch(call -> call.status() == 200);
    }

    // ---- JS-SDK tickets and web authorization (§11, §13)

    @Test
    void getticketIssuesATicketPerFetchForTheTokensAccountAndRefusesABadToken() throws Exception {
        String token = classicToken().get("access_token").asText();

        JsonNode first = get(WebAuthApis.GETTICKET + "?access_token=" + token + "&type=jsapi");
        JsonNode second = get(WebAuthApis.GETTICKET + "?access_token=" + token + "&type=jsapi");

        assertErrcode(first, 0);
        assertThat(first.get("expires_in").asInt()).isEqualTo(7200);
        assertThat(second.get("ticket").asText()).isNotEqualTo(first.get("ticket").asText())
                .isEqualTo(sim.webAuth().currentTicket(APP_ID));
        assertThat(sim.webAuth().ticketFetches(APP_ID)).isEqualTo(2);
        assertErrcode(get(WebAuthApis.GETTICKET + "?access_token=nobodys&type=jsapi"), 40001);
        sim.invalidateToken();
        assertErrcode(get(WebAuthApis.GETTICKET + "?access_token=" + token + "&type=jsapi"), 40001);
        assertThat(sim.webAuth().ticketFetches(APP_ID)).isEqualTo(2);
    }

    @Test
    void aCodeIsExchangedOnceWithTheAccountsSecretAndExpiresAfterFiveMinutes() throws Exception {
        String code = sim.webAuth().mintCode(APP_ID, OPENID, "snsapi_base", null);
        String exchange = WebAuthApis.OAUTH_TOKEN + "?appid=" + APP_ID + "&grant_type=authorization_code&secret=";

        assertErrcode(get(exchange + "wrong&code=" + code), 40125);
        JsonNode grant = get(exchange + SECRET + "&code=" + code);
        assertThat(grant.get("openid").asText()).isEqualTo(OPENID);
        assertThat(grant.get("scope").asText()).isEqualTo("snsapi_base");
        assertThat(grant.has("unionid")).isFalse();
        assertErrcode(get(exchange + SECRET + "&code=" + code), 40163);
        assertErrcode(get(exchange + SECRET + "&code=unknown"), 40029);
        assertErrcode(get(exchange + SECRET), 41008);
        String late = sim.webAuth().mintCode(APP_ID, OPENID, "snsapi_base", null);
        clock.advance(Duration.ofMinutes(5));
        assertErrcode(get(exchange + SECRET + "&code=" + late), 42003);
    }

    @Test
    void userinfoAnswersForAUserinfoScopeWebTokenOnly() throws Exception {
        String exchange = WebAuthApis.OAUTH_TOKEN + "?appid=" + APP_ID + "&grant_type=authorization_code&secret="
                + SECRET + "&code=";
        JsonNode granted = get(exchange + sim.webAuth().mintCode(APP_ID, OPENID, "snsapi_userinfo", "union-1"));
        JsonNode base = get(exchange + sim.webAuth().mintCode(APP_ID, OPENID, "snsapi_base", null));

        JsonNode user = get(WebAuthApis.USERINFO + "?access_token=" + granted.get("access_token").asText()
                + "&openid=" + OPENID + "&lang=zh_CN");

        assertThat(granted.get("unionid").asText()).isEqualTo("union-1");
        assertThat(user.get("openid").asText()).isEqualTo(OPENID);
        assertThat(user.get("unionid").asText()).isEqualTo("union-1");
        assertThat(user.get("privilege").isArray()).isTrue();
        assertErrcode(get(WebAuthApis.USERINFO + "?access_token=" + base.get("access_token").asText() + "&openid="
                + OPENID), 48001);
        assertErrcode(get(WebAuthApis.USERINFO + "?access_token=nobodys&openid=" + OPENID), 40001);
    }

    // ---- helpers

    private JsonNode classicToken() throws Exception {
        return get(TOKEN + "?grant_type=client_credential&appid=" + APP_ID + "&secret=" + SECRET);
    }

    private JsonNode stableToken(boolean force) throws Exception {
        return post(STABLE_TOKEN, stableBody(APP_ID, SECRET, force));
    }

    private static String stableBody(String appid, String secret, boolean force) {
        return "{\"grant_type\":\"client_credential\",\"appid\":\"" + appid + "\",\"secret\":\"" + secret
                + "\",\"force_refresh\":" + force + "}";
    }

    private JsonNode template(String token, String touser, String clientMsgId) throws Exception {
        return post(TEMPLATE_SEND + "?access_token=" + token, templateBody(touser, clientMsgId));
    }

    private static String templateBody(String touser, String clientMsgId) {
        return "{\"touser\":\"" + touser + "\",\"template_id\":\"" + TEMPLATE_ID + "\""
                + (clientMsgId == null ? "" : ",\"client_msg_id\":\"" + clientMsgId + "\"")
                + ",\"data\":{\"keyword1\":{\"value\":\"巧克力\"},\"keyword2\":{\"value\":\"39.8元\"}}}";
    }

    private JsonNode custom(String token, String touser) throws Exception {
        return post(CUSTOM_SEND + "?access_token=" + token,
                "{\"touser\":\"" + touser + "\",\"msgtype\":\"text\",\"text\":{\"content\":\"Hello World\"}}");
    }

    private JsonNode get(String pathAndQuery) throws Exception {
        return weChatAnswer(send(HttpRequest.newBuilder(uri(pathAndQuery)).GET()));
    }

    private JsonNode post(String pathAndQuery, String body) throws Exception {
        return weChatAnswer(send(HttpRequest.newBuilder(uri(pathAndQuery))
                .POST(HttpRequest.BodyPublishers.ofString(body))));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode weChatAnswer(HttpResponse<String> response) {
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=UTF-8");
        return readJson(response.body());
    }

    private static JsonNode readJson(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    private static void assertErrcode(JsonNode answer, int errcode) {
        assertThat(answer.path("errcode").asInt(0)).as("errcode of %s", answer).isEqualTo(errcode);
        if (errcode != 0) {
            assertThat(answer.get("errmsg").asText()).matches(RID);
        }
    }

    private URI uri(String pathAndQuery) {
        return URI.create(sim.baseUrl() + pathAndQuery);
    }

    /** WeChat's clock, moved by the test instead of waited for. */
    static final class TestClock extends Clock {
        private volatile Instant now;

        TestClock(Instant start) {
            this.now = start;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("the test clock stays in UTC");
        }
    }
}
