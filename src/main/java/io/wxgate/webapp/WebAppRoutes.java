package io.wxgate.webapp;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wxgate.account.Account;
import io.wxgate.api.ApiAnswer;
import io.wxgate.api.ApiRejection;
import io.wxgate.api.ApiRoutes;
import io.wxgate.message.HttpUrl;
import io.wxgate.message.Json;
import io.wxgate.send.SendRoutes;
import io.wxgate.send.TransportFaults;
import io.wxgate.send.WeChatAnswers;
import io.wxgate.send.WeChatApiException;
import io.wxgate.token.AccessToken;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * JS-SDK and web authorization for enterprise web pages (SPEC §8), behind the API's paths and bearer keys
 * (ApiRoutes declares the verbs and authorizes; these are the routes they call, for both path forms):
 * <ul>
 * <li>{@code jsapi-ticket}: the account's jsapi_ticket ({@link JsapiTickets}, cached and single-flight);</li>
 * <li>{@code jssdk-config}: what a page passes to {@code wx.config} for its URL ({@link JsSdkSignature});</li>
 * <li>{@code oauth-user}: a web-authorization code exchanged once for the user's openid (and userinfo).</li>
 * </ul>
 * Errors surface as exceptions that ApiRoutes turns into the API's error JSON, hence {@code noErrorHandler}.
 */
@Component
public class WebAppRoutes extends RouteBuilder {

    static final String TICKET_FETCH = "direct:wechat-jsapi-ticket-fetch";
    /** The Account of a ticket fetch, on the fetch's own exchange; removed before the HTTP call. */
    static final String ACCOUNT = "wechatTicketAccount";
    /** API names in the metrics (wxgate.wechat.answers). */
    static final String GETTICKET = "getticket";
    private static final String OAUTH = "oauth2";
    private static final String USERINFO = "userinfo";
    private static final String USERINFO_SCOPE = "snsapi_userinfo";
    /**
     * The errcodes of a code itself (wechat-protocol.md §13): invalid, used, expired, missing. They are the caller's
     * to fix (send the user through authorization again): 400. Any other refusal (a wrong AppSecret, an IP not on
     * the whitelist) is the gateway's configuration: 502.
     */
    private static final Set<Integer> CODE_ERRCODES = Set.of(40029, 40163, 42003, 41008);
    private static final String NONCE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String UNANSWERED = "oauthUnanswered";

    private final JsapiTickets tickets;
    private final WeChatAnswers answers;
    private final Clock clock;

    public WebAppRoutes(JsapiTickets tickets, WeChatAnswers answers, Clock clock) {
        this.tickets = tickets;
        this.answers = answers;
        this.clock = clock;
    }

