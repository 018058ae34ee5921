package io.wxgate.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import io.wxgate.simulator.WebAuthApis;
import io.wxgate.simulator.WeChatApiSimulator.Call;
import io.wxgate.testkit.ApiClient;
import io.wxgate.testkit.GatewayTest;
import io.wxgate.testkit.Samples;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** SPEC §8 over real HTTP: jsapi_ticket, the JS-SDK config and web authorization, for both path forms. */
@ExtendWith(OutputCaptureExtension.class)
class WebAppApiTest extends GatewayTest {

    private static final String SECOND = "/api/v1/accounts/" + SECOND_APP_ID;
    private static final WebAuthApis WEB = SIMULATOR.webAuth();

    @Autowired
    JsapiTickets tickets;

    private final ApiClient api = new ApiClient(PORT, API_KEY);
    private final ApiClient second = api.withKey(SECOND_API_KEY);

    /** A WeChat that has forgotten everything, and a gateway that holds no ticket (the next request fetches one). */
    @BeforeEach
    void coldTickets() {
        resetWeChat();
        for (String appId : List.of(APP_ID, SECOND_APP_ID)) {
            var source = tickets.of(appId);
            source.invalidate(source.current().value());
        }
        ticketCallsBefore = SIMULATOR.calls(WebAuthApis.GETTICKET).size();
    }

    private int ticketCallsBefore;

    /** The getticket calls of this test, after the set-up's. */
    private List<Call> ticketCalls() {
        List<Call> all = SIMULATOR.calls(WebAuthApis.GETTICKET);
        return all.subList(ticketCallsBefore, all.size());
    }

    // ---- jsapi_ticket

