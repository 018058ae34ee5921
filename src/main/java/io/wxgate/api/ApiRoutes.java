package io.wxgate.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wxgate.account.Account;
import io.wxgate.account.Accounts;
import io.wxgate.callback.InboundDeadLetters;
import io.wxgate.config.GatewayProperties;
import io.wxgate.config.QueueProperties;
import io.wxgate.config.SendApi;
import io.wxgate.message.Json;
import io.wxgate.ops.OperatorAlerts;
import io.wxgate.send.QueueRoutes;
import io.wxgate.send.SendIntake;
import io.wxgate.send.WeChatApiException;
import io.wxgate.store.SendPage;
import io.wxgate.store.SendQuery;
import io.wxgate.store.SendRecord;
import io.wxgate.store.SendStore;
import io.wxgate.token.AccessToken;
import io.wxgate.token.AccessTokens;
import io.wxgate.token.TokenUnavailableException;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestBindingMode;
import org.springframework.stereotype.Component;

/**
 * The API for enterprise systems (SPEC §5, §7), on the callback's port: queue sends, read their status, list and
 * filter sends, list and replay dead letters, hand out the central access_token, and list and clear operator alerts. The paths of §5 act
 * on the default account, the same paths under {@code /api/v1/accounts/{appId}} on that account. Every path, status
 * and body is described in {@code openapi/wxgate-api.yaml}, served at {@code GET /api/v1/openapi.json}.
 *
 * <p>Every request needs a bearer key: {@code GATEWAY_API_KEY} may act on every account; an account's own
 * {@code api-key} on that account only. Such a key gets 403 on another account's paths and on what the §5 paths
 * do for the default account (send, token, clear an alert); where the §5 paths read (a send by id, the dead
 * letters, the alerts) it sees its own account's entries only, and another account's are 404 to it.
 */
@Component
public class ApiRoutes extends RouteBuilder {

    private static final ObjectMapper JSON = Json.MAPPER;
    private static final int MAX_BODY = 64 * 1024;
    /**
     * Media uploads through the proxy: a file of up to 10 MiB (SPEC §8; wechat-protocol.md §15: the largest temporary
     * media, video, is 10 MB) with its multipart framing (part headers, boundaries), for which 64 KiB are left.
     */
    public static final int MAX_PROXY_BODY = 10 * 1024 * 1024 + 64 * 1024;
    private static final String FRONT_DOOR = "apiFrontDoor";
    static final String UNAUTHORIZED = "missing or wrong bearer key";
    private static final String HTTP_BINDING = "apiHttpBinding";
    /** The paths of one account: {@code /api/v1/accounts/{appId}/…}. AppIds are [A-Za-z0-9_-] (AccountsFile). */
    private static final Pattern ACCOUNT_PATH = Pattern.compile("(?i)/api/v1/accounts/([^/]*)(?:/.*)?");
    /** Exchange variables set by {@link #authorize}: the Account a path acts on, the caller's own AppId if any. */
    private static final String TARGET = "apiAccount";
    private static final String CALLER = "apiCaller";
    private static final String ACCOUNT_PATH_USED = "apiAccountPath";

    private final byte[] apiKey;
    private final Accounts accounts;
    private final SendStore store;
    private final AccessTokens tokens;
    private final InboundDeadLetters inboundDeadLetters;
    private final QueueProperties queues;
    private final Clock clock;

    private final SendIntake intake;
    private final OperatorAlerts alerts;
    private final ObjectNode description = ApiDescription.load();

