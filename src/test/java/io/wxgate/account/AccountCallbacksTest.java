package io.wxgate.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import io.wxgate.crypto.WeChatCipher;
import io.wxgate.testkit.FreePorts;
import io.wxgate.testkit.CallbackDriver;
import io.wxgate.testkit.CallbackDriver.Delivery;
import io.wxgate.testkit.CallbackDriver.Mode;
import io.wxgate.testkit.GatewayProcess;
import io.wxgate.testkit.GatewayTest;
import io.wxgate.testkit.Samples;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SPEC §7 on the callback side, against a gateway process with the shipped routes and an accounts file: each
 * account's own path, Token, keys and AppId check, a key change, dedupe per account, and the file re-read while
 * another account's callbacks keep being answered.
 */
class AccountCallbacksTest {

    private static final String DEFAULT_APP = GatewayTest.APP_ID;
    /** The demo's second account: the shipped welcome route greets its followers differently. */
    private static final String SECOND_APP = "wx2222222222222222";
    private static final String SECOND_TOKEN = "second-callback-token";
    private static final String SECOND_KEY = "U2Vjb25kQWNjb3VudEtleTAxMjM0NTY3ODlhYmNkZWZ";
    private static final String SECOND_OLD_KEY = "T2xkU2Vjb25kS2V5MDEyMzQ1Njc4OWFiY2RlZmdoaWp";
    private static final String THIRD_APP = "wx3333333333333333";
    private static final String THIRD_TOKEN = "third-callback-token";
    private static final String SECOND_ENTRY = """
            - app-id: %s
              app-secret: second-secret
              token: %s
              encoding-aes-key: %s
              previous-encoding-aes-key: %s
            """.formatted(SECOND_APP, SECOND_TOKEN, SECOND_KEY, SECOND_OLD_KEY);

    private static Path dir;
    private static Path accountsFile;
    private static Path log;
    private static int port;
    private static GatewayProcess gateway;

