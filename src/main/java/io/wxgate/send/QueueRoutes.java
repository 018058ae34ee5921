package io.wxgate.send;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HexFormat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wxgate.account.Accounts;
import io.wxgate.account.UnknownAccountException;
import io.wxgate.config.QueueProperties;
import io.wxgate.config.SendApi;
import io.wxgate.message.Json;
import io.wxgate.ops.GatewayMetrics;
import io.wxgate.ops.LogContext;
import io.wxgate.ops.LogContextPolicy;
import io.wxgate.store.SendRecord;
import io.wxgate.store.SendStore;
import io.wxgate.token.TokenUnavailableException;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * The durable send queues {@code wechat.send.template|custom|subscribe} (SPEC §4–§5), on the embedded broker
 * or, in cluster mode, RabbitMQ. A message is consumed
 * in a broker transaction that commits only after WeChat's answer is recorded, so a crash redelivers it
 * rather than losing it; the redelivery carries the same send id, hence the same client_msg_id, so it cannot
 * reach the user twice.
 */
@Component
public class QueueRoutes extends RouteBuilder {

    /** The send's id, set by the REST API; other JMS producers may leave it out. */
    public static final String SEND_ID = "WeChatSendId";
    private static final String RECORD = "wechatSendRecord";
    private static final String SEND_ID_VARIABLE = "wechatSendId";
    private static final String FAILURE = "wechatSendFailure";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(QueueRoutes.class);

    private final SendStore store;
    private final QueueProperties queues;
    private final Clock clock;

    private final GatewayMetrics metrics;
    private final String defaultAppId;

    public QueueRoutes(SendStore store, QueueProperties queues, Clock clock, GatewayMetrics metrics,
            Accounts accounts) {
        this.metrics = metrics;
        this.defaultAppId = accounts.defaultAccount().appId();
        this.store = store;
        this.queues = queues;
        this.clock = clock;
    }

    @Override
    public void configure() {
        for (SendApi api : SendApi.values()) {
            from(queues.consumeUri(api))
                    .routeId("wechat-queue-" + api.key())
                    .process(e -> identify(e, api))
                    // Every line logged from here on, the token fetch and the HTTP client's included, names the send.
                    .policy(LogContextPolicy.send(QueueRoutes::sendIdOf))
                        .process(e -> load(e, api))
                        .filter(e -> SendRecord.QUEUED.equals(e.getVariable(RECORD, SendRecord.class).status()))
                            .removeHeaders("*")
                            .process(e -> e.getMessage().setHeader(Accounts.APP_ID_HEADER,
                                    e.getVariable(RECORD, SendRecord.class).appid()))
                            .setBody(e -> e.getVariable(RECORD, SendRecord.class).request())
                            .process(e -> store.update(e.getVariable(SEND_ID_VARIABLE, String.class),
                                    r -> r.calling(clock.instant())))
                            .doTry()
                                .to(api.endpoint())
                            .doCatch(Exception.class)
                                .setVariable(FAILURE, exchangeProperty(Exchange.EXCEPTION_CAUGHT))
                            .end()
                            // Outside the try: a status that cannot be written fails the message, which the broker
                            // then redelivers, instead of calling a send WeChat accepted a failure.
                            .process(this::record)
                        .end()
                    .end();
        }
    }

    /**
     * The send's id. A message from another JMS producer gets one derived from its JMSMessageID, which a
     * redelivery keeps (and with it a template's client_msg_id); its record is created here, for the account of
     * its string property {@code WeChatAppId} (absent: the default account). An AppId no account has is recorded
     * as it came and fails when sent, so the producer finds the reason in the send's status.
     */
    private void identify(Exchange e, SendApi api) throws Exception {
        String id = e.getIn().getHeader(SEND_ID, String.class);
        if (id == null) {
            id = "jms-" + digest(brokerMessageId(e));
            String appId = e.getIn().getHeader(Accounts.APP_ID_HEADER, String.class);
            ObjectNode request = (ObjectNode) Json.MAPPER.readTree(e.getIn().getBody(String.class));
            store.create(SendRecord.queued(id, appId == null || appId.isEmpty() ? defaultAppId : appId, api.key(),
                    request.toString(), clock.instant()));
        }
        e.setVariable(SEND_ID_VARIABLE, id);
    }

    private void load(Exchange e, SendApi api) {
        String id = e.getVariable(SEND_ID_VARIABLE, String.class);
        SendRecord record = store.find(id).orElseThrow(() -> new IllegalStateException("no record for send " + id));
        LOG.debug("Taken from the {} queue, status {}", api.key(), record.status());
        if (record.inFlight() && SendRecord.QUEUED.equals(record.status()) && !api.dedupedByClientMsgId()) {
            // Delivered again after a crash mid-call: WeChat may have delivered it, and only templates carry a
            // client_msg_id that lets WeChat drop a repeat. Not sending twice beats sending again.
            LOG.warn("Redelivered after the gateway stopped during its call to WeChat: failed, not sent again");
            record = store.update(id, r -> r.failed(null, "outcome unknown: the gateway stopped during the call; "
                    + "not sent again to avoid a duplicate (replay to send it anyway)", 0, clock.instant())).orElseThrow();
            metrics.deadLetter(record.appid(), "send");
        }
        e.setVariable(RECORD, record);
    }

    /** The id of the queued send this exchange works on; null for a send from an in-JVM producer. */
    static String sendIdOf(Exchange e) {
        return e.getVariable(SEND_ID_VARIABLE, String.class);
    }

    /**
     * The send's log scope, for a line that may be written on another thread than the consumer's: a backoff
     * redelivery continues on Camel's redelivery thread.
     */
    static LogContext logContext(Exchange e) {
        return LogContext.send(sendIdOf(e));
    }

    private void record(Exchange e) throws Exception {
        try (LogContext context = logContext(e)) {
            recordOutcome(e, sendIdOf(e), e.getVariable(FAILURE, Throwable.class));
        }
    }

    private void recordOutcome(Exchange e, String id, Throwable failure) throws Exception {
        int attempts = e.getProperty(SendRoutes.ATTEMPTS, 0, Integer.class);
        if (failure == null) {
            JsonNode answer = Json.MAPPER.readTree(e.getMessage().getBody(String.class));
            long msgid = answer.path("msgid").asLong(0);
            store.update(id, r -> r.sent(msgid, attempts, clock.instant()));
            if (LOG.isDebugEnabled()) {
                LOG.debug("Sent: msgid {} after {} attempt(s)", msgid, attempts);
            }
            return;
        }
        metrics.deadLetter(e.getVariable(RECORD, SendRecord.class).appid(), "send");
        Integer errcode = failure instanceof WeChatApiException w ? w.errcodeGiven()
                : failure instanceof TokenUnavailableException ? Integer.valueOf(TokenUnavailableException.ERRCODE)
                : null;
        String errmsg = failure instanceof WeChatApiException w ? w.getErrmsg()
                : failure instanceof TokenUnavailableException || failure instanceof UnknownAccountException
                        ? failure.getMessage()
                : failure.getClass().getSimpleName() + ": " + failure.getMessage();
        // Retries exhausted, a permanent errcode, an operator alert (also logged once at ERROR): all end here.
        LOG.warn("Failed after {} attempt(s): errcode {}, {}", attempts, errcode, errmsg);
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
