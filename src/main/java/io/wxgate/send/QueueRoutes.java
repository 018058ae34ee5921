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
    private static final String SEND_ID_VARIABLE = "wechatSendId";
    private static final String FAILURE = "wechatSendFailure";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(QueueRoutes.class);
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
                        .process(e -> store.update(e.getVariable(SEND_ID_VARIABLE, String.class),
                                r -> r.calling(clock.instant())))
                        .doTry()
                            .to("direct:wechat-send-" + api)
                        .doCatch(Exception.class)
                            .setVariable(FAILURE, exchangeProperty(Exchange.EXCEPTION_CAUGHT))
                        .end()
                        // Outside the try: a status that cannot be written fails the message, which the broker
                        // then redelivers, instead of calling a send WeChat accepted a failure.
                        .process(this::record)
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
        if (record.inFlight() && SendRecord.QUEUED.equals(record.status()) && !"template".equals(api)) {
            // Delivered again after a crash mid-call: WeChat may have delivered it, and only templates carry a
            // client_msg_id that lets WeChat drop a repeat. Not sending twice beats sending again.
            record = store.update(id, r -> r.failed(null, "outcome unknown: the gateway stopped during the call; "
                    + "not sent again to avoid a duplicate (replay to send it anyway)", 0, clock.instant())).orElseThrow();
            metrics.deadLetter("send");
        }
        e.setVariable(SEND_ID_VARIABLE, id);
        e.setVariable(RECORD, record);
    }

    private void record(Exchange e) throws Exception {
        Throwable failure = e.getVariable(FAILURE, Throwable.class);
        int attempts = e.getProperty(SendRoutes.ATTEMPTS, 0, Integer.class);
        String id = e.getVariable(SEND_ID_VARIABLE, String.class);
        if (failure == null) {
            JsonNode answer = JSON.readTree(e.getMessage().getBody(String.class));
            store.update(id, r -> r.sent(answer.path("msgid").asLong(0), attempts, clock.instant()));
            return;
        }
        metrics.deadLetter("send");
        Integer errcode = failure instanceof WeChatApiException w ? w.getErrcode() : null;
        String errmsg = failure instanceof WeChatApiException w ? w.getErrmsg()
                : failure.getClass().getSimpleName() + ": " + failure.getMessage();
        LOG.warn("Send {} failed: {}", id, errmsg);
        store.update(id, r -> r.failed(errcode, errmsg, attempts, clock.instant()));
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
