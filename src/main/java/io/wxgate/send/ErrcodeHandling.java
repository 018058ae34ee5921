package io.wxgate.send;

import java.io.IOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wxgate.config.SendApi;
import io.wxgate.config.SendProperties;
import io.wxgate.message.Json;
import io.wxgate.ops.LogContext;
import io.wxgate.ops.OperatorAlerts;
import io.wxgate.token.AccessTokens;
import io.wxgate.token.TokenUnavailableException;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.model.OnExceptionDefinition;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * What each errcode behaviour of SPEC §4 does, in one route configuration that the send routes opt into.
 * Which errcode gets which behaviour is {@code wechat.send.errcodes} in application.yaml, not code.
 * Redelivery repeats the failing step, {@code direct:wechat-api-call}, which fetches its token afresh.
 */
@Component
public class ErrcodeHandling extends RouteConfigurationBuilder {

    public static final String ID = "wechat-errcodes";
    private static final Logger LOG = LoggerFactory.getLogger(ErrcodeHandling.class);
    private static final String TOKEN_REFRESHED = "wechatTokenRefreshed";
    private static final String FALLBACK_USED = "wechatFallbackUsed";
    private static final String TRANSIENT_RETRIES = "wechatTransientRetries";

    private final SendProperties send;
    private final AccessTokens tokens;
    private final OperatorAlerts alerts;

    public ErrcodeHandling(SendProperties send, AccessTokens tokens, OperatorAlerts alerts) {
        this.send = send;
        this.tokens = tokens;
        this.alerts = alerts;
    }

    @Override
    public void configuration() {
        RouteConfigurationDefinition errcodes = routeConfiguration(ID);
        // Each behaviour keeps its own budget in an exchange variable: Camel's redelivery counter is shared by
        // all clauses, so busy retries would otherwise use up the one token refresh, or the reverse. Every
        // clause names its own onRedelivery, since Camel keeps the last one set otherwise.

        // Drop the token only if it is still the one that failed, then try once more with a fresh one.
        errcodes.onException(TokenRejectedException.class)
                .retryWhile(e -> e.getVariable(TOKEN_REFRESHED) == null)
                .redeliveryDelay(0)
                .onRedelivery(e -> {
                    e.setVariable(TOKEN_REFRESHED, true);
                    tokens.of(e.getVariable(SendRoutes.APP_ID, String.class))
                            .invalidate(e.getVariable(SendRoutes.TOKEN, String.class));
                    debugRetry(e, "Retry with a fresh access_token");
                });

        errcodes.onException(TemplateRejectedException.class)
                .onWhen(e -> e.getVariable(FALLBACK_USED) == null && fallbackTemplateOf(e) != null)
                .retryWhile(e -> e.getVariable(FALLBACK_USED) == null)
                .redeliveryDelay(0)
                .onRedelivery(this::useFallbackTemplate);

        errcodes.onException(CustomWindowClosedException.class)
                .onWhen(e -> e.getVariable(FALLBACK_USED) == null && !send.customFallbackTemplate().isEmpty()
                        && customText(e) != null)
                .retryWhile(e -> e.getVariable(FALLBACK_USED) == null)
                .redeliveryDelay(0)
                .onRedelivery(this::sendAsTemplate);

        // Another instance's token fetch outlasting the wait is as transient as WeChat's own busy answer.
        withBackoff(errcodes.onException(WeChatBusyException.class, TokenUnavailableException.class));

        // A transport fault or an unreadable answer is repeated only where a repeat cannot reach the user twice:
        // the request never left (TransportFaults), or it is a template that WeChat dedupes by client_msg_id.
        withBackoff(errcodes.onException(IOException.class, UnreadableAnswerException.class)
                .onWhen(e -> e.getVariable(SendRoutes.API, SendApi.class).dedupedByClientMsgId()
                        || TransportFaults.beforeSending(e.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class))));

        // The same faults where a repeat could reach the user twice: no retry, the send ends failed.
        errcodes.onException(IOException.class)
                .maximumRedeliveries(0);

        errcodes.onException(OperatorAlertException.class)
                .maximumRedeliveries(0)
                .process(e -> {
                    OperatorAlertException alert = e.getProperty(Exchange.EXCEPTION_CAUGHT, OperatorAlertException.class);
                    alerts.raise(e.getVariable(SendRoutes.APP_ID, String.class), alert.getErrcode(), alert.getErrmsg(),
                            e.getVariable(SendRoutes.API, SendApi.class).key());
                });

        errcodes.onException(WeChatApiException.class)
                .maximumRedeliveries(0);

