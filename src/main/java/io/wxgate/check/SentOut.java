package io.wxgate.check;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * What the routes sent out of the gateway while a route check ran an example: one entry per message that reached an
 * endpoint standing in for a broker, a database, an HTTP service or the WeChat API.
 */
final class SentOut {

    /**
     * One message sent out, as the endpoint would have received it.
     *
     * @param uri     the endpoint's URI, as Camel normalised it
     * @param body    the body as text (a parsed WeChat message as its JSON, as a real endpoint would get it)
     * @param headers the headers at that moment
     * @param failure the exception the exchange had caught by then (a dead letter's reason), or null
     */
    record Sent(String uri, String body, Map<String, Object> headers, Throwable failure) {
    }

    private final List<Sent> sent = new ArrayList<>();

    void record(String uri, Exchange exchange) {
        Message message = exchange.getMessage();
        // Read as the endpoint would read it; a stream body is read once here, as it would have been there.
        String body = message.getBody(String.class);
        Sent entry = new Sent(uri, body, new LinkedHashMap<>(message.getHeaders()),
                exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
        synchronized (sent) {
            sent.add(entry);
        }
    }

    List<Sent> all() {
        synchronized (sent) {
            return List.copyOf(sent);
        }
    }

    void clear() {
        synchronized (sent) {
            sent.clear();
        }
    }
}
