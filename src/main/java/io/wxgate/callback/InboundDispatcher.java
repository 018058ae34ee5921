package io.wxgate.callback;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import io.wxgate.account.Accounts;
import io.wxgate.message.Reply;
import io.wxgate.message.WeChatMessage;
import io.wxgate.ops.GatewayMetrics;
import io.wxgate.ops.LogContext;
import io.wxgate.store.FirstReplyStore;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.AsyncProcessorSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs inside the idempotent consumer: the first delivery of a message starts the integrators' routes on a
 * worker; the first delivery and every retry then wait for the first delivery's answer, never past the
 * deadline (SPEC §2). The HTTP thread is not held while waiting.
 *
 * <p>Whoever records the answer first wins ({@link FirstReplyStore#offer}): the routes when they finish in
 * time, the deadline (with {@code success}) when they do not. A reply that loses that race, or a text too long
 * for a passive reply, is handed to the late-reply route so the user still receives it.
 */
public final class InboundDispatcher extends AsyncProcessorSupport implements AsyncProcessor {

    public static final String DEDUPE_KEY = "WeChatDedupeKey";
    private static final Logger LOG = LoggerFactory.getLogger(InboundDispatcher.class);
    private static final CompletableFuture<Void> FIRST_DELIVERY = CompletableFuture.completedFuture(null);

    private final FirstReplyStore replies;
    private final ProducerTemplate producer;
    private final ExecutorService workers;
    private final long deadlineNanos;
    private final GatewayMetrics metrics;
    private volatile Endpoint inbound;

    public InboundDispatcher(FirstReplyStore replies, ProducerTemplate producer, ExecutorService workers,
            Duration deadline, GatewayMetrics metrics) {
        this.metrics = metrics;
        this.replies = replies;
        this.producer = producer;
        this.workers = workers;
        this.deadlineNanos = deadline.toNanos();
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        String key = exchange.getProperty(DEDUPE_KEY, String.class);
        boolean retry = exchange.getProperty(Exchange.DUPLICATE_MESSAGE, false, Boolean.class);
        CallbackRequest request = exchange.getProperty(CallbackRequest.PROPERTY, CallbackRequest.class);
        WeChatMessage message = exchange.getIn().getBody(WeChatMessage.class);
        String appId = request.account().appId();
        CompletableFuture<String> first = replies.replyFor(key);
        // Done for the first delivery. A retry owns the message only if the instance that claimed it died
        // unanswered and this retry took the lapsed claim over (SPEC §6); it then processes it as the first would.
        CompletableFuture<Void> owned = retry ? replies.takeOver(key) : FIRST_DELIVERY;
        if (retry) {
            metrics.duplicate(appId);
            if (LOG.isDebugEnabled()) {
                LOG.debug("Retry of {}: answered with the first delivery's reply", InboundRoutes.logId(message, key));
            }
            owned.thenRun(() -> {
                LOG.warn("Took over {}: the instance that claimed it stopped before answering",
                        InboundRoutes.logId(message, key));
                start(key, message, appId);
            });
        } else {
            metrics.callback(appId, message.getMsgType(), message.getEvent());
            start(key, message, appId);
        }
        long remaining = deadlineNanos - (System.nanoTime() - request.arrivalNanos());
        first.copy()
                // Past the deadline the copy fails with a TimeoutException; a store that failed is answered alike.
                .orTimeout(Math.max(0, remaining), TimeUnit.NANOSECONDS)
                .whenComplete((answer, failure) -> {
                    // Cancelling fails only once this delivery owns the message: then it settles the answer.
                    boolean owner = !owned.cancel(false);
                    String body = "";
                    try {
                        if (failure != null) {
                            if (owner && replies.offer(key, "")) {
                                // Claimed the answer for success; had the routes won the race a moment ago, theirs stands.
                                metrics.deadlineHit(appId);
                            }
                            answer = first.getNow("");
                        }
                        body = answer;
                    } catch (RuntimeException e) {
                        // A shared store out of reach must not keep WeChat waiting: answer success in time.
                        LOG.error("First reply of {} could not be settled: {}", key, e.toString());
                    } finally {
                        exchange.getMessage().setBody(body);
                        callback.done(false);
                    }
                });
        return false;
    }

    private void start(String key, WeChatMessage message, String appId) {
        try {
            workers.execute(() -> runRoutes(key, message, appId));
        } catch (RejectedExecutionException e) {
            LOG.error("Inbound workers saturated; message {} kept as a dead letter", key);
            producer.send(InboundRoutes.DEAD_LETTER, ex -> {
                ex.getIn().setBody(message);
                ex.setVariable(Accounts.APP_ID_HEADER, appId);
                ex.setProperty(Exchange.EXCEPTION_CAUGHT, e);
            });
            replies.offer(key, "");
        }
    }

    private void runRoutes(String key, WeChatMessage message, String appId) {
        // Workers are pooled: the scope closes here, before the worker takes the next message.
        try (LogContext context = LogContext.message(InboundRoutes.logId(message, key))) {
            if (LOG.isDebugEnabled()) {
                String event = message.getEvent();
                LOG.debug("Accepted {}{}", message.getMsgType(), event == null ? "" : " " + event);
            }
            routeAndAnswer(key, message, appId);
        }
    }

    private void routeAndAnswer(String key, WeChatMessage message, String appId) {
        // InOnly: a route's to: jms:… or spring-rabbitmq:… must not wait for a reply (camel-notes §6).
        Exchange done = producer.send(inbound(), ExchangePattern.InOnly, ex -> {
            ex.getIn().setBody(message);
            ex.setVariable(Accounts.APP_ID_HEADER, appId);
        });
        Reply reply = null;
        String answer = "";
        if (done.isFailed()) {
            // Only reachable when even the dead-letter route failed: nothing else is left to keep it.
            LOG.error("Failed and could not be kept as a dead letter", done.getException());
        } else {
            reply = done.getVariable(PassiveReplies.REPLY, Reply.class);
            answer = done.getMessage().getBody(String.class);
        }
        boolean inTime = replies.offer(key, answer);
        if (!inTime && reply == null) {
            LOG.info("Routes finished after the callback deadline, which answered success");
        } else if (LOG.isDebugEnabled()) {
            LOG.debug("Routes done, {}", reply == null ? "no reply" : reply.getClass().getSimpleName() + " reply");
        }
        if (reply != null && (answer.isEmpty() || !inTime)) {
            handOverLate(reply, answer.isEmpty() ? "too-long" : "deadline", message, appId);
        }
    }

    /** Resolved once: looking an endpoint up by its URI normalises the URI on every call. */
    private Endpoint inbound() {
        Endpoint endpoint = inbound;
        if (endpoint == null) {
            endpoint = producer.getCamelContext().getEndpoint(InboundRoutes.INBOUND);
            inbound = endpoint;
        }
        return endpoint;
    }

    private void handOverLate(Reply reply, String reason, WeChatMessage message, String appId) {
        LOG.info("Reply goes out as a customer-service message ({})", reason);
        producer.send(InboundRoutes.LATE_REPLY, ex -> {
            ex.getIn().setBody(reply);
            ex.getIn().setHeader("WeChatFromUser", message.getFromUserName());
            ex.getIn().setHeader("WeChatToUser", message.getToUserName());
            ex.getIn().setHeader("WeChatLateReason", reason);
            // The user is that account's follower: the customer-service message goes out with its token.
            ex.getIn().setHeader(Accounts.APP_ID_HEADER, appId);
        });
    }
}
