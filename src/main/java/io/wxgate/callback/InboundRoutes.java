package io.wxgate.callback;

import java.time.Clock;

import io.wxgate.account.Accounts;
import io.wxgate.config.WeChatProperties;
import io.wxgate.message.ImageUploads;
import io.wxgate.message.WeChatMessage;
import io.wxgate.ops.GatewayMetrics;
import io.wxgate.ops.LogContextPolicy;
import io.wxgate.send.DeliveryReports;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.Processor;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.dataformat.JsonLibrary;
import org.apache.camel.processor.SendProcessor;
import org.springframework.stereotype.Component;

/**
 * From a verified, new message to the integrators' routes, and what happens when those fail or answer late.
 */
@Component
public class InboundRoutes extends RouteBuilder {

    /** Where the dispatcher hands each new message; the route check (io.wxgate.check) hands its examples here too. */
    public static final String INBOUND = "direct:wechat-inbound";
    static final String DEAD_LETTER = "direct:wechat-inbound-dead-letter";
    static final String LATE_REPLY = "direct:wechat-late-reply";
    private static final String ORIGINAL = "wechatOriginalMessage";
    private static final String REPLAYED_LETTER = "wechatReplayedLetter";

    /** The log EIP would otherwise log under the route id, outside logging.level.io.wxgate. */
    private static final String LOG_NAME = InboundRoutes.class.getName();

    private final GatewayMetrics metrics;
    private final String defaultAppId;
    private final PassiveReplies passiveReplies;
    private final InboundDeadLetters deadLetters;

    public InboundRoutes(GatewayMetrics metrics, WeChatProperties settings, Clock clock,
            InboundDeadLetters deadLetters, ImageUploads images) {
        this.metrics = metrics;
        this.deadLetters = deadLetters;
        this.defaultAppId = settings.appId();
        this.passiveReplies = new PassiveReplies(clock, ORIGINAL, images, this::appIdOf);
    }

    /** The id a message's log lines carry (MDC msgId): its MsgId, or for an event, which has none, its dedupe key. */
    static String logId(WeChatMessage message, String dedupeKey) {
        return message.getMsgId() != null ? message.getMsgId() : dedupeKey;
    }

    /** A log scope for routes entered with the message as body but without the dispatcher's scope around them. */
    private LogContextPolicy messageScope() {
        return LogContextPolicy.message(e -> e.getIn().getBody() instanceof WeChatMessage m
                ? logId(m, DedupeKeys.keyOf(appIdOf(e), m)) : null);
    }

    /**
     * The account a message came to: set by the dispatcher (or a replay) as a variable, carried as the
     * {@code WeChatAppId} header through the integrators' routes, known from the callback request before either.
     */
    private String appIdOf(Exchange e) {
        String appId = e.getVariable(Accounts.APP_ID_HEADER, String.class);
        if (appId == null) {
            appId = e.getIn().getHeader(Accounts.APP_ID_HEADER, String.class);
        }
        if (appId == null && e.getProperty(CallbackRequest.PROPERTY) instanceof CallbackRequest request) {
            appId = request.account().appId();
        }
        return appId != null ? appId : defaultAppId;
    }

