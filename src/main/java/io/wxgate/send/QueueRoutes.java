package io.wxgate.send;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HexFormat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wxgate.config.QueueProperties;
import io.wxgate.ops.GatewayMetrics;
import io.wxgate.store.SendRecord;
import io.wxgate.store.SendStore;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * The durable send queues {@code wechat.send.template|custom|subscribe} (SPEC §4–§5), on the embedded broker
 * or, in cluster mode, RabbitMQ. A message is consumed
 * in a broker transaction that commits only after WeChat's answer is recorded, so a crash redelivers it
 * rather than losing it; the redelivery carries the same client_msg_id, so it cannot reach the user twice.
 */
@Component
public class QueueRoutes extends RouteBuilder {

    /** The send's id, set by the REST API; other JMS producers may leave it out. */
    public static final String SEND_ID = "WeChatSendId";
    private static final String RECORD = "wechatSendRecord";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SendStore store;
    private final QueueProperties queues;
    private final Clock clock;

    private final GatewayMetrics metrics;

    public QueueRoutes(SendStore store, QueueProperties queues, Clock clock, GatewayMetrics metrics) {
        this.metrics = metrics;
        this.store = store;
        this.queues = queues;
        this.clock = clock;
    }

    @Override
    public void configure() {
        for (String api : new String[] {"template", "custom", "subscribe"}) {
            from(queues.consumeUri(api))
                    .routeId("wechat-queue-" + api)
                    .process(e -> intake(e, api))
                    .filter(e -> SendRecord.QUEUED.equals(e.getVariable(RECORD, SendRecord.class).status()))
                        .removeHeaders("*")
                        .setBody(e -> e.getVariable(RECORD, SendRecord.class).request())
                        .doTry()
                            .to("direct:wechat-send-" + api)
                            .process(this::sent)
                        .doCatch(WeChatApiException.class)
                            .process(this::failed)
                        .doCatch(Exception.class)
                            .process(this::failed)
                            .log(LoggingLevel.WARN, "Send ${variable.wechatSendId} failed: ${exception.message}")
                        .end()
                    .end();
        }
    }

    /**
     * Finds or creates the send's record. A message from another JMS producer gets an id, and for templates a
     * client_msg_id, derived from its JMSMessageID, which a redelivery keeps.
     */
    private void intake(Exchange e, String api) throws Exception {
        String id = e.getIn().getHeader(SEND_ID, String.class);
        if (id == null) {
            id = "jms-" + digest(brokerMessageId(e));
            ObjectNode request = (ObjectNode) JSON.readTree(e.getIn().getBody(String.class));
            if ("template".equals(api) && request.path("client_msg_id").asText("").isEmpty()) {
                request.put("client_msg_id", id);
            }
            store.create(SendRecord.queued(id, api, request.toString(), clock.instant()));
        }
        String sendId = id;
        SendRecord record = store.find(id).orElseThrow(() -> new IllegalStateException("no record for send " + sendId));
        e.setVariable("wechatSendId", id);
        e.setVariable(RECORD, record);
    }

    private void sent(Exchange e) throws Exception {
        JsonNode answer = JSON.readTree(e.getMessage().getBody(String.class));
        int attempts = e.getProperty(SendRoutes.ATTEMPTS, 0, Integer.class);
        store.update(e.getVariable("wechatSendId", String.class),
                r -> r.sent(answer.path("msgid").asLong(0), attempts, clock.instant()));
    }

    private void failed(Exchange e) {
        metrics.deadLetter("send");
        Throwable cause = e.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        int attempts = e.getProperty(SendRoutes.ATTEMPTS, 0, Integer.class);
        Integer errcode = cause instanceof WeChatApiException w ? w.getErrcode() : null;
        String errmsg = cause instanceof WeChatApiException w ? w.getErrmsg()
                : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        store.update(e.getVariable("wechatSendId", String.class),
                r -> r.failed(errcode, errmsg, attempts, clock.instant()));
    }

    /** The broker's own id of the message, which stays the same when the broker redelivers it. */
    private static String brokerMessageId(Exchange e) {
        String id = e.getIn().getHeader("JMSMessageID", String.class);
        if (id == null) {
            id = e.getIn().getHeader("CamelSpringRabbitmqMessageId", String.class);
        }
        if (id == null) {
            // No broker id (an AMQP producer that sets no message-id): a redelivery cannot be recognised.
            id = java.util.UUID.randomUUID().toString();
        }
        return id;
    }

    private static String digest(String jmsMessageId) throws Exception {
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(jmsMessageId.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(hash, 0, 14);
    }
}