    @Override
    public void configure() {
        for (String via : new String[] {"api-", "api-account-"}) {
            from("direct:" + via + "jsapi-ticket").routeId(via + "jsapi-ticket").errorHandler(noErrorHandler())
                    .process(this::answerTicket);

            from("direct:" + via + "jssdk-config").routeId(via + "jssdk-config").errorHandler(noErrorHandler())
                    .process(this::answerConfig);

            // A code works once (§13): the exchange is one call, failed over only while the request cannot have
            // left (SendRoutes.HTTP), and never repeated after that, whatever happens to the answer.
            from("direct:" + via + "oauth-user").routeId(via + "oauth-user").errorHandler(noErrorHandler())
                    .process(this::codeExchange)
                    .doTry()
                        .to(SendRoutes.HTTP)
                    .doCatch(Exception.class)
                        .process(e -> unanswered(e, "the code exchange", true))
                    .end()
                    .process(WebAppRoutes::failIfUnanswered)
                    .process(this::readGrant)
                    .choice().when(variable("oauthScope").isEqualTo(USERINFO_SCOPE))
                        .process(this::userinfoRequest)
                        .doTry()
                            .to(SendRoutes.HTTP)
                        .doCatch(Exception.class)
                            .process(e -> unanswered(e, "sns/userinfo", false))
                        .end()
                        .process(WebAppRoutes::failIfUnanswered)
                        .process(this::readUserinfo)
                    .end()
                    .process(this::answerUser);
        }

        // The ticket loader's call (JsapiTicketFetcher): getticket with the account's access_token (§11).
        from(TICKET_FETCH).routeId("wechat-jsapi-ticket-fetch").errorHandler(noErrorHandler())
                .process(e -> {
                    var message = e.getMessage();
                    e.setVariable("ticketAppId", message.getHeader(ACCOUNT, Account.class).appId());
                    String accessToken = message.getBody(String.class);
                    message.removeHeaders("*");
                    message.setBody(null);
                    message.setHeader(Exchange.HTTP_METHOD, "GET");
                    message.setHeader(Exchange.HTTP_PATH, "/cgi-bin/ticket/getticket");
                    message.setHeader(Exchange.HTTP_QUERY, "access_token="
                            + URLEncoder.encode(accessToken, StandardCharsets.UTF_8) + "&type=jsapi");
                })
                .to(SendRoutes.HTTP)
                .process(e -> {
                    JsonNode answer = answers.check(SendRoutes.status(e), SendRoutes.answerBody(e), GETTICKET,
                            e.getVariable("ticketAppId", String.class));
                    String ticket = answer.path("ticket").asText("");
                    int expiresIn = answer.path("expires_in").asInt(0);
                    if (ticket.isEmpty() || expiresIn <= 0) {
                        throw new WeChatApiException("getticket answer without ticket/expires_in", GETTICKET);
                    }
                    e.getMessage().removeHeaders("*");
                    e.getMessage().setBody(new AccessToken(ticket, expiresIn, clock.instant()));
                });
    }

    private void answerTicket(Exchange e) {
        AccessToken ticket = tickets.of(ApiRoutes.actingAccount(e)).current();
        long left = Math.max(0, Duration.between(clock.instant(), ticket.expiresAt()).toSeconds());
        ApiAnswer.json(e, 200, Json.MAPPER.createObjectNode().put("ticket", ticket.value()).put("expires_in", left));
    }

    private void answerConfig(Exchange e) {
        Account account = ApiRoutes.actingAccount(e);
        String url = pageUrl(e.getIn().getBody(String.class));
        String ticket = tickets.of(account).current().value();
        String nonceStr = nonce();
        long timestamp = clock.instant().getEpochSecond();
        ApiAnswer.json(e, 200, Json.MAPPER.createObjectNode().put("appId", account.appId())
                .put("timestamp", timestamp).put("nonceStr", nonceStr)
                .put("signature", JsSdkSignature.sign(ticket, nonceStr, timestamp, url)));
    }

    /** The {@code url} of a jssdk-config request: an absolute http(s) URL, as the page's {@code location.href}. */
    static String pageUrl(String body) {
        JsonNode request;
        try {
            request = Json.MAPPER.readTree(body == null ? "" : body);
        } catch (JsonProcessingException notJson) {
            request = null;
        }
        if (request == null || !request.isObject()) {
            throw new ApiRejection(400, "the body must be a JSON object with the page's url", "body");
        }
        JsonNode url = request.get("url");
        if (url == null || url.isNull()) {
            throw new ApiRejection(400, "url is missing", "url");
        }
        if (!url.isTextual()) {
            throw new ApiRejection(400, "url must be a string", "url");
        }
        if (HttpUrl.parse(url.asText()).isEmpty()) {
            throw new ApiRejection(400, "url must be the page's absolute http or https URL", "url");
        }
        return url.asText();
    }

    private static String nonce() {
        StringBuilder nonce = new StringBuilder(16);
        for (int i = 0; i < 16; i++) {
            nonce.append(NONCE_CHARS.charAt(RANDOM.nextInt(NONCE_CHARS.length())));
        }
        return nonce.toString();
    }

