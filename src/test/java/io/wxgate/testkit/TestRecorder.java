package io.wxgate.testkit;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Records what reached the integrators' routes during tests: how often each message was processed, the headers
 * it arrived with,. Referenced by the test routes as {@code testRecorder}.
 */
@Component("testRecorder")
public class TestRecorder {

    private final Map<String, AtomicInteger> processed = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> headerNames = new ConcurrentHashMap<>();

    /** Called by the test dispatch route for every message handed to the integrators. */
    public void processed(Exchange exchange) {
        String id = identity(exchange);
        processed.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
        headerNames.put(id, new TreeSet<>(exchange.getIn().getHeaders().keySet()));
    }

    public String longText() {
        return "长".repeat(700) + "-end";
    }

    public int timesProcessed(String msgIdOrEventIdentity) {
        AtomicInteger n = processed.get(msgIdOrEventIdentity);
        return n == null ? 0 : n.get();
    }

    public static String eventIdentity(String fromUser, long createTime, String event, String eventKey) {
        return fromUser + "|" + createTime + "|" + event + "|" + (eventKey == null ? "" : eventKey);
    }

    public Set<String> headersSeenBy(String msgId) {
        return headerNames.get(msgId);
    }

    private static String identity(Exchange exchange) {
        var in = exchange.getIn();
        String msgId = in.getHeader("WeChatMsgId", String.class);
        if (msgId != null) {
            return msgId;
        }
        return eventIdentity(in.getHeader("WeChatFromUser", String.class),
                in.getHeader("WeChatCreateTime", Long.class), in.getHeader("WeChatEvent", String.class),
                in.getHeader("WeChatEventKey", String.class));
    }
}