    public ApiRoutes(GatewayProperties gateway, Accounts accounts, InboundDeadLetters inboundDeadLetters,
            SendStore store, AccessTokens tokens, QueueProperties queues, SendIntake intake, OperatorAlerts alerts,
            Clock clock) {
        this.accounts = accounts;
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
                // Every request meets ApiFrontDoor before the servlet reads a byte (WeChat's callback path is answered
                // by its front door, CallbackFrontDoor, ahead of it).
                .endpointProperty("handlers", "#" + FRONT_DOOR)
                .endpointProperty("httpBinding", "#" + HTTP_BINDING)
                .endpointProperty("enableMultipartFilter", "false");
        getCamelContext().getRegistry().bind(FRONT_DOOR, new ApiFrontDoor(MAX_BODY, MAX_PROXY_BODY,
                header -> callerOf(header, accounts.snapshot()) != null));
        getCamelContext().getRegistry().bind(HTTP_BINDING, new ApiHttpBinding());

        onException(ApiRejection.class).handled(true).process(e -> {
            ApiRejection r = e.getProperty(Exchange.EXCEPTION_CAUGHT, ApiRejection.class);
            ObjectNode body = JSON.createObjectNode().put("error", r.getMessage());
            if (r.field() != null) {
                body.put("field", r.field());
            }
            if (r.errcode() != null || r.errmsg() != null) {
                body.put("errcode", r.errcode()).put("errmsg", r.errmsg());
            }
            ApiAnswer.json(e, r.status(), body);
        });
        onException(WeChatApiException.class).handled(true).process(e -> {
            WeChatApiException w = e.getProperty(Exchange.EXCEPTION_CAUGHT, WeChatApiException.class);
            refusedByWeChat(e, w.errcodeGiven(), w.getErrmsg());
        });
        // Another instance's token fetch outlasting the wait: answered as WeChat's own busy answer would be.
        onException(TokenUnavailableException.class).handled(true).process(e -> refusedByWeChat(e,
                TokenUnavailableException.ERRCODE,
                e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class).getMessage()));
        onException(Exception.class).handled(true)
                .log(LoggingLevel.ERROR, "API request failed: ${exception}")
                .process(e -> ApiAnswer.json(e, 500, JSON.createObjectNode().put("error", "internal error")));

        interceptFrom().process(this::authorize);

        // Both forms of a path run the same steps; authorize() has put the account the path names in TARGET. The
        // REST DSL inlines the route behind each verb, so each form has its own copy: "api-…" and "api-account-…".
        var v1 = rest("/api/v1");
        for (String base : new String[] {"", "/accounts/{appId}"}) {
            String via = base.isEmpty() ? "api-" : "api-account-";
            for (SendApi api : SendApi.values()) {
                v1.post(base + "/" + api.resource()).to("direct:" + via + "queue-" + api.key())
                        .get(base + "/" + api.resource() + "/{id}").to("direct:" + via + "status-" + api.key());
            }
            v1.get(base + "/sends").to("direct:" + via + "sends")
                    .get(base + "/access-token").to("direct:" + via + "access-token")
                    .get(base + "/alerts").to("direct:" + via + "alerts")
                    .delete(base + "/alerts/{errcode}").to("direct:" + via + "alert-clear")
                    // JS-SDK and web authorization (SPEC §8): their routes are webapp/WebAppRoutes.
                    .get(base + "/jsapi-ticket").to("direct:" + via + "jsapi-ticket")
                    .post(base + "/jssdk-config").to("direct:" + via + "jssdk-config")
                    .get(base + "/oauth/user").to("direct:" + via + "oauth-user");
            // The WeChat proxy (SPEC §8, io.wxgate.proxy). WeChat's paths have several segments (cgi-bin/media/upload)
            // and a REST {name} matches one: the trailing * is the REST matcher's wildcard (RestConsumerContextPathMatcher
            // falls back to it when no template matches), so the proxy stays a REST verb behind this class's
            // authorize(), and ProxyRoutes takes the WeChat path from the request URI.
            // The REST DSL inlines the route behind a verb, so each verb leads to a direct: endpoint of its own.
            String proxy = base + "/wechat/*";
            String proxyRoute = "direct:" + via + "wechat-proxy-";
            v1.get(proxy).to(proxyRoute + "get").post(proxy).to(proxyRoute + "post").put(proxy).to(proxyRoute + "put")
                    .delete(proxy).to(proxyRoute + "delete").patch(proxy).to(proxyRoute + "patch")
                    .head(proxy).to(proxyRoute + "head");
            accountRoutes(via);
        }
        v1.get("/dead-letters").to("direct:api-dead-letters")
                .post("/dead-letters/{id}/replay").to("direct:api-replay")
                // This API's OpenAPI description, behind the same key: it describes an authenticated API.
                .get("/openapi.json").to("direct:api-openapi");