    /** sns/oauth2/access_token with the account's AppSecret, which stays in this one request's query string. */
    private void codeExchange(Exchange e) {
        Account account = ApiRoutes.actingAccount(e);
        String code = e.getIn().getHeader("code", String.class);
        if (code == null || code.isBlank()) {
            throw new ApiRejection(400, "code is missing", "code");
        }
        e.setVariable("oauthAppId", account.appId());
        var message = e.getMessage();
        message.removeHeaders("*");
        message.setBody(null);
        message.setHeader(Exchange.HTTP_METHOD, "GET");
        message.setHeader(Exchange.HTTP_PATH, "/sns/oauth2/access_token");
        message.setHeader(Exchange.HTTP_QUERY, "appid=" + enc(account.appId()) + "&secret="
                + enc(account.appSecret()) + "&code=" + enc(code) + "&grant_type=authorization_code");
    }

    /**
     * No usable answer. Whether WeChat got the request decides what the caller may do: a request that never left
     * (every base URL refused the connection) leaves the code unused; after that the code may be spent.
     */
    private static void unanswered(Exchange e, String call, boolean spendsCode) {
        Throwable fault = e.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        e.getMessage().removeHeaders("*");
        String after = spendsCode ? "; the code may have been used: send the user through authorization again" : "";
        // Kept, not thrown: an exception thrown inside doCatch bypasses ApiRoutes' onException (a bare 500).
        e.setVariable(UNANSWERED, TransportFaults.beforeSending(fault)
                ? new ApiRejection(502, "WeChat could not be reached for " + call + "; nothing was sent", null)
                : new ApiRejection(504, "WeChat gave no answer to " + call + after, null));
    }

    private static void failIfUnanswered(Exchange e) {
        ApiRejection rejection = e.getVariable(UNANSWERED, ApiRejection.class);
        if (rejection != null) {
            throw rejection;
        }
    }

    private void readGrant(Exchange e) {
        String appId = e.getVariable("oauthAppId", String.class);
        int status = SendRoutes.status(e);
        String body = SendRoutes.answerBody(e);
        e.getMessage().removeHeaders("*");
        JsonNode grant;
        try {
            grant = answers.check(status, body, OAUTH, appId);
        } catch (WeChatApiException refused) {
            if (CODE_ERRCODES.contains(refused.getErrcode())) {
                throw ApiRejection.withWeChatAnswer(400, "WeChat refused the code", "code", refused.getErrcode(),
                        refused.getErrmsg());
            }
            String spent = status >= 500 || refused.getErrcode() == -1
                    ? "; the code may have been used: send the user through authorization again" : "";
            throw ApiRejection.withWeChatAnswer(502, "WeChat refused the code exchange" + spent, null,
                    refused.errcodeGiven(), refused.getErrmsg());
        }
        e.setVariable("oauthOpenid", grant.path("openid").asText(null));
        e.setVariable("oauthScope", grant.path("scope").asText(null));
        e.setVariable("oauthUnionid", grant.path("unionid").asText(null));
        e.setVariable("oauthWebToken", grant.path("access_token").asText(""));
    }

    /** sns/userinfo with the user's own web token (§13), not the account's access_token. */
    private void userinfoRequest(Exchange e) {
        var message = e.getMessage();
        message.setBody(null);
        message.setHeader(Exchange.HTTP_METHOD, "GET");
        message.setHeader(Exchange.HTTP_PATH, "/sns/userinfo");
        message.setHeader(Exchange.HTTP_QUERY, "access_token=" + enc(e.getVariable("oauthWebToken", String.class))
                + "&openid=" + enc(e.getVariable("oauthOpenid", String.class)) + "&lang=zh_CN");
    }

    private void readUserinfo(Exchange e) {
        JsonNode userinfo = answers.check(SendRoutes.status(e), SendRoutes.answerBody(e), USERINFO,
                e.getVariable("oauthAppId", String.class));
        e.getMessage().removeHeaders("*");
        e.setVariable("oauthUserinfo", userinfo);
    }

    private void answerUser(Exchange e) {
        ObjectNode user = Json.MAPPER.createObjectNode();
        user.put("openid", e.getVariable("oauthOpenid", String.class));
        user.put("unionid", e.getVariable("oauthUnionid", String.class));
        user.put("scope", e.getVariable("oauthScope", String.class));
        user.set("userinfo", e.getVariable("oauthUserinfo", JsonNode.class));
        if (!user.hasNonNull("userinfo")) {
            user.putNull("userinfo");
        }
        ApiAnswer.json(e, 200, user);
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
