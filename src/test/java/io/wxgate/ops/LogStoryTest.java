package io.wxgate.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.wxgate.simulator.WeChatApiSimulator;
import io.wxgate.testkit.ApiClient;
import io.wxgate.testkit.CallbackDriver;
import io.wxgate.testkit.CallbackDriver.Mode;
import io.wxgate.testkit.GatewayTest;
import io.wxgate.testkit.Samples;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * With {@code logging.level.io.wxgate=DEBUG} the log tells each message's and each send's story under its id, the
 * id never outlives its work on a pooled thread, and no secret reaches the log, whoever writes it (issue 6).
 */
@ExtendWith(OutputCaptureExtension.class)
class LogStoryTest extends GatewayTest {

    /** The gateway's story, and libraries that log what an id or a secret shows in: HTTP requests, JMS receipts. */
    private static final List<String> DEBUG = List.of("io.wxgate", "org.apache.hc.client5.http.headers",
            "org.apache.hc.client5.http.wire", "org.apache.camel.component.jms.EndpointMessageListener");
    private static final String JMS_RECEIPT = "org.apache.camel.component.jms.EndpointMessageListener";
    /** Stands for a library that logs what it sends, as an HTTP client's wire log or a binding error would. */
    private static final Logger CHATTY_LIBRARY = LoggerFactory.getLogger("test.chatty.library");

    @Autowired
    LoggingSystem logging;

    private final ApiClient api = new ApiClient(PORT, API_KEY);
    private final Events events = new Events();

    @BeforeEach
    void debugOn() {
        resetWeChat();
        DEBUG.forEach(name -> logging.setLogLevel(name, LogLevel.DEBUG));
        events.attach();
    }

    @AfterEach
    void debugOff() {
        events.detach();
        DEBUG.forEach(name -> logging.setLogLevel(name, null));
    }

    @Test
    void aMessagesLinesCarryItsMsgIdAndTheNextMessageOnThatWorkerDoesNot(CapturedOutput output) {
        String msgId = Samples.newMsgId();

        HttpResponse<String> answer = driver.send(driver.delivery(Mode.SAFE, Samples.text(Samples.user(), "help", msgId)));

        assertThat(answer.statusCode()).isEqualTo(200);
        List<ILoggingEvent> story = await().atMost(Duration.ofSeconds(10))
                .until(() -> events.with(LogContext.MSG_ID, msgId), lines -> has(lines, "Routes done"));
        assertThat(story).extracting(ILoggingEvent::getFormattedMessage)
                .contains("Accepted text", "Routes done, Text reply");
        assertThat(lines(output, "Accepted text")).anyMatch(line -> line.contains("[msgId=" + msgId + "] "));

        // Events have no MsgId: one on the same pooled worker must not show the text message's.
        String worker = story.get(0).getThreadName();
        ILoggingEvent lastOfFirst = story.get(story.size() - 1);
        String later = null;
        for (int i = 0; i < 40 && later == null; i++) {
            String user = Samples.user();
            driver.send(driver.delivery(Mode.PLAIN, Samples.event(user, CallbackDriver.now(), "subscribe", null)));
            List<ILoggingEvent> lines = await().atMost(Duration.ofSeconds(10))
                    .until(() -> events.withIdContaining(LogContext.MSG_ID, user), found -> has(found, "Routes done"));
            if (lines.get(0).getThreadName().equals(worker)) {
                later = user;
            }
        }
        assertThat(later).as("a later message ran on the worker %s", worker).isNotNull();
        String laterUser = later;
        assertThat(events.after(lastOfFirst)).filteredOn(e -> e.getThreadName().equals(worker))
                .isNotEmpty()
                .allSatisfy(e -> assertThat(e.getMDCPropertyMap().get(LogContext.MSG_ID)).isNotEqualTo(msgId))
                .anySatisfy(e -> assertThat(e.getMDCPropertyMap().get(LogContext.MSG_ID)).contains(laterUser));
    }

    @Test
    void aSendsLinesCarryItsIdAndItsConsumerDoesNotKeepIt(CapturedOutput output) {
        SIMULATOR.failNext(WeChatApiSimulator.TEMPLATE_SEND, 1, -1);

        String id = queueTemplate();

        List<ILoggingEvent> story = events.with(LogContext.SEND_ID, id);
        assertThat(story).extracting(ILoggingEvent::getFormattedMessage)
                .anyMatch(m -> m.equals("Taken from the template queue, status queued"))
                .anyMatch(m -> m.startsWith("Fetched an access_token"))
                .anyMatch(m -> m.startsWith("Attempt 1 on template: errcode -1 (system error"))
                .anyMatch(m -> m.startsWith("Retry 1 of 4 after errcode -1, system error"))
                .anyMatch(m -> m.startsWith("Attempt 2 on template: errcode 0, msgid "))
                .anyMatch(m -> m.matches("Sent: msgid \\d+ after 2 attempt\\(s\\)"));
        assertThat(events.from("org.apache.hc.client5.http.headers"))
                .filteredOn(e -> e.getFormattedMessage().contains(">> POST " + WeChatApiSimulator.TEMPLATE_SEND))
                .as("the HTTP client's request lines, the retry's included, name the send").hasSize(2)
                .allSatisfy(e -> assertThat(e.getMDCPropertyMap()).containsEntry(LogContext.SEND_ID, id));
        assertThat(lines(output, "Sent: msgid")).anyMatch(line -> line.contains("[sendId=" + id + "] "));

        // The broker hands each send to one of the pooled consumers; the consumer logs its receipt before the
        // send's scope opens, so a leftover id would show there once a consumer takes its second send.
        Set<String> consumers = new HashSet<>(List.of(story.get(0).getThreadName()));
        boolean reused = false;
        for (int i = 0; i < 30 && !reused; i++) {
            String next = queueTemplate();
            reused = !consumers.add(events.with(LogContext.SEND_ID, next).get(0).getThreadName());
        }
        assertThat(reused).as("a consumer took a second send").isTrue();
        assertThat(events.from(JMS_RECEIPT)).isNotEmpty()
                .allSatisfy(e -> assertThat(e.getMDCPropertyMap()).doesNotContainKey(LogContext.SEND_ID));
    }