        // A send that ends failed is logged once, as a WARN line with its errcode (QueueRoutes), and an operator
        // alert once at ERROR (OperatorAlerts): not also by Camel's error handler, at ERROR with a stack trace, for
        // every failed send. Failures no clause names (a bug) keep Camel's ERROR.
        errcodes.getOnExceptions().forEach(clause -> clause.logExhausted(false));
    }

    /** Bounded exponential backoff, shared by every transient fault: one budget, wechat.send.backoff. */
    private void withBackoff(OnExceptionDefinition clause) {
        SendProperties.Backoff backoff = send.backoff();
        clause.retryWhile(this::transientBudgetLeft)
                .redeliveryDelay(backoff.initialDelay().toMillis())
                .useExponentialBackOff().backOffMultiplier(backoff.multiplier())
                .maximumRedeliveryDelay(backoff.maxDelay().toMillis())
                .asyncDelayedRedelivery()
                .onRedelivery(this::spendTransientBudget);
    }

    private boolean transientBudgetLeft(Exchange e) {
        return e.getVariable(TRANSIENT_RETRIES, 0, Integer.class) < send.backoff().maxRetries();
    }

    private void spendTransientBudget(Exchange e) {
        int retry = e.getVariable(TRANSIENT_RETRIES, 0, Integer.class) + 1;
        e.setVariable(TRANSIENT_RETRIES, retry);
        if (LOG.isDebugEnabled()) {
            debugRetry(e, "Retry " + retry + " of " + send.backoff().maxRetries());
        }
    }

    /** Redeliveries may run on another thread than the consumer's, hence the send's own log scope. */
    private static void debugRetry(Exchange e, String retry) {
        if (LOG.isDebugEnabled()) {
            try (LogContext context = QueueRoutes.logContext(e)) {
                LOG.debug("{} after {}", retry, failureOf(e));
            }
        }
    }

    /** WeChat's errcode and errmsg, or the transport fault. */
    private static String failureOf(Exchange e) {
        Throwable failure = e.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (failure instanceof WeChatApiException w) {
            return "errcode " + w.errcodeGiven() + ", " + w.getErrmsg();
        }
        if (failure == null) {
            return "an unknown failure";
        }
        return failure.getClass().getSimpleName() + ": " + failure.getMessage();
    }

    private String fallbackTemplateOf(Exchange e) {
        JsonNode request = request(e);
        return send.fallbackTemplates().get(request.path("template_id").asText(""));
    }

    private void useFallbackTemplate(Exchange e) {
        e.setVariable(FALLBACK_USED, true);
        ObjectNode request = request(e);
        String refused = request.path("template_id").asText();
        request.put("template_id", fallbackTemplateOf(e));
        e.setVariable(SendRoutes.REQUEST, request.toString());
        try (LogContext context = QueueRoutes.logContext(e)) {
            LOG.info("WeChat refused template {}; sending the fallback template {}", refused,
                    request.path("template_id").asText());
        }
    }

    /** The text of a customer-service text message, the only kind a template can stand in for. */
    private static String customText(Exchange e) {
        JsonNode request = request(e);
        if (e.getVariable(SendRoutes.API, SendApi.class) != SendApi.CUSTOM
                || !"text".equals(request.path("msgtype").asText())) {
            return null;
        }
        JsonNode content = request.path("text").path("content");
        return content.isTextual() ? content.asText() : null;
    }

    private void sendAsTemplate(Exchange e) {
        e.setVariable(FALLBACK_USED, true);
        ObjectNode template = Json.MAPPER.createObjectNode();
        template.put("touser", request(e).path("touser").asText());
        template.put("template_id", send.customFallbackTemplate());
        template.putObject("data").putObject(send.customFallbackDataKey()).put("value", customText(e));
        e.setVariable(SendRoutes.REQUEST, SendRoutes.withClientMsgId(e, SendApi.TEMPLATE, template).toString());
        e.setVariable(SendRoutes.API, SendApi.TEMPLATE);
        e.setVariable(SendRoutes.PATH, SendApi.TEMPLATE.wechatPath());
        try (LogContext context = QueueRoutes.logContext(e)) {
            LOG.info("Customer-service message refused ({}); sending it as template {}",
                    failureOf(e), send.customFallbackTemplate());
        }
    }

    private static ObjectNode request(Exchange e) {
        try {
            return (ObjectNode) Json.MAPPER.readTree(e.getVariable(SendRoutes.REQUEST, String.class));
        } catch (IOException ex) {
            throw new IllegalStateException("send request is not JSON", ex);
        }
    }
}
