package io.wxgate.callback;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.function.Function;

import io.wxgate.message.ImageUploads;
import io.wxgate.message.Reply;
import io.wxgate.message.ReplyHeaders;
import io.wxgate.message.ReplyXml;
import io.wxgate.message.WeChatMessage;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last step of the inbound route: the reply headers the integrators' routes set become WeChat's passive-reply
 * XML, the body, or an empty body when there is no reply to give in the answer. Rendered once per message, so the
 * first delivery and every retry get the very same XML, CreateTime included. The reply itself stays in the
 * {@link #REPLY} variable, for the late-reply route when the answer cannot carry it.
 */
public final class PassiveReplies implements Processor {

    /** The variable holding the {@link Reply}; read by the dispatcher, and by the route check to compare it. */
    public static final String REPLY = "wechatPassiveReply";
    /** A passive text reply is cut off by WeChat past this many bytes (Senparc TextResponseLimitOptions). */
    static final int MAX_PASSIVE_TEXT_BYTES = 2048;
    private static final Logger LOG = LoggerFactory.getLogger(PassiveReplies.class);

    private final Clock clock;
    private final String originalVariable;
    private final ImageUploads images;
    private final Function<Exchange, String> appIdOf;

    /**
     * @param originalVariable the variable holding the message as the routes received it; they may change the body
     * @param images           makes an image reply of WeChatReplyImageUrl, for the account {@code appIdOf} names
     */
    PassiveReplies(Clock clock, String originalVariable, ImageUploads images, Function<Exchange, String> appIdOf) {
        this.clock = clock;
        this.originalVariable = originalVariable;
        this.images = images;
        this.appIdOf = appIdOf;
    }

    @Override
    public void process(Exchange exchange) {
        Message out = exchange.getMessage();
        String xml = "";
        try {
            // An image by URL is uploaded here, on the routes' worker: past the callback deadline the answer has gone
            // as success, and the dispatcher sends the image as a customer-service message instead (SPEC §8).
            Reply reply = ReplyHeaders.fromHeaders(out::getHeader,
                    url -> images.mediaIdOf(appIdOf.apply(exchange), url)).orElse(null);
            if (reply != null) {
                exchange.setVariable(REPLY, reply);
                if (!tooLongForPassive(reply)) {
                    WeChatMessage message = exchange.getVariable(originalVariable, WeChatMessage.class);
                    xml = ReplyXml.render(reply, message.getFromUserName(), message.getToUserName(),
                            clock.millis() / 1000);
                }
            }
        } catch (RuntimeException e) {
            // A reply header a route got wrong: the user gets no reply, the operator gets the reason.
            LOG.error("Reply could not be built: {}", e.getMessage());
            exchange.removeVariable(REPLY);
        }
        out.setBody(xml);
    }

    private static boolean tooLongForPassive(Reply reply) {
        return reply instanceof Reply.Text text
                && text.content().getBytes(StandardCharsets.UTF_8).length > MAX_PASSIVE_TEXT_BYTES;
    }
}
