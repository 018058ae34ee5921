package io.wxgate.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.wxgate.testkit.ApiClient;
import io.wxgate.testkit.CallbackDriver.Mode;
import io.wxgate.testkit.DownstreamServer;
import io.wxgate.testkit.NatsSubscriber;
import io.wxgate.testkit.ReadmeRecipes;
import io.wxgate.testkit.Samples;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * Issue 13: the connectors an integrator reaches for work from YAML as written, each against the machine's real
 * server — a signed callback through a gateway process, a route in its routes folder handing the message on, and
 * what the server received. PostgreSQL through the README's recipe and DATASOURCE_URL, Kafka (no server here)
 * through the README's recipe, MQTT 5 on Mosquitto, RabbitMQ, NATS from the extension folder, JSONPath and the
 * circuit breaker. Names on the shared servers are this run's own.
 */
class ConnectorsTest {

    private static final ConnectorGateway GATEWAY = new ConnectorGateway();
    private static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test";
    /** The recipe's table, as written, in a schema of this run's own (DATASOURCE_URL's currentSchema). */
    private static final String SCHEMA = "wxgate_test_" + GATEWAY.run;
    private static final String QUEUE = "wxgate-test-" + GATEWAY.run;
    /** The orders service of the circuit-breaker recipe. */
    private static final DownstreamServer ORDERS = DownstreamServer.start();
    private static CachingConnectionFactory rabbit;
    private static NatsSubscriber nats;

    @BeforeAll
    static void startGateway() throws Exception {
        try (Connection db = postgres(); Statement sql = db.createStatement()) {
            sql.execute("create schema " + SCHEMA);
            db.setSchema(SCHEMA);
            sql.execute(ReadmeRecipes.block("sql", "pg-insert-text"));
        }
        rabbit = new CachingConnectionFactory("127.0.0.1", 5672);
        rabbit.setUsername("guest");
        rabbit.setPassword("guest");
        new RabbitAdmin(rabbit).declareQueue(new Queue(QUEUE, false, false, false));
        nats = NatsSubscriber.subscribe("wxgate.test." + GATEWAY.run);
        GATEWAY.start(Map.of(
                "DATASOURCE_URL", POSTGRES + "?currentSchema=" + SCHEMA,
                "DATASOURCE_USERNAME", "postgres",
                "ORDERS_URL", "http://127.0.0.1:" + ORDERS.port() + "/orders"));
    }

    @AfterAll
    static void stopGateway() throws Exception {
        GATEWAY.close();
        if (nats != null) {
            nats.close();
        }
        if (rabbit != null) {
            new RabbitAdmin(rabbit).deleteQueue(QUEUE);
            rabbit.destroy();
        }
        try (Connection db = postgres(); Statement sql = db.createStatement()) {
            sql.execute("drop schema if exists " + SCHEMA + " cascade");
        }
    }

    @Test
    void theReadmeRecipeInsertsATextMessageIntoAPostgresTable() throws Exception {
        String user = Samples.user();
        String msgId = Samples.newMsgId();

        send(user, "pg 你好，数据库", msgId);

        // The reply says "saved" once the row is in, unless the deadline answered first (a busy machine).
        await().atMost(Duration.ofSeconds(20)).until(() -> storedText(msgId) != null);
        assertThat(storedText(msgId)).isEqualTo(user + " | pg 你好，数据库");
    }

    /** openid | content of the recipe's row of that MsgId, null while there is none; CreateTime checked on the way. */
    private static String storedText(String msgId) throws Exception {
        try (Connection db = postgres(); PreparedStatement row = db.prepareStatement(
                "select openid, content, create_time from " + SCHEMA + ".wechat_text where msgid = ?")) {
            row.setString(1, msgId);
            try (ResultSet found = row.executeQuery()) {
                if (!found.next()) {
                    return null;
                }
                assertThat(found.getLong("create_time")).isCloseTo(System.currentTimeMillis() / 1000, within(120L));
                return found.getString("openid") + " | " + found.getString("content");
            }
        }
    }

    @Test
    void theReadmeKafkaRecipeStartsAndWithoutABrokerKeepsTheMessageAsADeadLetterWhileTheReplyLeavesInTime()
            throws Exception {
        assertThat(portOpen(9092)).as("this test expects no Kafka on 127.0.0.1:9092").isFalse();
        String msgId = Samples.newMsgId();

        long start = System.nanoTime();
        HttpResponse<String> answer = send(Samples.user(), "kafka 转发", msgId);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        // The reply is made after the Kafka step: the send gave up (max-block-ms 3 s) before the 4.5 s deadline.
        assertThat(answer.body()).contains("forwarded");
        assertThat(took).isLessThan(Duration.ofMillis(4900));
        await().atMost(Duration.ofSeconds(15)).until(() -> GATEWAY.deadLetters().contains(msgId));
        // Kafka's own failure, so the record was built: the message converted to the String Kafka's serializer takes.
        assertThat(GATEWAY.log()).contains("Topic wechat-inbound not present in metadata after 3000 ms");
    }

