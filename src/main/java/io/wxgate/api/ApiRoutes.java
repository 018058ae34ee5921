package io.wxgate.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wxgate.callback.InboundDeadLetters;
import io.wxgate.config.GatewayProperties;
import io.wxgate.config.QueueProperties;
import io.wxgate.config.SendApi;
import io.wxgate.message.Json;
import io.wxgate.ops.OperatorAlerts;
import io.wxgate.send.QueueRoutes;
import io.wxgate.send.SendIntake;
import io.wxgate.send.WeChatApiException;
import io.wxgate.store.SendRecord;
import io.wxgate.store.SendStore;
import io.wxgate.token.AccessToken;
import io.wxgate.token.AccessTokenSource;
import io.wxgate.token.TokenUnavailableException;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestBindingMode;
import org.springframework.stereotype.Component;

/**
 * The API for enterprise systems (SPEC §5), on the callback's port: queue sends, read their status, list and
 * replay dead letters, hand out the central access_token, and list and clear operator alerts. Every request needs
 * {@code Authorization: Bearer $GATEWAY_API_KEY}; without a configured key every request is refused.
 */
@Component
public class ApiRoutes extends RouteBuilder {

    private static final ObjectMapper JSON = Json.MAPPER;
    private static final int MAX_BODY = 64 * 1024;
    private static final String BODY_LIMIT = "apiBodyLimit";

    private final byte[] apiKey;
    private final SendStore store;
    private final AccessTokenSource tokens;
    private final InboundDeadLetters inboundDeadLetters;
    private final QueueProperties queues;
    private final Clock clock;

    private final SendIntake intake;
    private final OperatorAlerts alerts;

    public ApiRoutes(GatewayProperties gateway, InboundDeadLetters inboundDeadLetters, SendStore store,
            AccessTokenSource tokens, QueueProperties queues, SendIntake intake, OperatorAlerts alerts, Clock clock) {
        this.intake = intake;
        this.alerts = alerts;
        this.queues = queues;
        this.apiKey = gateway.apiKey().getBytes(StandardCharsets.UTF_8);
        this.store = store;
        this.tokens = tokens;
        this.inboundDeadLetters = inboundDeadLetters;
        this.clock = clock;
    }

    @Override
    public void configure() {
        restConfiguration().component("jetty").host("{{gateway.http-host}}").port("{{gateway.http-port}}")
                .bindingMode(RestBindingMode.off)
                // Every request meets BodyLimit before the servlet reads a byte (WeChat's callback path is answered
                // by its front door, CallbackFrontDoor, ahead of it).
                .endpointProperty("handlers", "#" + BODY_LIMIT);
        getCamelContext().getRegistry().bind(BODY_LIMIT, new BodyLimit(MAX_BODY));

        onException(ApiRejection.class).handled(true).process(e -> {
            ApiRejection r = e.getProperty(Exchange.EXCEPTION_CAUGHT, ApiRejection.class);
            ObjectNode body = JSON.createObjectNode().put("error", r.getMessage());
            if (r.field() != null) {
                body.put("field", r.field());
            }
            ApiAnswer.json(e, r.status(), body);
        });
        onException(WeChatApiException.class).handled(true).process(e -> {
            WeChatApiException w = e.getProperty(Exchange.EXCEPTION_CAUGHT, WeChatApiException.class);
            ApiAnswer.json(e, 502, JSON.createObjectNode().put("error", "WeChat refused the call")
                    .put("errcode", w.getErrcode()).put("errmsg", w.getErrmsg()));
        });
        onException(TokenUnavailableException.class).handled(true).process(e -> ApiAnswer.json(e, 502,
                JSON.createObjectNode().put("error", "WeChat refused the call")
                        .put("errcode", TokenUnavailableException.ERRCODE)
                        .put("errmsg", e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class).getMessage())));
        onException(Exception.class).handled(true)
                .log(LoggingLevel.ERROR, "API request failed: ${exception}")
                .process(e -> ApiAnswer.json(e, 500, JSON.createObjectNode().put("error", "internal error")));

        interceptFrom().process(this::authorize);

        var v1 = rest("/api/v1");
        for (SendApi api : SendApi.values()) {
            v1.post("/" + api.resource()).to("direct:api-queue-" + api.key())
                    .get("/" + api.resource() + "/{id}").to("direct:api-status-" + api.key());
        }
        v1.get("/access-token").to("direct:api-access-token")
                .get("/dead-letters").to("direct:api-dead-letters")
                .post("/dead-letters/{id}/replay").to("direct:api-replay")
                .get("/alerts").to("direct:api-alerts")
                .delete("/alerts/{errcode}").to("direct:api-alert-clear");

        for (SendApi api : SendApi.values()) {
            from("direct:api-queue-" + api.key()).routeId("api-queue-" + api.key())
                    .process(e -> accept(e, api))
                    .to(ExchangePattern.InOnly, queues.produceUri(api))
                    .process(e -> ApiAnswer.json(e, 202, JSON.createObjectNode()
                            .put("id", e.getVariable("sendId", String.class)).put("status", SendRecord.QUEUED)));

            from("direct:api-status-" + api.key()).routeId("api-status-" + api.key())
                    .process(e -> {
                        String id = e.getIn().getHeader("id", String.class);
                        SendRecord record = store.find(id).filter(r -> api.key().equals(r.api()))
                                .orElseThrow(() -> new ApiRejection(404, "no such " + api.key() + " message", null));
                        ApiAnswer.json(e, 200, ApiAnswer.status(record));
                    });
        }

