package io.wxgate.send;

import io.wxgate.message.Reply;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * A reply that missed the callback deadline, or a text too long for a passive reply, still reaches the user:
 * as a customer-service message, allowed right after the user's own message (SPEC §2, wechat-protocol.md §7).
 */
@Component
public class LateReplyRoutes extends RouteBuilder {

    @Override
    public void configure() {
        from("direct:wechat-reply-as-custom").routeId("wechat-reply-as-custom")
                .onException(Exception.class).handled(true)
                    .log(LoggingLevel.WARN, "Late reply to ${variable.lateReplyTo} could not be sent: ${exception.message}")
                .end()
                .setVariable("lateReplyTo", header("WeChatFromUser"))
                .process(e -> e.getMessage().setBody(CustomMessages.of(e.getMessage().getBody(Reply.class),
                        e.getMessage().getHeader("WeChatFromUser", String.class))))
                .to("direct:wechat-send-custom")
                .log(LoggingLevel.DEBUG, "Late reply to ${variable.lateReplyTo} sent as a customer-service message");
    }
}
