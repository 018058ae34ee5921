package io.wxgate.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
    private static final String API_KEY = "api-key-broker-listen";
    private static final WeChatApiSimulator SIM = GatewayTest.SIMULATOR;

    private static GatewayProcess gateway;
    private static int port;
    private static int brokerPort;

    @BeforeAll
    static void start() throws IOException {
        Path dir = Files.createTempDirectory("wxgate-broker-listen");
        port = GatewayProcess.freePort();
        brokerPort = GatewayProcess.freePort();
        Map<String, String> settings = GatewayProcess.sendingSettings(dir.resolve("data"), API_KEY,
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
    void aWrongPasswordNoLogInAndEverythingButThoseQueuesAreRefusedAndTheGatewayKeepsItsOwnUse() throws Exception {
        // After the gateway's own traffic: Artemis caches log-ins by user and password, so an anonymous client must
        // not be taken for the gateway, nor a failed log-in stop the gateway's own connections.
        sendThroughTheApi();
        assertThat(catchThrowable(() -> logIn("wrong").close())).isInstanceOf(JMSSecurityRuntimeException.class);
        assertThat(catchThrowable(() -> new ActiveMQConnectionFactory("tcp://127.0.0.1:" + brokerPort)
                .createContext().close())).as("no log-in").isInstanceOf(JMSSecurityRuntimeException.class);
        assertThat(catchThrowable(() -> new ActiveMQConnectionFactory("tcp://127.0.0.1:" + brokerPort,
                "wxgate-gateway", "").createContext().close())).isInstanceOf(JMSSecurityRuntimeException.class);
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
        sendThroughTheApi();
    }

    /** A template through the HTTP API: the gateway's own JMS send and consumer, in-VM. */
    private static void sendThroughTheApi() throws Exception {
        String user = Samples.user();
        HttpResponse<String> accepted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/api/v1/template-messages"))
                .header("Authorization", "Bearer " + API_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"touser\":\"" + user
                        + "\",\"template_id\":\"tmpl-order\",\"data\":{}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> SIM.deliveries("template").stream()
                .anyMatch(d -> user.equals(d.touser())));
    }
}
