package io.wxgate.send;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wxgate.account.Account;
import io.wxgate.account.Accounts;
import io.wxgate.config.SendApi;
import io.wxgate.config.SendProperties;
import io.wxgate.config.WeChatProperties;
import io.wxgate.message.Json;
import io.wxgate.ops.LogContextPolicy;
import io.wxgate.token.AccessToken;
import io.wxgate.token.AccessTokens;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Sends to WeChat (SPEC §4): {@code direct:wechat-send-template|custom|subscribe} take WeChat's JSON request
 * and return WeChat's JSON answer, for the account of header {@code WeChatAppId} (absent: the default account). Each
 * send is throttled per account, gets its access_token from a content enricher, and
 * fails over across the base URLs; what an errcode makes happen next is in {@link ErrcodeHandling}.
 */
@Component
public class SendRoutes extends RouteBuilder {

    /** Exchange variables shared with the error handling; the request survives redeliveries there. API holds a SendApi. */
    public static final String API = "wechatApi";
    public static final String PATH = "wechatApiPath";
    public static final String REQUEST = "wechatRequest";
    public static final String TOKEN = "wechatAccessToken";
    /** The AppId of the account the send is for: its token, throttle, alerts and metrics (SPEC §7). */
    public static final String APP_ID = "wechatAppId";
    /** Calls made to WeChat for this send, redeliveries and failovers included. */
    public static final String ATTEMPTS = "WeChatAttempts";

    static final String CALL = "direct:wechat-api-call";
    /** One call to WeChat, failing over across the base URLs only while the request cannot have reached WeChat. */
    public static final String HTTP = "direct:wechat-http";
    public static final String TOKEN_FETCH = "direct:wechat-token-fetch";
    /** The Account a token fetch is for, on the fetch's own exchange; removed before the HTTP call. */
    public static final String TOKEN_ACCOUNT = "wechatTokenAccount";

    private static final Logger LOG = LoggerFactory.getLogger(SendRoutes.class);
    private static final String NO_AUTOMATIC_RETRIES = "wechatNoAutomaticRetries";

    private final SendProperties send;
    private final List<URI> baseUrls;
    private final WeChatAnswers answers;
    private final AccessTokens tokens;
    private final Accounts accounts;
    private final ThrottleBuckets buckets;
    private final Clock clock;

    public SendRoutes(WeChatProperties wechat, SendProperties send, WeChatAnswers answers, AccessTokens tokens,
            Accounts accounts, ThrottleBuckets buckets, Clock clock) {
        this.buckets = buckets;
        this.send = send;
        this.baseUrls = wechat.apiBaseUrls();
        this.answers = answers;
        this.tokens = tokens;
        this.accounts = accounts;
        this.clock = clock;
    }

