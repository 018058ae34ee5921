package io.wxgate.callback;

import javax.xml.stream.XMLStreamException;

import com.fasterxml.jackson.core.JacksonException;
import io.wxgate.crypto.WeChatCipher;
import io.wxgate.message.WeChatMessage;
import io.wxgate.message.WeChatXml;
import io.wxgate.message.XmlRejectedException;
import io.wxgate.ops.GatewayMetrics;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.jacksonxml.JacksonXMLDataFormat;
import org.apache.camel.spi.IdempotentRepository;
import org.springframework.stereotype.Component;

/**
 * WeChat's front door, {@code /wechat/callback} (SPEC §2): read, verify, open, parse, dedupe, answer.
 * Every answer is written by {@link CallbackAnswer}; every failure after the signature check answers
 * {@code 200 success}, because anything else makes WeChat retry and show users "该公众号提供的服务出现故障".
 */
@Component
public class CallbackRoutes extends RouteBuilder {

    static final String VERIFIED = "WeChatVerified";
    /** The cipher that opened a safe-mode message: the reply is sealed with the same key (SPEC §7, key change). */
    private static final String SEALER = "WeChatSealer";

    private final CallbackVerifier verifier;
    private final WeChatXml xml;
    private final IdempotentRepository dedupeRepository;
    private final InboundDispatcher dispatcher;
    private final CallbackFrontDoor frontDoor;

    private final GatewayMetrics metrics;

    public CallbackRoutes(CallbackVerifier verifier, WeChatXml xml,
            IdempotentRepository dedupeRepository, InboundDispatcher dispatcher, CallbackFrontDoor frontDoor,
            GatewayMetrics metrics) {
        this.metrics = metrics;
        this.frontDoor = frontDoor;
        this.verifier = verifier;
        this.xml = xml;
        this.dedupeRepository = dedupeRepository;
        this.dispatcher = dispatcher;
    }

    @Override
    public void configure() {
        onException(CallbackRejectedException.class).handled(true)
                .process(e -> {
                    CallbackRejectedException rejected = e.getProperty(Exchange.EXCEPTION_CAUGHT,
                            CallbackRejectedException.class);
                    CallbackAnswer.text(e, rejected.status(), rejected.getMessage());
                    measure(e);
                })
                .log(LoggingLevel.DEBUG, "Callback refused: ${exception.message}");

        onException(XmlRejectedException.class, JacksonException.class, XMLStreamException.class).handled(true)
                .process(e -> {
                    CallbackAnswer.text(e, 400, "XML is not well-formed or declares a DOCTYPE");
                    measure(e);
                });

        onException(Exception.class).handled(true)
                .log(LoggingLevel.ERROR, "Callback failed after verification: ${exception}")
                // A verified message that failed before its routes ran is kept, as WeChat will not send it again.
                .filter(e -> e.getProperty(VERIFIED, false, Boolean.class) && e.getIn().getBody() instanceof WeChatMessage)
                    .to(InboundRoutes.DEAD_LETTER)
                .end()
                .process(e -> {
                    boolean verified = e.getProperty(VERIFIED, false, Boolean.class);
                    // Past the signature check only 200 is safe; before it nothing was processed.
                    CallbackAnswer.text(e, verified ? 200 : 500, verified ? CallbackAnswer.SUCCESS : "internal error");
                    measure(e);
                });

        JacksonXMLDataFormat messageXml = new JacksonXMLDataFormat(xml.mapper(), WeChatMessage.class);

        // WeChat's HTTP entry: the front door joins the gateway's Jetty server as the API's endpoints open it.
        getCamelContext().getCamelContextExtension().registerEndpointCallback(frontDoor::join);

        // Fed by CallbackFrontDoor, which reads the HTTP request; the exchange carries only the CallbackRequest.
        from(CallbackFrontDoor.ROUTE).routeId("wechat-callback")
                // Ready before the API's Jetty consumers open the port that the front door shares.
                .startupOrder(1)
                .choice()
                    .when(e -> "GET".equals(request(e).method()))
                        .process(e -> CallbackAnswer.text(e, 200, verifier.verifyEcho(request(e))))
                    .otherwise()
                        .process(e -> {
                            CallbackVerifier.Opened opened = verifier.openMessage(request(e));
                            e.getIn().setBody(opened.xml());
                            e.setProperty(SEALER, opened.sealer());
                        })
                        .setProperty(VERIFIED, constant(true))
                        // The hardened reader refuses a DOCTYPE or an entity reference as it parses (WeChatXml).
                        .unmarshal(messageXml)
                        .process(e -> e.setProperty(InboundDispatcher.DEDUPE_KEY, DedupeKeys.keyOf(
                                request(e).account().appId(), e.getIn().getBody(WeChatMessage.class))))
                        .idempotentConsumer(exchangeProperty(InboundDispatcher.DEDUPE_KEY), dedupeRepository)
                            .skipDuplicate(false)
                            .process(dispatcher)
                        .end()
                        .process(this::answer)
                .end()
                .process(this::measure);
    }

    private void answer(Exchange e) {
        String reply = e.getIn().getBody(String.class);
        CallbackRequest request = request(e);
        if (reply == null || reply.isEmpty()) {
            CallbackAnswer.text(e, 200, CallbackAnswer.SUCCESS);
        } else if (request.encrypted()) {
            CallbackAnswer.xml(e, verifier.seal(reply, request, e.getProperty(SEALER, WeChatCipher.class)));
        } else {
            CallbackAnswer.xml(e, reply);
        }
    }

    private void measure(Exchange e) {
        CallbackRequest request = request(e);
        long started = request != null ? request.arrivalNanos() : System.nanoTime();
        metrics.answered(request != null ? request.account().appId() : null,
                e.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class),
                java.time.Duration.ofNanos(System.nanoTime() - started));
    }

    private static CallbackRequest request(Exchange e) {
        return e.getProperty(CallbackRequest.PROPERTY, CallbackRequest.class);
    }
}
