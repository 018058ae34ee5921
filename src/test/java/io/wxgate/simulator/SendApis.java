package io.wxgate.simulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.wxgate.simulator.WeChatApiSimulator.Delivery;

/**
 * The three send APIs of wechat-protocol.md §7 and the WeChat-side world they act on: who unfollowed, whose
 * customer-service window is open, which one-time subscribe grants remain, and what really reached a user.
 */
final class SendApis {

    /** §7: a user message opens a 48 h window for customer-service messages. */
    private static final Duration SERVICE_WINDOW = Duration.ofHours(48);
    /** §7: "对于同一个openid + client_msg_id, 只发送一条消息,10分钟有效". */
    private static final Duration CLIENT_MSG_ID_LIFETIME = Duration.ofMinutes(10);
    /** §7: 5 customer-service messages per window ("design for 5"). */
    static final int DEFAULT_SERVICE_LIMIT = 5;
    private static final long FIRST_MSGID = 2_000_000_001L;

    private static final class Window {
        final Instant closesAt;
        int used;

        Window(Instant closesAt) {
            this.closesAt = closesAt;
        }
    }

    private record Sent(long msgid, Instant at) {
    }

    private final Clock clock;
    private final Set<String> unfollowed = new HashSet<>();
    private final Set<String> rejectedTemplates = new HashSet<>();
    private final Map<String, Window> windows = new HashMap<>();
    private boolean everyWindowOpen;
    private final Map<String, Integer> grants = new HashMap<>();
    private final Map<String, Sent> byClientMsgId = new HashMap<>();
    private final List<Delivery> deliveries = new ArrayList<>();
    /** Deliveries per api, so that a count does not copy the list (a benchmark polls it many times a second). */
    private final Map<String, Integer> deliveryCounts = new HashMap<>();
    private int serviceLimit = DEFAULT_SERVICE_LIMIT;
    // WeChat numbers template msgids per account, so two accounts can hand out the same msgid (SPEC §7).
    private final Map<String, Long> nextMsgid = new HashMap<>();
    private int sendsSincePrune;

    SendApis(Clock clock) {
        this.clock = clock;
    }

    /** POST /cgi-bin/message/template/send. */
    synchronized Map<String, Object> template(String appId, JsonNode request, String body) {
        String touser = text(request, "touser");
        String templateId = text(request, "template_id");
        if (touser == null) {
            return WeChatErrors.error(40003);
        }
        if (templateId == null || rejectedTemplates.contains(templateId)) {
            return WeChatErrors.error(40037);
        }
        Map<String, Object> badData = checkData(request);
        if (badData != null) {
            return badData;
        }
        if (unfollowed.contains(touser)) {
            return WeChatErrors.error(43004);
        }
        Instant now = clock.instant();
        String clientMsgId = text(request, "client_msg_id");
        String dedupeKey = appId + '\n' + touser + '\n' + clientMsgId;
        if (clientMsgId != null) {
            Sent earlier = byClientMsgId.get(dedupeKey);
            if (earlier != null && now.isBefore(earlier.at().plus(CLIENT_MSG_ID_LIFETIME))) {
                return withMsgid(earlier.msgid());
            }
        }
        long msgid = nextMsgid.merge(appId, FIRST_MSGID, (previous, first) -> previous + 1);
        delivered(new Delivery("template", touser, templateId, clientMsgId, msgid, body, appId));
        if (clientMsgId != null) {
            byClientMsgId.put(dedupeKey, new Sent(msgid, now));
            pruneClientMsgIds(now);
        }
        return withMsgid(msgid);
    }

    /** POST /cgi-bin/message/custom/send. */
    synchronized Map<String, Object> custom(String appId, JsonNode request, String body) {
        String touser = text(request, "touser");
        String msgtype = text(request, "msgtype");
        if (touser == null) {
            return WeChatErrors.error(40003);
        }
        if (msgtype == null) {
            return WeChatErrors.error(40008);
        }
        // Every customer-service message type carries its content in an object named after the type (§7).
        if (!request.path(msgtype).isObject()) {
            return WeChatErrors.error(47001, WeChatErrors.message(47001) + ", " + msgtype + " missing");
        }
        if (unfollowed.contains(touser)) {
            return WeChatErrors.error(43004);
        }
        Window window = everyWindowOpen ? windows.computeIfAbsent(touser,
                u -> new Window(clock.instant().plus(SERVICE_WINDOW))) : windows.get(touser);
        if (window == null || !clock.instant().isBefore(window.closesAt)) {
            return WeChatErrors.error(45015);
        }
        if (window.used >= serviceLimit) {
            return WeChatErrors.error(45047);
        }
        window.used++;
        delivered(new Delivery("custom", touser, null, null, 0, body, appId));
        return WeChatErrors.ok();
    }