    @Override
    public void configure() {
        // HttpClient 5 repeats an idempotent request (GET) by itself after a connection closed unanswered and after a
        // 503 or 429: behind our back, past the errcode table, and fatal to a web-authorization code, which works
        // once (SPEC §8). Every repeat of a WeChat call is decided here, in the routes.
        getCamelContext().getRegistry().bind(NO_AUTOMATIC_RETRIES,
                (HttpClientConfigurer) HttpClientBuilder::disableAutomaticRetries);
        for (SendApi api : SendApi.values()) {
            sendRoute(api);
        }

        // Redelivered as a whole by the send route's error handling, so a retry fetches the token again. A backoff
        // redelivery runs on Camel's redelivery thread: the policy names the queued send there too.
        from(CALL).routeId("wechat-api-call").errorHandler(noErrorHandler())
                .policy(LogContextPolicy.send(QueueRoutes::sendIdOf))
                    .setBody(variable(REQUEST))
                    .enrich("direct:wechat-access-token", (original, token) -> {
                        original.setVariable(TOKEN, token.getMessage().getBody(AccessToken.class).value());
                        return original;
                    })
                    .process(e -> {
                        e.getMessage().removeHeaders("*");
                        e.getMessage().setHeader(Exchange.HTTP_METHOD, "POST");
                        e.getMessage().setHeader(Exchange.HTTP_PATH, e.getVariable(PATH, String.class));
                        e.getMessage().setHeader(Exchange.HTTP_QUERY, "access_token="
                                + URLEncoder.encode(e.getVariable(TOKEN, String.class), StandardCharsets.UTF_8));
                        e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json; charset=UTF-8");
                    })
                    .to(HTTP)
                    .process(this::checkAnswer)
                    .removeHeaders("*")
                .end();

        from("direct:wechat-access-token").routeId("wechat-access-token").errorHandler(noErrorHandler())
                .process(e -> e.getMessage().setBody(tokens.of(e.getVariable(APP_ID, String.class)).current()));

        // The token loader's call. The secret travels in a POST body (stable_token) or query (token), never a log.
        from(TOKEN_FETCH).routeId("wechat-token-fetch").errorHandler(noErrorHandler())
                .process(this::tokenRequest)
                .to(HTTP)
                .process(this::checkTokenAnswer);

        // One call, failing over to the next base URL only when the request never reached WeChat.
        var failover = from(HTTP).routeId("wechat-http").errorHandler(noErrorHandler())
                .loadBalance().failover(baseUrls.size() - 1, false, false, TransportFaults.BEFORE_SENDING);
        for (int i = 0; i < baseUrls.size(); i++) {
            failover.to("direct:wechat-base-" + i);
        }
        failover.end();
        for (int i = 0; i < baseUrls.size(); i++) {
            from("direct:wechat-base-" + i).routeId("wechat-base-" + i).errorHandler(noErrorHandler())
                    .process(e -> e.setProperty(ATTEMPTS, e.getProperty(ATTEMPTS, 0, Integer.class) + 1))
                    .to(weChatEndpoint(baseUrls.get(i)));
        }
    }

    /**
     * The connection pool and timeouts of WeChat calls, as options of the base URL's endpoint: the http and https
     * components' own settings are the defaults of the integrators' routes (routes.http.*), a few seconds and a
     * small pool. (Set on the component by a customizer bean, they once applied only when that bean happened to
     * exist before the component: a launch with a CDS archive ran on camel-http's default of 20 connections, and
     * half the sends per second.) TuningInEffectTest checks the live endpoints.
     */
    private String weChatEndpoint(URI baseUrl) {
        long connect = send.connectTimeout().toMillis();
        long read = send.readTimeout().toMillis();
        return baseUrl + "?throwExceptionOnFailure=false&httpClientConfigurer=#" + NO_AUTOMATIC_RETRIES
                + "&connectionsPerRoute=" + send.maxConnections() + "&maxTotalConnections=" + send.maxConnections() * 2
                // A WeChat call must not hang for camel-http's default 3 minutes.
                + "&connectTimeout=" + connect + "&connectionRequestTimeout=" + read
                + "&responseTimeout=" + read + "&soTimeout=" + read;
    }

    private void sendRoute(SendApi api) {
        from(api.endpoint()).routeId("wechat-send-" + api.key())
                .routeConfigurationId(ErrcodeHandling.ID)
                .setVariable(API, constant(api))
                .setVariable(PATH, constant(api.wechatPath()))
                // An AppId no account has fails the send (UnknownAccountException): never another account's token.
                .process(e -> e.setVariable(APP_ID, accounts.require(e.getMessage().getHeader(Accounts.APP_ID_HEADER,
                        String.class)).appId()))
                .process(e -> e.setVariable(REQUEST, request(e, api)))
                // Each account has WeChat's quota of its own, so each account has its own throttle per API.
                .process(new AccountThrottle(api, send.rate(api), buckets)).id("throttle-" + api.key())
                .to(CALL);
    }