        from("direct:api-access-token").routeId("api-access-token")
                .process(e -> {
                    AccessToken token = tokens.current();
                    long left = Math.max(0, Duration.between(clock.instant(), token.expiresAt()).toSeconds());
                    ApiAnswer.json(e, 200, JSON.createObjectNode().put("access_token", token.value())
                            .put("expires_in", left));
                });

        from("direct:api-dead-letters").routeId("api-dead-letters")
                .process(this::listDeadLetters);

        from("direct:api-replay").routeId("api-replay")
                .process(this::replay)
                .choice().when(variable("replaySend").isNotNull())
                    .setBody(e -> e.getVariable("replaySend", SendRecord.class).request())
                    .setHeader(QueueRoutes.SEND_ID, variable("replayId"))
                    .setExchangePattern(ExchangePattern.InOnly)
                    .toD(queues.produceUri("${variable.replayApi}"))
                    .setExchangePattern(ExchangePattern.InOut)
                .end()
                .process(e -> ApiAnswer.json(e, 202, JSON.createObjectNode()
                        .put("id", e.getVariable("replayId", String.class))
                        .put("status", e.getVariable("replayStatus", String.class))));

        // The operator alerts that health shows (SPEC §4), for the operator who fixed their cause.
        from("direct:api-alerts").routeId("api-alerts")
                .process(e -> {
                    ObjectNode body = JSON.createObjectNode();
                    ArrayNode list = body.putArray("alerts");
                    new TreeMap<>(alerts.active()).values().forEach(alert -> list.add(JSON.valueToTree(alert)));
                    ApiAnswer.json(e, 200, body);
                });

        from("direct:api-alert-clear").routeId("api-alert-clear")
                .process(e -> {
                    String errcode = e.getIn().getHeader("errcode", String.class);
                    OperatorAlerts.Alert cleared = (errcode.matches("-?\\d{1,9}")
                            ? alerts.clear(Integer.parseInt(errcode)) : Optional.<OperatorAlerts.Alert>empty())
                            .orElseThrow(() -> new ApiRejection(404, "no such alert", null));
                    ApiAnswer.json(e, 200, JSON.valueToTree(cleared));
                });
    }

    /** Constant-time key check; an unset key refuses everyone (SPEC §1). */
    private void authorize(Exchange e) {
        String header = e.getIn().getHeader("Authorization", String.class);
        byte[] presented = header != null && header.startsWith("Bearer ")
                ? header.substring(7).trim().getBytes(StandardCharsets.UTF_8) : new byte[0];
        if (apiKey.length == 0 || !MessageDigest.isEqual(apiKey, presented)) {
            throw new ApiRejection(401, "missing or wrong bearer key", null);
        }
    }

    private void accept(Exchange e, SendApi api) {
        String contentType = e.getIn().getHeader(Exchange.CONTENT_TYPE, "", String.class).toLowerCase();
        if (!contentType.startsWith("application/json")) {
            throw new ApiRejection(415, "Content-Type must be application/json", null);
        }
        ObjectNode request = SendRequests.parse(api, e.getIn().getBody(String.class));
        String id = intake.accept(api, request);
        e.setVariable("sendId", id);
        var message = e.getMessage();
        message.removeHeaders("*");
        message.setHeader(QueueRoutes.SEND_ID, id);
        message.setBody(request.toString());
    }

    private void listDeadLetters(Exchange e) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode sends = body.putArray("sends");
        for (SendRecord record : store.failed(500)) {
            sends.add(ApiAnswer.status(record).put("api", record.api()).put("updatedAt", record.updatedAt().toString()));
        }
        ArrayNode inbound = body.putArray("inbound");
        for (InboundDeadLetters.Letter letter : inboundDeadLetters.list()) {
            inbound.addObject().put("id", letter.id()).put("message", letter.message());
        }
        ApiAnswer.json(e, 200, body);
    }

    private void replay(Exchange e) throws IOException {
        String id = e.getIn().getHeader("id", String.class);
        e.setVariable("replayId", id);
        var send = store.find(id);
        if (send.isPresent()) {
            // The check and the change are one atomic update, so two concurrent replays queue the send once.
            java.util.concurrent.atomic.AtomicReference<String> found = new java.util.concurrent.atomic.AtomicReference<>();
            SendRecord requeued = store.update(id, r -> {
                found.set(r.status());
                return SendRecord.FAILED.equals(r.status()) ? r.requeued(clock.instant()) : r;
            }).orElseThrow();
            if (!SendRecord.FAILED.equals(found.get())) {
                throw new ApiRejection(409, "send " + id + " is " + found.get() + ", not failed", null);
            }
            e.setVariable("replaySend", requeued);
            e.setVariable("replayApi", requeued.api());
            e.setVariable("replayStatus", SendRecord.QUEUED);
            e.getMessage().removeHeaders("*");
            return;
        }
        if (!inboundDeadLetters.replay(id)) {
            throw new ApiRejection(404, "no such dead letter", null);
        }
        e.setVariable("replayStatus", "replaying");
    }
}
