package io.wxgate.send;

import java.time.Instant;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.wxgate.config.SendApi;
import io.wxgate.message.Json;
import io.wxgate.ops.GatewayMetrics;
import io.wxgate.token.AccessToken;

/**
 * Reads WeChat's answers. WeChat reports failures as HTTP 200 with a non-zero {@code errcode}
 * (wechat-protocol.md §8), so the HTTP status alone says little: the body decides.
 */
public final class WeChatAnswers {

    private final ErrcodeTable table;
    private final GatewayMetrics metrics;

    public WeChatAnswers(ErrcodeTable table, GatewayMetrics metrics) {
        this.table = table;
        this.metrics = metrics;
    }

    /** Returns WeChat's JSON answer of a successful call, or throws the exception its errcode maps to. */
    public JsonNode check(int status, String body, SendApi api, String appId) {
        return check(status, body, api.key(), appId);
    }

    /** The same for any other API, named by {@code api} in the metrics (e.g. {@code getticket}). */
    public JsonNode check(int status, String body, String api, String appId) {
        JsonNode answer;
        try {
            answer = parse(status, body, api);
        } catch (WeChatApiException e) {
            metrics.wechatAnswer(appId, api, e.errcodeGiven());
            throw e;
        }
        int errcode = answer.path("errcode").asInt(0);
        metrics.wechatAnswer(appId, api, errcode);
        if (errcode != 0) {
            throw table.exceptionFor(errcode, answer.path("errmsg").asText(""), api);
        }
        return answer;
    }

    /**
     * The answer of a token fetch. Its errcodes are never the send table's: 40001 here means a wrong AppSecret,
     * not a stale token, and every refusal (40013, 40125, 40164, 89503 …) needs an operator, not a retry.
     */
    public AccessToken checkToken(int status, String body, Instant now) {
        String api = "access_token";
        JsonNode answer;
        try {
            answer = parse(status, body, api);
        } catch (UnreadableAnswerException e) {
            // A token fetch changes nothing at WeChat: repeating it is always safe.
            throw new WeChatBusyException(e.getErrmsg(), api);
        }
        int errcode = answer.path("errcode").asInt(0);
        if (errcode != 0) {
            String errmsg = answer.path("errmsg").asText("");
            if (table.behaviourOf(errcode) == ErrcodeTable.Behaviour.BACKOFF) {
                throw new WeChatBusyException(errcode, errmsg, api);
            }
            throw new OperatorAlertException(errcode, errmsg, api);
        }
        String token = answer.path("access_token").asText("");
        int expiresIn = answer.path("expires_in").asInt(0);
        if (token.isEmpty() || expiresIn <= 0) {
            throw new WeChatBusyException("token answer without access_token/expires_in", api);
        }
        return new AccessToken(token, expiresIn, now);
    }

    private static JsonNode parse(int status, String body, String api) {
        if (status >= 500) {
            throw new UnreadableAnswerException("HTTP " + status, api);
        }
        if (status != 200) {
            throw new PermanentSendException("HTTP " + status, api);
        }
        try {
            JsonNode node = Json.MAPPER.readTree(body == null ? "" : body);
            if (node == null || !node.isObject()) {
                throw new UnreadableAnswerException("answer is not a JSON object", api);
            }
            return node;
        } catch (JsonProcessingException e) {
            // A proxy or load balancer in front of WeChat answering HTML: transient, like a 5xx.
            throw new UnreadableAnswerException("answer is not JSON", api);
        }
    }
}