        from("direct:api-openapi").routeId("api-openapi")
                .process(e -> ApiAnswer.json(e, 200, description));

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
    }

    /** The routes of the paths both of the default account and under each account's; ids start with {@code via}. */
    private void accountRoutes(String via) {
        for (SendApi api : SendApi.values()) {
            from("direct:" + via + "queue-" + api.key()).routeId(via + "queue-" + api.key())
                    .process(e -> accept(e, api))
                    .to(ExchangePattern.InOnly, queues.produceUri(api))
                    .process(e -> ApiAnswer.json(e, 202, JSON.createObjectNode()
                            .put("id", e.getVariable("sendId", String.class)).put("status", SendRecord.QUEUED)));

            from("direct:" + via + "status-" + api.key()).routeId(via + "status-" + api.key())
                    .process(e -> {
                        String id = e.getIn().getHeader("id", String.class);
                        SendRecord record = store.find(id).filter(r -> api.key().equals(r.api()))
                                .filter(r -> visible(e, r.appid()))
                                .orElseThrow(() -> new ApiRejection(404, "no such " + api.key() + " message", null));
                        ApiAnswer.json(e, 200, ApiAnswer.status(record));
                    });
        }

        // Every send the key may see, filtered and a page at a time (README "The API for enterprise systems").
        from("direct:" + via + "sends").routeId(via + "sends")
                .process(this::listSends);

        from("direct:" + via + "access-token").routeId(via + "access-token")
                .process(e -> {
                    AccessToken token = tokens.of(actingAccount(e)).current();
                    long left = Math.max(0, Duration.between(clock.instant(), token.expiresAt()).toSeconds());
                    ApiAnswer.json(e, 200, JSON.createObjectNode().put("access_token", token.value())
                            .put("expires_in", left));
                });

        // The operator alerts that health shows (SPEC §4), for the operator who fixed their cause.
        from("direct:" + via + "alerts").routeId(via + "alerts")
                .process(e -> {
                    ObjectNode body = JSON.createObjectNode();
                    ArrayNode list = body.putArray("alerts");
                    alerts.active().stream().filter(alert -> visible(e, alert.appid()))
                            .forEach(alert -> list.add(JSON.valueToTree(alert)));
                    ApiAnswer.json(e, 200, body);
                });

        from("direct:" + via + "alert-clear").routeId(via + "alert-clear")
                .process(e -> {
                    String appId = actingAccount(e).appId();
                    String errcode = e.getIn().getHeader("errcode", String.class);
                    OperatorAlerts.Alert cleared = (errcode.matches("-?\\d{1,9}")
                            ? alerts.clear(appId, Integer.parseInt(errcode)) : Optional.<OperatorAlerts.Alert>empty())
                            .orElseThrow(() -> new ApiRejection(404, "no such alert", null));
                    ApiAnswer.json(e, 200, JSON.valueToTree(cleared));
                });
    }

    private static void refusedByWeChat(Exchange e, Integer errcode, String errmsg) {
        ApiAnswer.json(e, 502, JSON.createObjectNode().put("error", "WeChat refused the call")
                .put("errcode", errcode).put("errmsg", errmsg));
    }

    /**
     * Who calls, and which account the path acts on. GATEWAY_API_KEY is compared in constant time, accounts' keys by
     * their digest (Accounts.Snapshot), so the answer's timing tells nothing about a key. An unset GATEWAY_API_KEY
     * turns the API off: 401 to everyone, accounts' own keys included (SPEC §1). The accounts' keys are those in
     * force now: a key removed from the accounts file stops working with the reload. The account comes from the
     * request's own path (camel-http drops Camel* request headers), never from a header a client could add.
     */
    private void authorize(Exchange e) {
        Accounts.Snapshot now = accounts.snapshot();
        Caller who = callerOf(e.getIn().getHeader(ApiHttpBinding.AUTHORIZATION, String.class), now);
        if (who == null) {
            throw new ApiRejection(401, UNAUTHORIZED, null);
        }
        Account caller = who.account();
        if (caller != null) {
            e.setVariable(CALLER, caller.appId());
        }
        if (e.getProperty(ApiHttpBinding.BAD_QUERY) != null) {
            throw new ApiRejection(400, "the query string could not be read (a bad %-escape?)", "query");
        }
        Matcher path = ACCOUNT_PATH.matcher(e.getIn().getHeader(Exchange.HTTP_URI, "", String.class));
        if (path.matches()) {
            String appId = path.group(1);
            if (caller != null && !caller.appId().equals(appId)) {
                throw new ApiRejection(403, "this key may act on its own account only", null);
            }
            e.setVariable(TARGET, now.find(appId).orElseThrow(() -> new ApiRejection(404, "no such account", null)));
            e.setVariable(ACCOUNT_PATH_USED, true);
        } else {
            e.setVariable(TARGET, now.defaultAccount());
        }
    }

    /** Whose key an Authorization header holds: {@code account} null for GATEWAY_API_KEY. */
    private record Caller(Account account) {
    }

    /** Null when the header holds no key the API takes now. */
    private Caller callerOf(String header, Accounts.Snapshot now) {
        byte[] presented = header != null && header.startsWith("Bearer ")
                ? header.substring(7).trim().getBytes(StandardCharsets.UTF_8) : new byte[0];
        // With the API off (no GATEWAY_API_KEY) no account's key is looked up either.
        if (apiKey.length == 0 || presented.length == 0) {
            return null;
        }
        if (MessageDigest.isEqual(apiKey, presented)) {
            return new Caller(null);
        }
        return now.forApiKey(new String(presented, StandardCharsets.UTF_8)).map(Caller::new).orElse(null);
    }

    /**
     * The account the request acts on (sends, hands out its token or ticket, clears its alert, proxies a WeChat
     * call), if the key may act on it; else a 403 ApiRejection. For the routes of other features behind these paths.
     */
    public static Account actingAccount(Exchange e) {
        Account target = e.getVariable(TARGET, Account.class);
        String caller = e.getVariable(CALLER, String.class);
        if (caller != null && !caller.equals(target.appId())) {
            throw new ApiRejection(403, "this key may act on its own account only", null);
        }
        return target;
    }

    /**
     * Whether an entry of account {@code appid} is shown: under an account's path only that account's; on a §5
     * path, every account's to GATEWAY_API_KEY and the caller's own to an account's key.
     */
    private static boolean visible(Exchange e, String appid) {
        if (e.getVariable(ACCOUNT_PATH_USED) != null) {
            return e.getVariable(TARGET, Account.class).appId().equals(appid);
        }
        String caller = e.getVariable(CALLER, String.class);
        return caller == null || caller.equals(appid);
    }

    private void accept(Exchange e, SendApi api) {
        // Whether the key may act on the account comes first: a key refused (403) learns nothing of its request.
        Account account = actingAccount(e);
        String contentType = e.getIn().getHeader(Exchange.CONTENT_TYPE, "", String.class).toLowerCase();
        if (!contentType.startsWith("application/json")) {
            throw new ApiRejection(415, "Content-Type must be application/json", null);
        }
        ObjectNode request = SendRequests.parse(api, e.getIn().getBody(String.class));
        String id = intake.accept(api, account.appId(), request);
        e.setVariable("sendId", id);
        var message = e.getMessage();
        message.removeHeaders("*");
        message.setHeader(QueueRoutes.SEND_ID, id);
        message.setBody(request.toString());
    }

    private void listSends(Exchange e) {
        boolean accountPath = e.getVariable(ACCOUNT_PATH_USED) != null;
        String account = accountPath ? e.getVariable(TARGET, Account.class).appId() : e.getVariable(CALLER, String.class);
        SendQuery query = SendListing.parse(e.getIn().getHeader(Exchange.HTTP_QUERY, String.class), account,
                accountPath);
        SendPage page = store.list(query);
        ObjectNode body = JSON.createObjectNode();
        ArrayNode sends = body.putArray("sends");
        for (SendRecord record : page.sends()) {
            sends.add(ApiAnswer.status(record).put("api", record.api()).put("createdAt", record.createdAt().toString())
                    .put("updatedAt", record.updatedAt().toString()));
        }
        body.put("next", page.next() == null ? null : page.next().encode());
        ApiAnswer.json(e, 200, body);
    }

    private void listDeadLetters(Exchange e) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode sends = body.putArray("sends");
        for (SendRecord record : store.failed(500, r -> visible(e, r.appid()))) {
            sends.add(ApiAnswer.status(record).put("api", record.api()).put("updatedAt", record.updatedAt().toString()));
        }
        ArrayNode inbound = body.putArray("inbound");
        for (InboundDeadLetters.Letter letter : inboundDeadLetters.list()) {
            if (visible(e, letter.appId())) {
                inbound.addObject().put("id", letter.id()).put("appid", letter.appId()).put("message", letter.message());
            }
        }
        ApiAnswer.json(e, 200, body);
    }

    private void replay(Exchange e) throws IOException {
        String id = e.getIn().getHeader("id", String.class);
        e.setVariable("replayId", id);
        var send = store.find(id).filter(r -> visible(e, r.appid()));
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
        if (!visible(e, inboundDeadLetters.appIdOf(id)) || !inboundDeadLetters.replay(id)) {
            throw new ApiRejection(404, "no such dead letter", null);
        }
        e.setVariable("replayStatus", "replaying");
    }
}
