package io.wxgate.callback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import io.wxgate.simulator.WeChatApiSimulator;
import io.wxgate.testkit.CallbackDriver.Mode;
import io.wxgate.testkit.DownstreamServer;
import io.wxgate.testkit.GatewayTest;
import io.wxgate.testkit.Samples;
import org.junit.jupiter.api.Test;

/** Whatever the integrators' routes do, WeChat gets 200 in time, and nothing is lost (SPEC §2). */
class CallbackResilienceTest extends GatewayTest {

    private static final Path DEAD_LETTERS = DATA.resolve("dead-letters/inbound");

    @Test
    void aFailingRouteIsAnsweredSuccessAndKeptAsADeadLetterThatCanBeReplayed() throws IOException {
        String msgId = Samples.newMsgId();

        HttpResponse<String> answer = driver.send(driver.delivery(Mode.PLAIN, Samples.text("o-boom", "boom", msgId)));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("success");
        Path letter = await().atMost(Duration.ofSeconds(10)).until(() -> deadLetterOf(msgId), p -> p != null);

        Files.createDirectories(DEAD_LETTERS.resolve("replay"));
        Files.move(letter, DEAD_LETTERS.resolve("replay").resolve(letter.getFileName()));

        await().atMost(Duration.ofSeconds(10)).until(() -> recorder.timesProcessed(msgId) == 2);
    }

    @Test
    void aFailureARoutesOwnDeadLetterChannelHandledIsStillAnsweredSuccess() {
        String msgId = Samples.newMsgId();

        HttpResponse<String> answer = driver.send(driver.delivery(Mode.PLAIN,
                Samples.text("o-handled", "connectors handled failure", msgId)));

        // Not the message's JSON, which the dead-letter route left as the body when the answer was not made.
        assertThat(answer.body()).isEqualTo("success");
        await().atMost(Duration.ofSeconds(10)).until(() -> deadLetterOf(msgId), p -> p != null);
    }

    @Test
    void aRouteThatStopsIsAnsweredWithTheReplyItSetElseSuccessNeverTheMessagesJson() {
        // Camel's stop skips the rest of every route the exchange is in; the answer is made after the routes.
        HttpResponse<String> replied = driver.send(driver.delivery(Mode.PLAIN, Samples.text("stop-after-reply")));
        HttpResponse<String> silent = driver.send(driver.delivery(Mode.PLAIN, Samples.text("stop-without-reply")));
        HttpResponse<String> sealed = driver.send(driver.delivery(Mode.SAFE, Samples.text("stop-after-reply")));

        assertThat(replied.statusCode()).isEqualTo(200);
        assertThat(replied.body()).startsWith("<xml>").contains("<![CDATA[stopped with a reply]]>");
        assertThat(silent.statusCode()).isEqualTo(200);
        assertThat(silent.body()).isEqualTo("success");
        assertThat(driver.openReply(sealed)).contains("<![CDATA[stopped with a reply]]>");
    }

    @Test
    void aDownstreamCreatedAnswerDoesNotLeakIntoTheCallbackAnswer() {
        HttpResponse<String> answer = driver.send(driver.delivery(Mode.PLAIN, Samples.text("call-201")));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).contains("called downstream");
        assertThat(answer.headers().map().keySet()).allSatisfy(h -> assertThat(h.toLowerCase())
                .isIn("content-type", "content-length", "date", "connection", "transfer-encoding"));
    }

    @Test
    void aRoutePostingTheMessageAsItIsSendsItsJsonAndNoWeChatParameters() throws Exception {
        String msgId = Samples.newMsgId();

        HttpResponse<String> answer = driver.send(driver.delivery(Mode.PLAIN, Samples.text("o-as-is-用户", "post-as-is", msgId)));

        assertThat(answer.body()).contains("posted as is");
        DownstreamServer.Received posted = DOWNSTREAM.received().stream()
                .filter(r -> r.body().contains(msgId)).findFirst().orElseThrow();
        var json = io.wxgate.message.Json.MAPPER.readTree(posted.body());
        assertThat(json.path("MsgId").asText()).isEqualTo(msgId);
        assertThat(json.path("FromUserName").asText()).isEqualTo("o-as-is-用户");
        assertThat(posted.contentType()).isEqualTo("application/json; charset=UTF-8");
        assertThat(json.path("Content").asText()).isEqualTo("post-as-is");
        assertThat(posted.body()).doesNotContain("signature", "nonce", TOKEN);
    }

    @Test
    void aRouteSlowerThanTheDeadlineIsAnsweredSuccessInTimeAndItsReplyGoesOutLate() {
        String user = Samples.user();
        SIMULATOR.userInteracted(user);
        long started = System.nanoTime();

        HttpResponse<String> answer = driver.send(driver.delivery(Mode.SAFE, Samples.text(user, "slow", Samples.newMsgId())));

        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("success");
        assertThat(tookMillis).as("answered before WeChat's 5 s timeout").isLessThan(5000);
        await().atMost(Duration.ofSeconds(10)).until(() -> !customMessagesTo(user).isEmpty());
        assertThat(customMessagesTo(user)).singleElement()
                .satisfies(d -> assertThat(d.body()).contains("\"msgtype\":\"text\"").contains("slow reply"));
    }

    @Test
    void aTextReplyTooLongForAPassiveReplyGoesOutAsACustomerServiceMessage() {
        String user = Samples.user();
        SIMULATOR.userInteracted(user);

        HttpResponse<String> answer = driver.send(driver.delivery(Mode.PLAIN, Samples.text(user, "long", Samples.newMsgId())));

        assertThat(answer.body()).isEqualTo("success");
        await().atMost(Duration.ofSeconds(5)).until(() -> !customMessagesTo(user).isEmpty());
        assertThat(customMessagesTo(user)).singleElement().satisfies(d -> assertThat(d.body()).contains("-end"));
    }

    private static List<WeChatApiSimulator.Delivery> customMessagesTo(String user) {
        return SIMULATOR.deliveries("custom").stream().filter(d -> user.equals(d.touser())).toList();
    }

    private static Path deadLetterOf(String msgId) {
        if (!Files.isDirectory(DEAD_LETTERS)) {
            return null;
        }
        try (Stream<Path> files = Files.list(DEAD_LETTERS)) {
            List<Path> json = files.filter(f -> f.toString().endsWith(".json")).toList();
            for (Path f : json) {
                if (Files.readString(f).contains(msgId)) {
                    return f;
                }
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