    /** The caller's JSON as WeChat expects it. */
    private static String request(Exchange e, SendApi api) throws Exception {
        Object body = e.getMessage().getBody();
        JsonNode json = body instanceof JsonNode node ? node : Json.MAPPER.readTree(e.getMessage().getBody(String.class));
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("a send needs WeChat's JSON request object as its body");
        }
        return withClientMsgId(e, api, ((ObjectNode) json).deepCopy()).toString();
    }

    /**
     * Every send of an api that WeChat dedupes carries a client_msg_id (SPEC §4), decided here and nowhere else:
     * the caller's own; else the id of the queued send, which its retries, its redeliveries after a crash and
     * its replays all repeat; else (an in-JVM send) a fresh one, which the retries of this call repeat.
     */
    static ObjectNode withClientMsgId(Exchange e, SendApi api, ObjectNode request) {
        if (api.dedupedByClientMsgId() && request.path("client_msg_id").asText("").isEmpty()) {
            String sendId = QueueRoutes.sendIdOf(e);
            request.put("client_msg_id", sendId != null ? sendId : UUID.randomUUID().toString().replace("-", ""));
        }
        return request;
    }

    /** WeChat's answer becomes the body, or the exception its errcode maps to; each attempt is a DEBUG line. */
    private void checkAnswer(Exchange e) {
        SendApi api = e.getVariable(API, SendApi.class);
        try {
            JsonNode answer = answers.check(status(e), answerBody(e), api, e.getVariable(APP_ID, String.class));
            if (LOG.isDebugEnabled()) {
                LOG.debug("Attempt {} on {}: errcode 0, msgid {}", e.getProperty(ATTEMPTS), api.key(),
                        answer.path("msgid").asText("none"));
            }
            e.getMessage().setBody(answer.toString());
        } catch (WeChatApiException failure) {
            if (LOG.isDebugEnabled()) {
                LOG.debug("Attempt {} on {}: errcode {} ({})", e.getProperty(ATTEMPTS), api.key(),
                        failure.errcodeGiven(), failure.getErrmsg());
            }
            throw failure;
        }
    }

    private void checkTokenAnswer(Exchange e) {
        AccessToken token = answers.checkToken(status(e), answerBody(e), clock.instant());
        if (LOG.isDebugEnabled()) {
            LOG.debug("Fetched an access_token ({}), valid for {} s", send.token().endpoint(), token.expiresIn());
        }
        e.getMessage().setBody(token);
    }

    private void tokenRequest(Exchange e) {
        boolean force = e.getMessage().getBody(Boolean.class);
        var message = e.getMessage();
        Account account = message.getHeader(TOKEN_ACCOUNT, Account.class);
        String appId = account.appId();
        String appSecret = account.appSecret();
        message.removeHeaders("*");
        if ("stable_token".equals(send.token().endpoint())) {
            ObjectNode body = Json.MAPPER.createObjectNode().put("grant_type", "client_credential").put("appid", appId)
                    .put("secret", appSecret).put("force_refresh", force);
            message.setHeader(Exchange.HTTP_METHOD, "POST");
            message.setHeader(Exchange.HTTP_PATH, "/cgi-bin/stable_token");
            message.setHeader(Exchange.CONTENT_TYPE, "application/json; charset=UTF-8");
            message.setBody(body.toString());
        } else {
            message.setHeader(Exchange.HTTP_METHOD, "GET");
            message.setHeader(Exchange.HTTP_PATH, "/cgi-bin/token");
            message.setHeader(Exchange.HTTP_QUERY, "grant_type=client_credential&appid="
                    + URLEncoder.encode(appId, StandardCharsets.UTF_8) + "&secret="
                    + URLEncoder.encode(appSecret, StandardCharsets.UTF_8));
            message.setBody(null);
        }
    }

    /** The HTTP status of WeChat's answer to a call through {@link #HTTP}. */
    public static int status(Exchange e) {
        return e.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
    }

    /** The body of WeChat's answer to a call through {@link #HTTP}, "" when there is none. */
    public static String answerBody(Exchange e) {
        byte[] bytes = e.getMessage().getBody(byte[].class);
        return bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8);
    }
}
