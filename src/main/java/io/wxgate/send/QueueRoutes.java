package io.wxgate.send;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HexFormat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wxgate.store.SendRecord;
import io.wxgate.store.SendStore;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * The durable send queues {@code wechat.send.template|custom|subscribe} (SPEC §4–§5). A message is consumed
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
    private final Clock clock;

    public QueueRoutes(SendStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public static String queueUri(String api) {
        return "jms:queue:wechat.send." + api;
    }

    @Override
    public void configure() {
        for (String api : new String[] {"template", "custom", "subscribe"}) {
            from(queueUri(api) + "?transacted=true&concurrentConsumers={{wechat.queue.consumers}}"
                    + "&maxConcurrentConsumers={{wechat.queue.consumers}}")
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
            id = "jms-" + digest(e.getIn().getHeader("JMSMessageID", String.class));
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
        Throwable cause = e.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        int attempts = e.getProperty(SendRoutes.ATTEMPTS, 0, Integer.class);
        Integer errcode = cause instanceof WeChatApiException w ? w.getErrcode() : null;
        String errmsg = cause instanceof WeChatApiException w ? w.getErrmsg()
                : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        store.update(e.getVariable("wechatSendId", String.class),
                r -> r.failed(errcode, errmsg, attempts, clock.instant()));
    }

    private static String digest(String jmsMessageId) throws Exception {
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(jmsMessageId.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(hash, 0, 14);
    }
}