    @BeforeAll
    static void start() throws IOException {
        dir = Files.createTempDirectory("wxgate-accounts");
        accountsFile = dir.resolve("accounts.yaml");
        Files.writeString(accountsFile, SECOND_ENTRY);
        log = dir.resolve("gateway.log");
        port = freePort();
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("gateway.data-dir", dir.resolve("data").toString());
        settings.put("gateway.http-host", "127.0.0.1");
        settings.put("wechat.app-id", DEFAULT_APP);
        settings.put("wechat.app-secret", GatewayTest.APP_SECRET);
        settings.put("wechat.token", GatewayTest.TOKEN);
        settings.put("wechat.encoding-aes-key", GatewayTest.AES_KEY);
        settings.put("wechat.api-base-url", "http://127.0.0.1:9");
        settings.put("wechat.accounts.file", accountsFile.toString());
        settings.put("camel.main.routes-reload-enabled", "false");
        gateway = GatewayProcess.start(port, settings, log);
        // Listening is not yet answering: wait for the first signed echo.
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
                defaultDriver().get(defaultDriver().echoQuery("ready")).statusCode() == 200);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.stop();
        }
    }

    private static CallbackDriver driver(String path, String token, WeChatCipher cipher) {
        return new CallbackDriver(URI.create("http://127.0.0.1:" + port + path), token, cipher);
    }

    private static CallbackDriver defaultDriver() {
        return driver("/wechat/callback", GatewayTest.TOKEN, new WeChatCipher(GatewayTest.AES_KEY, DEFAULT_APP));
    }

    private static CallbackDriver secondDriver(String key) {
        return driver("/wechat/callback/" + SECOND_APP, SECOND_TOKEN, new WeChatCipher(key, SECOND_APP));
    }

    private static String subscribe(String user, long createTime) {
        return Samples.event(user, createTime, "subscribe", null);
    }

    @Test
    void eachAccountVerifiesWithItsOwnTokenOnItsOwnPath() {
        CallbackDriver second = secondDriver(SECOND_KEY);
        assertThat(second.get(second.echoQuery("second-echo")).body()).isEqualTo("second-echo");

        CallbackDriver wrongToken = driver("/wechat/callback/" + SECOND_APP, GatewayTest.TOKEN,
                new WeChatCipher(SECOND_KEY, SECOND_APP));
        assertThat(wrongToken.get(wrongToken.echoQuery("x")).statusCode()).isEqualTo(403);

        CallbackDriver defaultByAppId = driver("/wechat/callback/" + DEFAULT_APP, GatewayTest.TOKEN,
                new WeChatCipher(GatewayTest.AES_KEY, DEFAULT_APP));
        assertThat(defaultByAppId.get(defaultByAppId.echoQuery("default-echo")).body()).isEqualTo("default-echo");
    }

    @Test
    void anUnknownAccountIs404AndNothingIsProcessed() {
        CallbackDriver unknown = driver("/wechat/callback/wx9999999999999999", GatewayTest.TOKEN,
                new WeChatCipher(GatewayTest.AES_KEY, DEFAULT_APP));
        HttpResponse<String> answer = unknown.send(unknown.delivery(Mode.PLAIN, Samples.text("hello")));

        assertThat(answer.statusCode()).isEqualTo(404);
        assertThat(unknown.get(unknown.echoQuery("x")).statusCode()).isEqualTo(404);
        CallbackDriver nested = driver("/wechat/callback/" + SECOND_APP + "/extra", SECOND_TOKEN,
                new WeChatCipher(SECOND_KEY, SECOND_APP));
        assertThat(nested.get(nested.echoQuery("x")).statusCode()).isEqualTo(404);
    }

    @Test
    void theRoutesSeeWhichAccountAMessageCameToAndReplyPerAccount() {
        String user = Samples.user();
        long createTime = CallbackDriver.now();
        CallbackDriver second = secondDriver(SECOND_KEY);

        // The same follower and second on both accounts: two messages, not a retry (SPEC §7).
        String toDefault = defaultDriver().openReply(defaultDriver().send(
                defaultDriver().delivery(Mode.SAFE, subscribe(user, createTime))));
        String toSecond = second.openReply(second.send(second.delivery(Mode.SAFE, subscribe(user, createTime))));

        assertThat(toDefault).contains("Welcome! Reply 'help'");
        assertThat(toSecond).contains("Welcome to our second account");
    }

    @Test
    void theSameMsgIdOnTwoAccountsIsTwoMessages() {
        String msgId = Samples.newMsgId();
        CallbackDriver second = secondDriver(SECOND_KEY);
        String toDefault = defaultDriver().openReply(defaultDriver().send(
                defaultDriver().delivery(Mode.SAFE, Samples.text(Samples.user(), "help", msgId))));
        HttpResponse<String> toSecond = second.send(second.delivery(Mode.SAFE, Samples.text("o-second", "help", msgId)));

        // Had the second been taken for a retry it would get the first's answer, addressed to the first's user.
        assertThat(toDefault).contains("<Content>");
        assertThat(second.openReply(toSecond)).contains("<ToUserName><![CDATA[o-second]]>");
    }

    @Test
    void duringAKeyChangeBothKeysAreAcceptedAndTheReplyIsSealedWithTheKeyTheMessageCameWith() {
        CallbackDriver withOldKey = secondDriver(SECOND_OLD_KEY);
        CallbackDriver withNewKey = secondDriver(SECOND_KEY);

        HttpResponse<String> oldAnswer = withOldKey.send(withOldKey.delivery(Mode.SAFE,
                subscribe(Samples.user(), CallbackDriver.now())));
        HttpResponse<String> newAnswer = withNewKey.send(withNewKey.delivery(Mode.SAFE,
                subscribe(Samples.user(), CallbackDriver.now())));

        assertThat(oldAnswer.statusCode()).isEqualTo(200);
        assertThat(withOldKey.openReply(oldAnswer)).contains("second account");
        assertThat(withNewKey.openReply(newAnswer)).contains("second account");
        // The old key's reply does not open with the new key, and the reverse.
        assertThat(opens(withNewKey, oldAnswer)).isFalse();
        assertThat(opens(withOldKey, newAnswer)).isFalse();
    }

    @Test
    void aMessageSealedForAnotherAppIdIs403OnThisAccountsPath() {
        // Encrypted with the second account's key and signed with its Token, but for the default account's AppId.
        CallbackDriver forged = driver("/wechat/callback/" + SECOND_APP, SECOND_TOKEN,
                new WeChatCipher(SECOND_KEY, DEFAULT_APP));

        HttpResponse<String> answer = forged.send(forged.delivery(Mode.SAFE, Samples.text("hello")));
        // The same with the key being replaced, which the account still opens (SPEC §7).
        CallbackDriver forgedWithOldKey = driver("/wechat/callback/" + SECOND_APP, SECOND_TOKEN,
                new WeChatCipher(SECOND_OLD_KEY, DEFAULT_APP));
        HttpResponse<String> old = forgedWithOldKey.send(forgedWithOldKey.delivery(Mode.SAFE, Samples.text("hello")));

        assertThat(answer.statusCode()).isEqualTo(403);
        assertThat(old.statusCode()).as(old.body()).isEqualTo(403);
    }

    @Test
    void anAccountAddedChangedAndRemovedInTheFileTakesEffectWithin10sWhileTheOthersKeepAnswering() throws Exception {
        CallbackDriver third = driver("/wechat/callback/" + THIRD_APP, THIRD_TOKEN, null);
        AtomicBoolean running = new AtomicBoolean(true);
        List<Integer> defaultStatuses = java.util.Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> traffic = CompletableFuture.runAsync(() -> {
            while (running.get()) {
                CallbackDriver d = defaultDriver();
                defaultStatuses.add(d.send(d.delivery(Mode.PLAIN, Samples.text("hello"))).statusCode());
            }
        });
        try {
            String withThird = SECOND_ENTRY + "- {app-id: " + THIRD_APP + ", app-secret: s3, token: " + THIRD_TOKEN + "}\n";
            Files.writeString(accountsFile, withThird);
            await().atMost(Duration.ofSeconds(10)).until(() -> "added".equals(third.get(third.echoQuery("added")).body()));

            // A file that does not validate is refused whole: the third account stays, the log names the entry.
            Files.writeString(accountsFile, withThird + "- {app-id: wx4444444444444444, token: t4, api-key: hidden-key-value}\n");
            Thread.sleep(5_000);
            assertThat(third.get(third.echoQuery("still")).body()).isEqualTo("still");
            String logged = Files.readString(log);
            assertThat(logged).contains("wx4444444444444444").contains("app-secret").doesNotContain("hidden-key-value");

            Files.writeString(accountsFile, SECOND_ENTRY);
            await().atMost(Duration.ofSeconds(10)).until(() -> third.get(third.echoQuery("gone")).statusCode() == 404);
        } finally {
            running.set(false);
            traffic.join();
            Files.writeString(accountsFile, SECOND_ENTRY);
        }
        assertThat(defaultStatuses).isNotEmpty().containsOnly(200);
        assertThat(Files.readString(log)).doesNotContain("second-secret", SECOND_KEY, SECOND_OLD_KEY, "s3,");
    }

    @Test
    void withoutGatewayApiKeyTheApiIsOffForAnAccountsOwnKeyToo() throws Exception {
        CallbackDriver third = driver("/wechat/callback/" + THIRD_APP, THIRD_TOKEN, null);
        String key = "third-account-own-api-key";
        HttpClient http = HttpClient.newHttpClient();
        try {
            Files.writeString(accountsFile, SECOND_ENTRY + "- {app-id: " + THIRD_APP + ", app-secret: s3, token: "
                    + THIRD_TOKEN + ", api-key: " + key + "}\n");
            // The file is in force once the third account answers its callbacks.
            await().atMost(Duration.ofSeconds(10)).until(() -> "in".equals(third.get(third.echoQuery("in")).body()));

            for (String path : List.of("/api/v1/accounts/" + THIRD_APP + "/access-token", "/api/v1/access-token",
                    "/api/v1/accounts/" + THIRD_APP + "/sends")) {
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + path)).header("Authorization", "Bearer " + key).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).as(path + " with GATEWAY_API_KEY unset: " + answer.body())
                        .isEqualTo(401);
            }
        } finally {
            Files.writeString(accountsFile, SECOND_ENTRY);
            await().atMost(Duration.ofSeconds(10)).until(() -> third.get(third.echoQuery("gone")).statusCode() == 404);
        }
    }

    private static boolean opens(CallbackDriver driver, HttpResponse<String> answer) {
        try {
            driver.openReply(answer);
            return true;
        } catch (RuntimeException | AssertionError e) {
            return false;
        }
    }

    private static int freePort() {
        return FreePorts.take();
    }
}
