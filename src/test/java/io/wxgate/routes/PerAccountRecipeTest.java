package io.wxgate.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.wxgate.testkit.ReadmeRecipes;
import io.wxgate.crypto.WeChatCipher;
import io.wxgate.testkit.CallbackDriver;
import io.wxgate.testkit.CallbackDriver.Mode;
import io.wxgate.testkit.GatewayTest;
import io.wxgate.testkit.Samples;
import org.junit.jupiter.api.Test;

/** The README's recipe "reply differently per account", as written (the demo's second AppId replaced by ours). */
class PerAccountRecipeTest extends GatewayTest {

    private final CallbackDriver second = new CallbackDriver(
            URI.create("http://127.0.0.1:" + PORT + "/wechat/callback/" + SECOND_APP_ID), SECOND_TOKEN,
            new WeChatCipher(SECOND_AES_KEY, SECOND_APP_ID));

    @Test
    void eachAccountGetsItsOwnReply() throws Exception {
        Path file = ROUTES.resolve("keyword-reply.camel.yaml");
        String shipped = Files.readString(file);
        String recipe = ReadmeRecipes.block("yaml", "per-account-reply");
        try {
            Files.writeString(file, recipe.replace("wx2222222222222222", SECOND_APP_ID));

            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).until(() ->
                    second.send(second.delivery(Mode.PLAIN, Samples.text("hours"))).body()
                            .contains("Second account: open every day 10:00–22:00"));
            assertThat(driver.send(driver.delivery(Mode.PLAIN, Samples.text("hours"))).body())
                    .contains("Mon–Fri 9:00–18:00").doesNotContain("Second account");
        } finally {
            Files.writeString(file, shipped);
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).until(() ->
                    second.send(second.delivery(Mode.PLAIN, Samples.text("hours"))).body().contains("Mon–Fri"));
        }
    }
}