    @Test
    void aFailedSendIsAWarningUnderItsId() {
        SIMULATOR.failNext(WeChatApiSimulator.TEMPLATE_SEND, 1, 40003);

        String id = queueTemplate("Failed after");

        assertThat(events.with(LogContext.SEND_ID, id)).filteredOn(e -> e.getLevel() == Level.WARN)
                .extracting(ILoggingEvent::getFormattedMessage)
                .singleElement().asString().startsWith("Failed after 1 attempt(s): errcode 40003, invalid openid");
        assertThat(events.with(LogContext.SEND_ID, id)).as("Camel's error handler logs no ERROR of its own for it")
                .noneMatch(e -> e.getLevel() == Level.ERROR);
    }

    @Test
    void noSecretReachesTheLog(CapturedOutput output) {
        CHATTY_LIBRARY.info("POST /cgi-bin/stable_token {\"grant_type\":\"client_credential\",\"appid\":\"{}\","
                + "\"secret\":\"{}\"}", APP_ID, APP_SECRET);
        CHATTY_LIBRARY.info("GET /api/v1/access-token Authorization: Bearer {}", API_KEY);
        CHATTY_LIBRARY.info("Bound wechat.token={}, wechat.encoding-aes-key={}", TOKEN, AES_KEY);
        CHATTY_LIBRARY.warn("Call failed", new IllegalStateException(
                "GET /cgi-bin/token?grant_type=client_credential&appid=" + APP_ID + "&secret=" + APP_SECRET));

        driver.send(driver.delivery(Mode.SAFE, Samples.text(Samples.user(), "help", Samples.newMsgId())));
        queueTemplate();
        String accessToken = SIMULATOR.currentToken();

        assertThat(output.getAll())
                .doesNotContain(APP_SECRET).doesNotContain(TOKEN).doesNotContain(AES_KEY).doesNotContain(API_KEY)
                .doesNotContain(accessToken)
                .contains("send?access_token=*** HTTP/1.1", "\"secret\":\"***\"", "Bearer ***", "wechat.token=***",
                        "wechat.encoding-aes-key=***", "&secret=***", "java.lang.IllegalStateException");
        assertThat(lines(output, "Bound wechat.token")).as("no ids, and no empty brackets, outside any scope")
                .singleElement().asString().doesNotContain("msgId").doesNotContain("sendId").doesNotContain("[] ");
    }

    /** Queues a template through the API and waits until WeChat accepted it; returns the send's id. */
    private String queueTemplate() {
        return queueTemplate("Sent: msgid");
    }

    /** Queues a template through the API and waits for the send's line that starts with {@code last}. */
    private String queueTemplate(String last) {
        HttpResponse<String> queued = api.post("/api/v1/template-messages", "{\"touser\":\"" + Samples.user()
                + "\",\"template_id\":\"tmpl-order\",\"data\":{\"keyword1\":{\"value\":\"39.8元\"}}}");
        assertThat(queued.statusCode()).isEqualTo(202);
        String id = ApiClient.json(queued).get("id").asText();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                .until(() -> has(events.with(LogContext.SEND_ID, id), last));
        return id;
    }

    private static boolean has(List<ILoggingEvent> lines, String start) {
        return lines.stream().anyMatch(e -> e.getFormattedMessage().startsWith(start));
    }

    private static List<String> lines(CapturedOutput output, String text) {
        return output.getOut().lines().filter(line -> line.contains(text)).toList();
    }

    /** Every event logged during a test, with the thread and MDC it was logged with. */
    private static final class Events extends AppenderBase<ILoggingEvent> {

        private final List<ILoggingEvent> logged = new CopyOnWriteArrayList<>();

        @Override
        protected void append(ILoggingEvent event) {
            // Fixes the thread name and MDC now, on the logging thread.
            event.prepareForDeferredProcessing();
            logged.add(event);
        }

        void attach() {
            LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
            setContext(context);
            start();
            context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(this);
        }

        void detach() {
            ((LoggerContext) getContext()).getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(this);
            stop();
        }

        List<ILoggingEvent> with(String key, String id) {
            return logged.stream().filter(e -> id.equals(e.getMDCPropertyMap().get(key))).toList();
        }

        List<ILoggingEvent> withIdContaining(String key, String part) {
            return logged.stream().filter(e -> {
                String id = e.getMDCPropertyMap().get(key);
                return id != null && id.contains(part);
            }).toList();
        }

        List<ILoggingEvent> after(ILoggingEvent event) {
            return logged.subList(logged.indexOf(event) + 1, logged.size());
        }

        List<ILoggingEvent> from(String loggerName) {
            return logged.stream().filter(e -> e.getLoggerName().equals(loggerName)).toList();
        }
    }
}
