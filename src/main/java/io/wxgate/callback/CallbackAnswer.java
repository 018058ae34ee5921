package io.wxgate.callback;

import org.apache.camel.Exchange;

/**
 * Writes the one answer a callback gets. Every path ends here, so the rules of SPEC §2 hold in one place:
 * no request or downstream header survives, the status is explicit (an empty body would become 204), and the
 * body is never empty.
 */
public final class CallbackAnswer {

    static final String SUCCESS = "success";
    private static final String TEXT = "text/plain;charset=UTF-8";
    private static final String XML = "application/xml;charset=UTF-8";

    private CallbackAnswer() {
    }

    static void text(Exchange exchange, int status, String body) {
        write(exchange, status, TEXT, body);
    }

    static void xml(Exchange exchange, String body) {
        write(exchange, 200, XML, body);
    }

    private static void write(Exchange exchange, int status, String contentType, String body) {
        var message = exchange.getMessage();
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, contentType);
        message.setBody(body);
    }
}