    @Test
    void aMessageIsPublishedToMosquittoAsJson() throws Exception {
        String topic = "wxgate/test/" + GATEWAY.run;
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        MqttClient subscriber = new MqttClient("tcp://127.0.0.1:1883", "wxgate-test-" + GATEWAY.run,
                new MemoryPersistence());
        subscriber.setCallback(new Received(received));
        subscriber.connect();
        try {
            subscriber.subscribe(topic, 1);
            String user = Samples.user();

            send(user, "mqtt 你好", Samples.newMsgId());

            JsonNode json = ApiClient.json(received.poll(10, TimeUnit.SECONDS));
            assertThat(json.get("FromUserName").asText()).isEqualTo(user);
            assertThat(json.get("Content").asText()).isEqualTo("mqtt 你好");
        } finally {
            subscriber.disconnect();
            subscriber.close();
        }
    }

    @Test
    void aMessageIsPublishedToRabbitMqAsJson() {
        String user = Samples.user();

        send(user, "rabbit 你好", Samples.newMsgId());

        Message message = new RabbitTemplate(rabbit).receive(QUEUE, 10_000);
        assertThat(message).as("a message on %s", QUEUE).isNotNull();
        JsonNode json = ApiClient.json(new String(message.getBody(), StandardCharsets.UTF_8));
        assertThat(json.get("FromUserName").asText()).isEqualTo(user);
        assertThat(json.get("Content").asText()).isEqualTo("rabbit 你好");
    }

    @Test
    void aComponentDroppedInTheExtensionFolderPublishesEveryMessageToNats() throws Exception {
        // The gateway process runs on this JVM's classpath: NATS must come from GATEWAY_LIB_DIR, not from here.
        assertThatThrownBy(() -> Class.forName("io.nats.client.Connection")).isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("org.apache.camel.component.nats.NatsComponent"))
                .isInstanceOf(ClassNotFoundException.class);
        assertThat(GATEWAY.log()).contains("3 jar(s) joined the classpath: camel-nats-4.17.0.jar, "
                + "camel-nats-starter-4.17.0.jar, jnats-2.24.1.jar");
        String msgId = Samples.newMsgId();

        send(Samples.user(), "hello NATS", msgId);

        JsonNode json = null;
        for (String payload; (payload = nats.next(Duration.ofSeconds(10))) != null; ) {
            json = ApiClient.json(payload);
            if (msgId.equals(json.path("MsgId").asText())) {
                break;
            }
        }
        assertThat(json).as("the message on NATS").isNotNull();
        assertThat(json.get("MsgId").asText()).isEqualTo(msgId);
        assertThat(json.get("Content").asText()).isEqualTo("hello NATS");
    }

    /**
     * The README's circuit-breaker recipe, as written: the service's answer is the reply; five failures open the
     * breaker, and then the service is not called at all — the fallback answers at once.
     */
    @Test
    void theReadmeCircuitBreakerRecipeRepliesFromTheServiceAndOpensAfterFailures() {
        HttpResponse<String> shipped = send(Samples.user(), "order 1001", Samples.newMsgId());
        assertThat(shipped.body()).contains("shipped: order 1001");
        assertThat(ORDERS.received()).anySatisfy(r -> {
            assertThat(r.path()).isEqualTo("/orders");
            assertThat(r.contentType()).isEqualTo("application/json; charset=UTF-8");
        });

        for (int i = 0; i < 5; i++) {
            assertThat(send(Samples.user(), "order fail " + i, Samples.newMsgId()).body()).contains("订单查询暂时不可用");
        }
        int calls = ORDERS.received().size();
        HttpResponse<String> open = send(Samples.user(), "order 1002", Samples.newMsgId());

        assertThat(open.body()).contains("订单查询暂时不可用").doesNotContain("shipped");
        assertThat(ORDERS.received()).as("an open breaker does not call the service").hasSize(calls);
    }

    @Test
    void jsonPathReadsTheMessageAndTheCircuitBreakerFallsBack() {
        String user = Samples.user();

        HttpResponse<String> answer = send(user, "jsonpath please", Samples.newMsgId());

        assertThat(answer.body()).contains("fallback for " + user);
    }

    @Test
    void withADatabaseConfiguredHealthIsUpAndDoesNotCheckIt() throws Exception {
        HttpResponse<String> health = await().atMost(Duration.ofSeconds(15))
                .until(GATEWAY::health, r -> r.body().startsWith("{\"status\":\"UP\""));

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(ApiClient.json(health).get("components").has("db")).isFalse();
    }

    private static HttpResponse<String> send(String user, String content, String msgId) {
        HttpResponse<String> answer = GATEWAY.driver.send(GATEWAY.driver.delivery(Mode.PLAIN,
                Samples.text(user, content, msgId)));
        assertThat(answer.statusCode()).isEqualTo(200);
        return answer;
    }

    private static Connection postgres() throws Exception {
        return DriverManager.getConnection(POSTGRES, "postgres", "");
    }

    private static boolean portOpen(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (java.io.IOException closed) {
            return false;
        }
    }

    /** Paho's callback for a subscriber that only collects payloads. */
    private record Received(BlockingQueue<String> payloads) implements MqttCallback {

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            payloads.add(new String(message.getPayload(), StandardCharsets.UTF_8));
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
        }
    }
}
