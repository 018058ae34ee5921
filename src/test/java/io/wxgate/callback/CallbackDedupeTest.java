package io.wxgate.callback;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import io.wxgate.testkit.CallbackDriver;
import io.wxgate.testkit.CallbackDriver.Delivery;
import io.wxgate.testkit.CallbackDriver.Mode;
import io.wxgate.testkit.GatewayTest;
import io.wxgate.testkit.Samples;
import io.wxgate.testkit.TestRecorder;
import org.junit.jupiter.api.Test;

/** WeChat's retries are processed once and every copy gets the first delivery's reply (SPEC §2). */
class CallbackDedupeTest extends GatewayTest {

    @Test
    void fourConcurrentCopiesAreProcessedOnceAndAllGetTheReply() {
        String msgId = Samples.newMsgId();
        Delivery d = driver.delivery(Mode.PLAIN, Samples.text("o-storm", "echo", msgId));

        List<HttpResponse<String>> answers = driver.sendConcurrently(d, 4);

        assertThat(answers).allSatisfy(a -> {
            assertThat(a.statusCode()).isEqualTo(200);
            assertThat(a.body()).contains("you said echo");
        });
        assertThat(answers.stream().map(HttpResponse::body).distinct()).hasSize(1);
        assertThat(recorder.timesProcessed(msgId)).isEqualTo(1);
    }

    @Test
    void spacedCopiesGetTheSameReplyAndAreProcessedOnce() {
        String msgId = Samples.newMsgId();
        Delivery d = driver.delivery(Mode.PLAIN, Samples.text("o-spaced", "echo", msgId));

        List<HttpResponse<String>> answers = driver.sendSpaced(d, 4, Duration.ofMillis(300));

        assertThat(answers.stream().map(HttpResponse::body).distinct()).hasSize(1);
        assertThat(answers.get(0).body()).contains("you said echo");
        assertThat(recorder.timesProcessed(msgId)).isEqualTo(1);
    }

    @Test
    void retriesOfASlowFirstDeliveryWaitForItsReply() {
        String msgId = Samples.newMsgId();
        Delivery d = driver.delivery(Mode.PLAIN, Samples.text("o-busy", "busy", msgId));

        List<HttpResponse<String>> answers = driver.sendConcurrently(d, 4);

        assertThat(answers).allSatisfy(a -> assertThat(a.body()).contains("busy reply"));
        assertThat(recorder.timesProcessed(msgId)).isEqualTo(1);
    }

    @Test
    void safeModeRetriesDecryptToTheSameReply() {
        String msgId = Samples.newMsgId();
        Delivery d = driver.delivery(Mode.SAFE, Samples.text("o-safe-storm", "echo", msgId));

        List<HttpResponse<String>> answers = driver.sendConcurrently(d, 4);

        assertThat(answers.stream().map(driver::openReply).distinct()).hasSize(1);
        assertThat(driver.openReply(answers.get(0))).contains("you said echo");
        assertThat(recorder.timesProcessed(msgId)).isEqualTo(1);
    }

    @Test
    void twoDifferentEventsFromOneUserInOneSecondAreBothProcessed() {
        String user = Samples.user();
        long second = CallbackDriver.now();

        driver.send(driver.delivery(Mode.PLAIN, Samples.event(user, second, "CLICK", "CONTACT_US")));
        driver.send(driver.delivery(Mode.PLAIN, Samples.event(user, second, "VIEW", "https://example.com/")));

        assertThat(recorder.timesProcessed(TestRecorder.eventIdentity(user, second, "CLICK", "CONTACT_US"))).isEqualTo(1);
        assertThat(recorder.timesProcessed(TestRecorder.eventIdentity(user, second, "VIEW", "https://example.com/")))
                .isEqualTo(1);
    }

    @Test
    void aRetriedEventIsProcessedOnce() {
        String user = Samples.user();
        long second = CallbackDriver.now();
        Delivery d = driver.delivery(Mode.SAFE, Samples.event(user, second, "subscribe", null));

        List<HttpResponse<String>> answers = driver.sendConcurrently(d, 4);

        assertThat(answers.stream().map(driver::openReply).distinct()).hasSize(1);
        assertThat(driver.openReply(answers.get(0))).contains("欢迎关注");
        assertThat(recorder.timesProcessed(TestRecorder.eventIdentity(user, second, "subscribe", null))).isEqualTo(1);
    }
}
