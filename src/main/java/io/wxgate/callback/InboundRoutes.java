package io.wxgate.callback;

import io.wxgate.message.WeChatMessage;
import io.wxgate.ops.GatewayMetrics;
import io.wxgate.send.DeliveryReports;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.dataformat.JsonLibrary;
import org.springframework.stereotype.Component;

/**
 * From a verified, new message to the integrators' routes, and what happens when those fail or answer late.
 */
@Component
public class InboundRoutes extends RouteBuilder {

    static final String INBOUND = "direct:wechat-inbound";
    static final String DEAD_LETTER = "direct:wechat-inbound-dead-letter";
    static final String LATE_REPLY = "direct:wechat-late-reply";
    private static final String ORIGINAL = "wechatOriginalMessage";

    private final GatewayMetrics metrics;

    public InboundRoutes(GatewayMetrics metrics) {
        this.metrics = metrics;
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
                    .process(InboundRoutes::describe)
                    .filter(e -> "TEMPLATESENDJOBFINISH".equals(e.getIn().getBody(WeChatMessage.class).getEvent()))
                        .bean(DeliveryReports.class, "report")
                    .endDoTry()
                    .to("{{wechat.inbound.endpoint}}")
                .doCatch(Exception.class)
                    .removeHeaders("*")
                    .setBody(variable(ORIGINAL))
                    .to(DEAD_LETTER)
                .end();

        from(DEAD_LETTER).routeId("wechat-inbound-dead-letter")
                .log(LoggingLevel.ERROR, "Inbound message ${body.msgId} (${body.msgType}/${body.event}) failed and is "
                        + "kept for replay: ${exception.message}")
                .process(e -> metrics.deadLetter("inbound"))
                .marshal().json(JsonLibrary.Jackson)
                .to("file:{{wechat.inbound.dead-letter-dir}}?fileName=${date:now:yyyyMMdd-HHmmss-SSS}-${exchangeId}.json");

        // Replay: move a dead letter into the replay folder; it runs through the routes again (not deduped).
        from("file:{{wechat.inbound.dead-letter-dir}}/replay?delete=true&moveFailed=../replay-failed")
                .routeId("wechat-inbound-replay")
                .unmarshal().json(JsonLibrary.Jackson, WeChatMessage.class)
                .log("Replaying inbound message ${body.msgId} from ${header.CamelFileName}")
                .to(INBOUND);

        from(LATE_REPLY).routeId("wechat-late-reply")
                .to("{{wechat.inbound.late-reply-uri}}");
    }

    private static void describe(Exchange exchange) {
        WeChatMessage m = exchange.getIn().getBody(WeChatMessage.class);
        var in = exchange.getIn();
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
