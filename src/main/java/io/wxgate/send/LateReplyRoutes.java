package io.wxgate.send;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wxgate.account.Accounts;
import io.wxgate.config.QueueProperties;
import io.wxgate.config.SendApi;
import io.wxgate.message.Reply;
import io.wxgate.ops.LogContextPolicy;
import org.apache.camel.ExchangePattern;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * A reply that missed the callback deadline, or a text too long for a passive reply, still reaches the user:
 * as a customer-service message, allowed right after the user's own message (SPEC §2, wechat-protocol.md §7).
 * It goes through the durable custom queue like any other send, so it survives a crash, has a status, and
 * becomes a dead letter if WeChat refuses it.
 */
@Component
public class LateReplyRoutes extends RouteBuilder {

    /** The log EIP would otherwise log under the route id, outside logging.level.io.wxgate. */
    private static final String LOG_NAME = LateReplyRoutes.class.getName();

    private final SendIntake intake;
    private final QueueProperties queues;
    private final Accounts accounts;

    public LateReplyRoutes(SendIntake intake, QueueProperties queues, Accounts accounts) {
        this.intake = intake;
        this.accounts = accounts;
        this.queues = queues;
    }

    @Override
    public void configure() {
        // Called while the inbound message's log scope is open, so these lines also carry its MsgId.
        from("direct:wechat-reply-as-custom").routeId("wechat-reply-as-custom")
                .onException(Exception.class).handled(true)
                    .log(LoggingLevel.ERROR, LOG_NAME, "Late reply to ${variable.lateReplyTo} could not be queued: "
                            + "${exception.message}")
                .end()
                .setVariable("lateReplyTo", header("WeChatFromUser"))
                .process(e -> {
                    ObjectNode request = CustomMessages.of(e.getMessage().getBody(Reply.class),
                            e.getMessage().getHeader("WeChatFromUser", String.class));
                    // The reply goes to the user of the account the message came to, with that account's token.
                    String appId = accounts.require(e.getMessage().getHeader(Accounts.APP_ID_HEADER, String.class))
                            .appId();
                    String id = intake.accept(SendApi.CUSTOM, appId, request);
                    e.getMessage().removeHeaders("*");
                    e.getMessage().setHeader(QueueRoutes.SEND_ID, id);
                    e.getMessage().setBody(request.toString());
                })
                .policy(LogContextPolicy.send(e -> e.getMessage().getHeader(QueueRoutes.SEND_ID, String.class)))
                    .to(ExchangePattern.InOnly, queues.produceUri(SendApi.CUSTOM))
                    .log(LoggingLevel.DEBUG, LOG_NAME, "Late reply queued as a customer-service message")
                .end();
    }
}
