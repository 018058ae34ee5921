package io.wxgate.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.wxgate.crypto.WeChatCipher;
import io.wxgate.simulator.WeChatApiSimulator;
import io.wxgate.testkit.CallbackDriver;
import io.wxgate.testkit.GatewayProcess;
import io.wxgate.testkit.GatewayTest;
import io.wxgate.testkit.Samples;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSSecurityRuntimeException;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SPEC §5: systems that speak messaging send through the JMS queues, and read what the forward puts on
 * wechat.inbound, from outside the gateway: the embedded broker listens (gateway.broker.listen) for a logged-in user
 * who may do that and nothing else. A real gateway process, a real Artemis JMS client over TCP.
 */
class BrokerListenTest {

    private static final String USER = "erp";
    private static final String PASSWORD = "broker-password-7c1d";
    private static final WeChatApiSimulator SIM = GatewayTest.SIMULATOR;

    private static GatewayProcess gateway;
    private static int port;
    private static int brokerPort;

    @BeforeAll
    static void start() throws IOException {
        Path dir = Files.createTempDirectory("wxgate-broker-listen");
        port = GatewayProcess.freePort();
        brokerPort = GatewayProcess.freePort();
        Map<String, String> settings = GatewayProcess.sendingSettings(dir.resolve("data"), "api-key-bl",
                SIM.baseUrl(), 2);
        settings.put("gateway.broker.listen", "127.0.0.1:" + brokerPort);
        settings.put("gateway.broker.user", USER);
        settings.put("gateway.broker.password", PASSWORD);
        gateway = GatewayProcess.start(port, settings, dir.resolve("gateway.log"));
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
                driver().get(driver().echoQuery("ready")).statusCode() == 200);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.stop();
        }
    }

    private static CallbackDriver driver() {
        return new CallbackDriver(URI.create("http://127.0.0.1:" + port + "/wechat/callback"), GatewayTest.TOKEN,
                new WeChatCipher(GatewayTest.AES_KEY, GatewayTest.APP_ID));
    }

    private static JMSContext logIn(String password) {
        return new ActiveMQConnectionFactory("tcp://127.0.0.1:" + brokerPort, USER, password).createContext();
    }

    @Test
    void aTemplateSentToTheQueueFromOutsideIsDelivered() {
        String user = Samples.user();
        try (JMSContext jms = logIn(PASSWORD)) {
            jms.createProducer().send(jms.createQueue("wechat.send.template"), "{\"touser\":\"" + user
                    + "\",\"template_id\":\"tmpl-order\",\"data\":{\"k\":{\"value\":\"v\"}}}");
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> SIM.deliveries("template").stream()
                .anyMatch(d -> user.equals(d.touser())));
    }

    @Test
    void everyMessageWeChatPostsCanBeReadFromTheInboundQueueFromOutside() {
        String msgId = Samples.newMsgId();
        try (JMSContext jms = logIn(PASSWORD);
                JMSConsumer inbound = jms.createConsumer(jms.createQueue("wechat.inbound"))) {
            assertThat(driver().send(driver().delivery(CallbackDriver.Mode.PLAIN,
                    Samples.text("o-listen", "hello", msgId))).statusCode()).isEqualTo(200);

            String json = null;
            for (long end = System.nanoTime() + 20_000_000_000L; System.nanoTime() < end; ) {
                String body = inbound.receiveBody(String.class, 1000);
                if (body != null && body.contains(msgId)) {
                    json = body;
                    break;
                }
            }
            assertThat(json).as("the forwarded message").isNotNull().contains("\"MsgId\"").contains("o-listen");
        }
    }

    @Test
    void aWrongPasswordAndEverythingButThoseQueuesAreRefused() {
        assertThat(catchThrowable(() -> logIn("wrong").close())).isInstanceOf(JMSSecurityRuntimeException.class);
        try (JMSContext jms = logIn(PASSWORD)) {
            Throwable toInbound = catchThrowable(() ->
                    jms.createProducer().send(jms.createQueue("wechat.inbound"), "{\"forged\":true}"));
            Throwable fromSends = catchThrowable(() -> jms.createConsumer(jms.createQueue("wechat.send.template")));
            Throwable newQueue = catchThrowable(() ->
                    jms.createProducer().send(jms.createQueue("elsewhere"), "x"));

            assertThat(toInbound).isInstanceOf(JMSSecurityRuntimeException.class);
            assertThat(fromSends).isInstanceOf(JMSSecurityRuntimeException.class);
            assertThat(newQueue).isInstanceOf(JMSSecurityRuntimeException.class);
        }
    }
}