    @Test
    void hundredConcurrentJsSdkConfigRequestsOnAColdCacheMakeOneTicketFetch() throws Exception {
        int before = WEB.ticketFetches(APP_ID);
        // Held long enough for every request to arrive while the one fetch is under way.
        SIMULATOR.delay(WebAuthApis.GETTICKET, java.time.Duration.ofMillis(300));
        ExecutorService pool = Executors.newFixedThreadPool(100);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < 100; i++) {
                String page = "{\"url\":\"https://shop.example.com/item?id=" + i + "\"}";
                answers.add(pool.submit(() -> {
                    start.await();
                    return api.post("/api/v1/jssdk-config", page);
                }));
            }
            start.countDown();
            for (Future<HttpResponse<String>> answer : answers) {
                HttpResponse<String> response = answer.get();
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                assertThat(ApiClient.json(response).get("signature").asText()).hasSize(40);
            }
            int fetches = WEB.ticketFetches(APP_ID) - before;
            System.out.println("[figure] 100 concurrent POST /api/v1/jssdk-config on a cold cache: " + fetches
                    + " getticket call(s) to WeChat");
            assertThat(fetches).isEqualTo(1);
            assertThat(ApiClient.json(api.get("/api/v1/jsapi-ticket")).get("ticket").asText())
                    .isEqualTo(WEB.currentTicket(APP_ID));
            assertThat(WEB.ticketFetches(APP_ID) - before).as("the config requests' ticket is the cached one").isEqualTo(1);
        } finally {
            pool.shutdownNow();
            SIMULATOR.delay(WebAuthApis.GETTICKET, java.time.Duration.ZERO);
        }
    }

    @Test
    void theTicketIsCachedWithTheTimeItHasLeft() {
        JsonNode first = ApiClient.json(api.get("/api/v1/jsapi-ticket"));
        JsonNode again = ApiClient.json(api.get("/api/v1/accounts/" + APP_ID + "/jsapi-ticket"));

        assertThat(first.get("ticket").asText()).isEqualTo(WEB.currentTicket(APP_ID));
        assertThat(first.get("expires_in").asLong()).isBetween(7190L, 7200L);
        assertThat(again.get("ticket").asText()).as("the default account's own path, same cache")
                .isEqualTo(first.get("ticket").asText());
        assertThat(ticketCalls()).hasSize(1);
        assertThat(first.fieldNames()).toIterable().containsExactlyInAnyOrder("ticket", "expires_in");
    }

    @Test
    void eachAccountHasItsOwnTicket() {
        String mine = ApiClient.json(api.get("/api/v1/jsapi-ticket")).get("ticket").asText();
        HttpResponse<String> theirs = second.get(SECOND + "/jsapi-ticket");

        assertThat(theirs.statusCode()).as(theirs.body()).isEqualTo(200);
        assertThat(ApiClient.json(theirs).get("ticket").asText()).isEqualTo(WEB.currentTicket(SECOND_APP_ID))
                .isNotEqualTo(mine);
        Call fetch = ticketCalls().get(1);
        assertThat(fetch.query().get("access_token")).as("fetched with the second account's own token")
                .isEqualTo(SIMULATOR.currentToken(SECOND_APP_ID));
        assertThat(fetch.query().get("type")).isEqualTo("jsapi");
    }

    @Test
    void theTicketIsFetchedAgainBeforeItExpires() throws Exception {
        WEB.ticketExpiresIn(2);
        String first = ApiClient.json(api.get("/api/v1/jsapi-ticket")).get("ticket").asText();

        // A 2 s ticket is kept for half its life (the margin, 300 s, is longer than the ticket).
        Thread.sleep(1_200);
        JsonNode later = ApiClient.json(api.get("/api/v1/jsapi-ticket"));

        assertThat(later.get("ticket").asText()).isNotEqualTo(first).isEqualTo(WEB.currentTicket(APP_ID));
        assertThat(later.get("expires_in").asLong()).isBetween(1L, 2L);
        assertThat(ticketCalls()).hasSize(2);
    }

    @Test
    void aRefusedAccessTokenIsReplacedOnceAndTheTicketFetchedAgain() {
        api.get("/api/v1/access-token");
        SIMULATOR.invalidateToken(APP_ID);
        int tokenFetches = SIMULATOR.tokenFetches(APP_ID);

        HttpResponse<String> answer = api.get("/api/v1/jsapi-ticket");

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        List<Call> calls = ticketCalls();
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).answer()).contains("40001");
        assertThat(calls.get(1).query().get("access_token")).isEqualTo(SIMULATOR.currentToken(APP_ID))
                .isNotEqualTo(calls.get(0).query().get("access_token"));
        assertThat(SIMULATOR.tokenFetches(APP_ID) - tokenFetches).isEqualTo(1);
    }

    @Test
    void aBusyAnswerIsAskedAgainOnceAndAPersistentRefusalIsA502() {
        SIMULATOR.failNext(WebAuthApis.GETTICKET, 1, -1);
        assertThat(api.get("/api/v1/jsapi-ticket").statusCode()).isEqualTo(200);
        assertThat(ticketCalls()).hasSize(2);

        SIMULATOR.failNext(WebAuthApis.GETTICKET, 2, 48001);
        HttpResponse<String> refused = api.get(SECOND + "/jsapi-ticket");

        assertThat(refused.statusCode()).isEqualTo(502);
        assertThat(ApiClient.json(refused).get("errcode").asInt()).isEqualTo(48001);
        assertThat(ticketCalls()).as("48001 is not retried").hasSize(3);
    }

    @Test
    void aTicketFetchLostOrAnswered5xxIsAskedAgainOnce() {
        SIMULATOR.httpErrorNext(WebAuthApis.GETTICKET, 1, 502);
        assertThat(api.get("/api/v1/jsapi-ticket").statusCode()).isEqualTo(200);

        SIMULATOR.dropBeforeWorkNext(WebAuthApis.GETTICKET, 1);
        HttpResponse<String> afterDrop = api.get(SECOND + "/jsapi-ticket");

        assertThat(afterDrop.statusCode()).as(afterDrop.body()).isEqualTo(200);
        assertThat(ticketCalls()).extracting(Call::status).containsExactly(502, 200, -1, 200);
    }

    @Test
    void theTicketPathsKeepTheApisKeys() {
        assertThat(api.withKey(null).get("/api/v1/jsapi-ticket").statusCode()).isEqualTo(401);
        assertThat(api.withKey("wrong").post("/api/v1/jssdk-config", "{\"url\":\"https://a.example/\"}")
                .statusCode()).isEqualTo(401);
        assertThat(second.get("/api/v1/jsapi-ticket").statusCode()).as("the default account's path").isEqualTo(403);
        assertThat(second.get("/api/v1/accounts/" + APP_ID + "/jsapi-ticket").statusCode()).isEqualTo(403);
        assertThat(second.post("/api/v1/jssdk-config", "{\"url\":\"https://a.example/\"}").statusCode())
                .isEqualTo(403);
        assertThat(second.get("/api/v1/oauth/user?code=x").statusCode()).isEqualTo(403);
        assertThat(api.get("/api/v1/accounts/wxunknown0000000/jsapi-ticket").statusCode()).isEqualTo(404);
        assertThat(ticketCalls()).as("no refused request reached WeChat").isEmpty();
        assertThat(SIMULATOR.calls(WebAuthApis.OAUTH_TOKEN)).isEmpty();
    }

    // ---- JS-SDK config

    @Test
    void theConfigSignsThePageUrlWithoutItsFragment() throws Exception {
        long now = Instant.now().getEpochSecond();

        HttpResponse<String> answer = api.post("/api/v1/jssdk-config",
                "{\"url\":\"https://shop.example.com/pay?order=7&code=abc&state=x#/checkout\"}");

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode config = ApiClient.json(answer);
        assertThat(config.fieldNames()).toIterable()
                .containsExactlyInAnyOrder("appId", "timestamp", "nonceStr", "signature");
        assertThat(config.get("appId").asText()).isEqualTo(APP_ID);
        assertThat(config.get("timestamp").asLong()).as("Unix seconds").isBetween(now - 5, now + 5);
        assertThat(config.get("nonceStr").asText()).matches("[A-Za-z0-9]{16}");
        String string1 = "jsapi_ticket=" + WEB.currentTicket(APP_ID) + "&noncestr=" + config.get("nonceStr").asText()
                + "&timestamp=" + config.get("timestamp").asLong()
                + "&url=https://shop.example.com/pay?order=7&code=abc&state=x";
        assertThat(config.get("signature").asText()).isEqualTo(sha1(string1));
    }

    @Test
    void anAccountsConfigCarriesItsAppIdAndItsTicket() throws Exception {
        JsonNode config = ApiClient.json(second.post(SECOND + "/jssdk-config", "{\"url\":\"https://b.example/\"}"));

        assertThat(config.get("appId").asText()).isEqualTo(SECOND_APP_ID);
        assertThat(config.get("signature").asText()).isEqualTo(sha1("jsapi_ticket=" + WEB.currentTicket(SECOND_APP_ID)
                + "&noncestr=" + config.get("nonceStr").asText() + "&timestamp=" + config.get("timestamp").asLong()
                + "&url=https://b.example/"));
    }

    @Test
    void aMissingOrBadUrlIsA400NamingIt() {
        for (String body : List.of("{}", "{\"url\":null}", "{\"url\":42}", "{\"url\":\"/pay?x=1\"}",
                "{\"url\":\"ftp://a.example/\"}", "{\"url\":\"https://bad host/\"}")) {
            HttpResponse<String> answer = api.post("/api/v1/jssdk-config", body);
            assertThat(answer.statusCode()).as(body).isEqualTo(400);
            assertThat(ApiClient.json(answer).get("field").asText()).as(body).isEqualTo("url");
        }
        assertThat(api.post("/api/v1/jssdk-config", "not json").statusCode()).isEqualTo(400);
        assertThat(ticketCalls()).isEmpty();
    }

    // ---- web authorization

    @Test
    void aBaseScopeCodeGivesTheOpenidAndNoUserinfo() {
        String openid = Samples.user();
        String code = WEB.mintCode(APP_ID, openid, "snsapi_base", null);

        HttpResponse<String> answer = api.get("/api/v1/oauth/user?code=" + code);

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode user = ApiClient.json(answer);
        assertThat(user.fieldNames()).toIterable().containsExactlyInAnyOrder("openid", "unionid", "scope", "userinfo");
        assertThat(user.get("openid").asText()).isEqualTo(openid);
        assertThat(user.get("scope").asText()).isEqualTo("snsapi_base");
        assertThat(user.get("unionid").isNull()).isTrue();
        assertThat(user.get("userinfo").isNull()).isTrue();
        assertThat(SIMULATOR.calls(WebAuthApis.USERINFO)).isEmpty();
        Call exchange = SIMULATOR.calls(WebAuthApis.OAUTH_TOKEN).get(0);
        assertThat(exchange.query()).containsEntry("appid", APP_ID).containsEntry("secret", APP_SECRET)
                .containsEntry("grant_type", "authorization_code").containsEntry("code", code);
    }

    @Test
    void aUserinfoScopeCodeGivesWeChatsUserinfo() {
        String openid = Samples.user();
        String code = WEB.mintCode(SECOND_APP_ID, openid, "snsapi_userinfo", "union-" + openid);

        HttpResponse<String> answer = second.get(SECOND + "/oauth/user?code=" + code);

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode user = ApiClient.json(answer);
        assertThat(user.get("unionid").asText()).isEqualTo("union-" + openid);
        assertThat(user.get("userinfo").get("openid").asText()).isEqualTo(openid);
        assertThat(user.get("userinfo").get("nickname").asText()).isEqualTo("User " + openid);
        assertThat(user.get("userinfo").get("privilege").isArray()).isTrue();
        assertThat(SIMULATOR.calls(WebAuthApis.OAUTH_TOKEN).get(0).query()).containsEntry("secret", SECOND_SECRET);
        assertThat(SIMULATOR.calls(WebAuthApis.USERINFO).get(0).query().get("access_token"))
                .as("the user's web token, not the account's").startsWith("web-");
    }

    @Test
    void aCodeWorksOnceAndARefusedCodeIsA400WithWeChatsErrcode(CapturedOutput output) {
        String code = WEB.mintCode(APP_ID, Samples.user(), "snsapi_base", null);
        assertThat(api.get("/api/v1/oauth/user?code=" + code).statusCode()).isEqualTo(200);

        HttpResponse<String> used = api.get("/api/v1/oauth/user?code=" + code);
        HttpResponse<String> unknown = api.get("/api/v1/oauth/user?code=never-issued");
        HttpResponse<String> othersCode = api.get("/api/v1/oauth/user?code="
                + WEB.mintCode(SECOND_APP_ID, Samples.user(), "snsapi_base", null));

        assertThat(used.statusCode()).isEqualTo(400);
        assertThat(ApiClient.json(used).get("errcode").asInt()).isEqualTo(40163);
        assertThat(ApiClient.json(used).get("errmsg").asText()).startsWith("code been used");
        assertThat(ApiClient.json(used).get("field").asText()).isEqualTo("code");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(ApiClient.json(unknown).get("errcode").asInt()).isEqualTo(40029);
        assertThat(othersCode.statusCode()).as("another account's code").isEqualTo(400);
        assertThat(SIMULATOR.calls(WebAuthApis.OAUTH_TOKEN)).as("each code asked once").hasSize(4);
        for (HttpResponse<String> answer : List.of(used, unknown, othersCode)) {
            assertThat(answer.body()).doesNotContain(APP_SECRET);
        }
        assertThat(output.getAll()).doesNotContain(APP_SECRET).doesNotContain(SECOND_SECRET);
    }

    @Test
    void aMissingCodeIsA400NamingIt() {
        for (String path : List.of("/api/v1/oauth/user", "/api/v1/oauth/user?code=", SECOND + "/oauth/user")) {
            HttpResponse<String> answer = api.get(path);
            assertThat(answer.statusCode()).as(path).isEqualTo(400);
            assertThat(ApiClient.json(answer).get("field").asText()).isEqualTo("code");
        }
        assertThat(SIMULATOR.calls(WebAuthApis.OAUTH_TOKEN)).isEmpty();
    }

    @Test
    void aCodeExchangeThatGetsNoAnswerIsNeverRepeated(CapturedOutput output) {
        // Dropped after WeChat did the work, on the first base URL: a failover would spend the code again.
        SIMULATOR.dropAfterWorkNext(WebAuthApis.OAUTH_TOKEN, 1);
        String code = WEB.mintCode(APP_ID, Samples.user(), "snsapi_base", null);

        HttpResponse<String> lost = api.get("/api/v1/oauth/user?code=" + code);

        assertThat(lost.statusCode()).as(lost.body()).isEqualTo(504);
        assertThat(ApiClient.json(lost).get("error").asText()).contains("authorization again");
        assertThat(SIMULATOR.calls(WebAuthApis.OAUTH_TOKEN)).hasSize(1);
        assertThat(lost.body()).doesNotContain(APP_SECRET);
        assertThat(output.getAll()).doesNotContain(APP_SECRET);
    }

    @Test
    void aCodeExchangeAnswered5xxIsA502AndNeverRepeated() {
        SIMULATOR.httpErrorNext(WebAuthApis.OAUTH_TOKEN, 1, 503);
        String code = WEB.mintCode(APP_ID, Samples.user(), "snsapi_base", null);

        HttpResponse<String> failed = api.get("/api/v1/oauth/user?code=" + code);

        assertThat(failed.statusCode()).as(failed.body()).isEqualTo(502);
        assertThat(SIMULATOR.calls(WebAuthApis.OAUTH_TOKEN)).hasSize(1);
    }

    private static String sha1(String text) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest);
    }
}
