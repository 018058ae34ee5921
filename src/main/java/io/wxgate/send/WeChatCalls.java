package io.wxgate.send;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.wxgate.account.Account;
import io.wxgate.config.SendProperties;
import io.wxgate.message.Json;
import io.wxgate.token.AccessToken;
import io.wxgate.token.AccessTokens;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

/**
 * One WeChat API call of the gateway's own (a menu, a media upload), outside the send queues: over the same HTTP
 * route as sends ({@code direct:wechat-http}: failover when the request never left, bounded pool and timeouts), with
 * the account's access_token. When WeChat refuses the token (the refresh-token errcodes of the errcode table) it is
 * dropped if still cached (compare-and-invalidate) and the call made once more, with a fresh one. Nothing else is
 * repeated: the caller decides what an errcode means.
 */
public final class WeChatCalls {

    private final AccessTokens tokens;
    private final ProducerTemplate producer;
    private final Set<Integer> tokenErrcodes;

    public WeChatCalls(AccessTokens tokens, ProducerTemplate producer, SendProperties send) {
        this.tokens = tokens;
        this.producer = producer;
        this.tokenErrcodes = Set.copyOf(send.errcodes().refreshToken());
    }

    /**
     * WeChat's JSON answer to {@code method path?query&access_token=…} with {@code body} (null for none).
     *
     * @param query extra query parameters, URL-encoded, or empty
     * @throws IllegalStateException when WeChat could not be reached or did not answer JSON
     */
    public JsonNode call(Account account, String method, String path, String query, String contentType, byte[] body) {
        for (int attempt = 1; ; attempt++) {
            AccessToken token = tokens.of(account).current();
            JsonNode answer = once(method, path, query, token.value(), contentType, body);
            if (attempt == 1 && tokenErrcodes.contains(answer.path("errcode").asInt(0))) {
                tokens.of(account).invalidate(token.value());
                continue;
            }
            return answer;
        }
    }

    private JsonNode once(String method, String path, String query, String accessToken, String contentType,
            byte[] body) {
        Exchange answer = producer.request(SendRoutes.HTTP, e -> {
            var message = e.getMessage();
            message.setHeader(Exchange.HTTP_METHOD, method);
            message.setHeader(Exchange.HTTP_PATH, path);
            message.setHeader(Exchange.HTTP_QUERY, (query.isEmpty() ? "" : query + "&") + "access_token="
                    + URLEncoder.encode(accessToken, StandardCharsets.UTF_8));
            if (body != null) {
                message.setHeader(Exchange.CONTENT_TYPE, contentType);
            }
            message.setBody(body);
        });
        if (answer.getException() != null) {
            throw new IllegalStateException("WeChat unreachable: " + answer.getException().getClass().getSimpleName());
        }
        int status = SendRoutes.status(answer);
        String text = SendRoutes.answerBody(answer);
        if (status != 200 || text.isEmpty()) {
            throw new IllegalStateException("WeChat answered HTTP " + status);
        }
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException("WeChat's answer to " + path + " is not JSON");
        }
    }
}