    /** POST /cgi-bin/message/subscribe/bizsend: each send uses up one of the user's one-time grants (§7, 43101). */
    synchronized Map<String, Object> subscribe(String appId, JsonNode request, String body) {
        String touser = text(request, "touser");
        String templateId = text(request, "template_id");
        if (touser == null) {
            return WeChatErrors.error(40003);
        }
        if (templateId == null) {
            return WeChatErrors.error(40037);
        }
        Map<String, Object> badData = checkData(request);
        if (badData != null) {
            return badData;
        }
        String grantKey = touser + '\n' + templateId;
        int remaining = grants.getOrDefault(grantKey, 0);
        if (remaining <= 0) {
            return WeChatErrors.error(43101);
        }
        grants.put(grantKey, remaining - 1);
        delivered(new Delivery("subscribe", touser, templateId, null, 0, body, appId));
        return WeChatErrors.ok();
    }

    /** The demo's world: every user just wrote to the account, so customer-service messages may reach anyone. */
    synchronized void openEveryWindow(boolean open) {
        everyWindowOpen = open;
    }

    synchronized void userInteracted(String openid) {
        windows.put(openid, new Window(clock.instant().plus(SERVICE_WINDOW)));
    }

    synchronized void unfollow(String openid) {
        unfollowed.add(openid);
    }

    synchronized void rejectTemplate(String templateId) {
        rejectedTemplates.add(templateId);
    }

    synchronized void grantSubscribe(String openid, String templateId, int times) {
        grants.merge(openid + '\n' + templateId, times, Integer::sum);
    }

    synchronized void serviceLimit(int perWindow) {
        serviceLimit = perWindow;
    }

    synchronized List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    synchronized int deliveryCount(String api) {
        return deliveryCounts.getOrDefault(api, 0);
    }

    private void delivered(Delivery delivery) {
        deliveries.add(delivery);
        deliveryCounts.merge(delivery.api(), 1, Integer::sum);
    }

    synchronized void reset() {
        everyWindowOpen = false;
        unfollowed.clear();
        rejectedTemplates.clear();
        windows.clear();
        grants.clear();
        byClientMsgId.clear();
        deliveries.clear();
        deliveryCounts.clear();
        serviceLimit = DEFAULT_SERVICE_LIMIT;
    }

    /** 47003's errmsg names the offending field, as WeChat's does (§8). */
    private static Map<String, Object> checkData(JsonNode request) {
        JsonNode data = request.get("data");
        if (data == null || !data.isObject()) {
            return WeChatErrors.error(47003, WeChatErrors.message(47003) + " data is not an object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = data.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode value = field.getValue().get("value");
            if (value == null || !value.isValueNode()) {
                return WeChatErrors.error(47003,
                        WeChatErrors.message(47003) + " data." + field.getKey() + ".value is empty");
            }
        }
        return null;
    }

    private static Map<String, Object> withMsgid(long msgid) {
        Map<String, Object> answer = WeChatErrors.ok();
        answer.put("msgid", msgid);
        return answer;
    }

    private static String text(JsonNode request, String field) {
        JsonNode node = request.get(field);
        return node != null && node.isTextual() && !node.asText().isBlank() ? node.asText() : null;
    }

    /** Keeps a benchmark's dedupe table from growing without end. */
    private void pruneClientMsgIds(Instant now) {
        if (++sendsSincePrune < 4096) {
            return;
        }
        sendsSincePrune = 0;
        byClientMsgId.values().removeIf(sent -> !now.isBefore(sent.at().plus(CLIENT_MSG_ID_LIFETIME)));
    }
}