    @Override
    public void configure() {
        // Integrators' routes keep Camel's default error handler, which settles a failure inside them before a
        // dead letter channel here would see it; catching around the call sees every failure, wherever it happened.
        from(INBOUND).routeId("wechat-inbound")
                .setVariable(ORIGINAL, body())
                .doTry()
                    // SPEC §3: exactly these headers and no others reach the integrators' routes.
                    .removeHeaders("*")
                    .process(this::describe)
                    .filter(e -> "TEMPLATESENDJOBFINISH".equals(e.getIn().getBody(WeChatMessage.class).getEvent()))
                        .bean(DeliveryReports.class, "report")
                    .endDoTry()
                    .process(integratorsRoutes())
                .doCatch(Exception.class)
                    .removeHeaders("*")
                    .setBody(variable(ORIGINAL))
                    .to(DEAD_LETTER)
                // The answer: the reply headers the routes set, as passive-reply XML (empty body: answer success).
                // Finally, because once a route's own dead letter channel has handled a failure Camel skips the rest
                // of every route the exchange came through, this one's too: WeChat then got as its answer whatever
                // body the dead-letter route left, the message's JSON.
                .doFinally()
                    .process(passiveReplies)
                .end();

        // Also reached when the inbound workers are saturated, outside a message's log scope: it opens its own.
        ProcessorDefinition<?> keep = from(DEAD_LETTER).routeId("wechat-inbound-dead-letter")
                .policy(messageScope())
                    .log(LoggingLevel.ERROR, LOG_NAME, "Inbound ${body.msgType}/${body.event} failed and is kept for "
                            + "replay: ${exception.message}")
                    .process(e -> metrics.deadLetter(appIdOf(e), "inbound"))
                    .marshal().json(JsonLibrary.Jackson)
                    .process(e -> e.getIn().setHeader(Exchange.FILE_NAME,
                            deadLetters.fileName(e.getExchangeId(), appIdOf(e))));
        if (deadLetters.shared() == null) {
            keep.to(deadLetters.folderUri());
        } else {
            // Cluster mode: in Redis, where every instance lists and replays it.
            keep.process(e -> deadLetters.shared().keep(
                    InboundDeadLetters.idOf(e.getIn().getHeader(Exchange.FILE_NAME, String.class)),
                    e.getIn().getBody(String.class)));
        }
        keep.end();

        // Replay: move a dead letter into the replay folder; it runs through the routes again (not deduped).
        from(deadLetters.replayUri()).routeId("wechat-inbound-replay")
                .unmarshal().json(JsonLibrary.Jackson, WeChatMessage.class)
                .process(e -> e.setVariable(Accounts.APP_ID_HEADER,
                        deadLetters.appIdOf(e.getIn().getHeader(Exchange.FILE_NAME_ONLY, String.class))))
                .setVariable(REPLAYED_LETTER, header(Exchange.FILE_NAME_ONLY))
                // Cluster mode: a letter another instance holds is its to run; this copy is dropped.
                .filter(e -> deadLetters.claim(e.getVariable(REPLAYED_LETTER, String.class)))
                .policy(messageScope())
                    .log(LoggingLevel.INFO, LOG_NAME, "Replaying the dead letter ${header.CamelFileName}")
                    // Ran, or failed again and kept as a new letter: either way this one is done. Failing beyond that
                    // (the new letter could not be kept), it stays. The inbound route removes every header, so the
                    // letter's name is kept in a variable.
                    .doTry()
                        .to(INBOUND)
                        .process(e -> deadLetters.replayed(e.getVariable(REPLAYED_LETTER, String.class)))
                    .doCatch(Exception.class)
                        .process(e -> {
                            deadLetters.release(e.getVariable(REPLAYED_LETTER, String.class));
                            throw e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
                        })
                    .end()
                .end()
                .end();

        from(LATE_REPLY).routeId("wechat-late-reply")
                .to("{{wechat.inbound.late-reply-uri}}");
    }

    /**
     * {@code to: {{wechat.inbound.endpoint}}}, except that a {@code stop} in the integrators' routes ends their
     * routes only: Camel's stop skips the rest of every route the exchange is in, this one's doFinally too, and
     * WeChat then got the message's JSON as its answer instead of the reply the route had set, or success.
     */
    private Processor integratorsRoutes() {
        SendProcessor send = new SendProcessor(getCamelContext().getEndpoint("{{wechat.inbound.endpoint}}"));
        try {
            getCamelContext().addService(send, true, true);
        } catch (Exception e) {
            throw new IllegalStateException("Could not start the call of " + send.getDestination(), e);
        }
        return exchange -> {
            send.process(exchange);
            exchange.setRouteStop(false);
        };
    }

    private void describe(Exchange exchange) {
        WeChatMessage m = exchange.getIn().getBody(WeChatMessage.class);
        var in = exchange.getIn();
        in.setHeader(Accounts.APP_ID_HEADER, appIdOf(exchange));
        setIfPresent(in, "WeChatMsgType", m.getMsgType());
        setIfPresent(in, "WeChatEvent", m.getEvent());
        setIfPresent(in, "WeChatEventKey", m.getEventKey());
        setIfPresent(in, "WeChatFromUser", m.getFromUserName());
        setIfPresent(in, "WeChatToUser", m.getToUserName());
        // TEMPLATESENDJOBFINISH spells it MsgID and it names the template send it reports on.
        setIfPresent(in, "WeChatMsgId", m.getMsgId() != null ? m.getMsgId() : m.getTemplateMsgId());
        setIfPresent(in, "WeChatCreateTime", m.getCreateTime());
        setIfPresent(in, "WeChatContent", m.getContent());
    }

    private static void setIfPresent(org.apache.camel.Message in, String name, Object value) {
        if (value != null) {
            in.setHeader(name, value);
        }
    }
}
