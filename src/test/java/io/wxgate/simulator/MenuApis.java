package io.wxgate.simulator;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * WeChat's custom menu, per account (wechat-protocol.md §14): {@code menu/create} replaces it after checking the
 * shape WeChat checks (1–3 buttons, 1–5 sub-buttons, name sizes); {@code menu/get} answers it in its own shape,
 * wrapped in {@code menu} with a {@code menuid}, every leaf given an empty {@code sub_button}, or 46003 when there
 * is none.
 */
final class MenuApis {

    static final String CREATE = "/cgi-bin/menu/create";
    static final String GET = "/cgi-bin/menu/get";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, JsonNode> published = new ConcurrentHashMap<>();
    private final List<String> created = new CopyOnWriteArrayList<>();
    private final AtomicLong menuIds = new AtomicLong(400_000_000L);

    Map<String, Object> create(String appId, JsonNode request) {
        JsonNode buttons = request.path("button");
        if (!buttons.isArray() || buttons.isEmpty() || buttons.size() > 3) {
            return WeChatErrors.error(40016, "invalid button size");
        }
        for (JsonNode button : buttons) {
            JsonNode subs = button.path("sub_button");
            if (!nameFits(button, 16)) {
                return WeChatErrors.error(40018, "invalid button name size");
            }
            if (subs.isArray() && !subs.isEmpty()) {
                if (subs.size() > 5) {
                    return WeChatErrors.error(40023, "invalid sub button size");
                }
                for (JsonNode sub : subs) {
                    if (!nameFits(sub, 60)) {
                        return WeChatErrors.error(40019, "invalid sub button name size");
                    }
                    if (!sub.hasNonNull("type")) {
                        return WeChatErrors.error(40017, "invalid button type");
                    }
                }
            } else if (!button.hasNonNull("type")) {
                return WeChatErrors.error(40017, "invalid button type");
            }
        }
        published.put(appId, request.deepCopy());
        created.add(appId);
        return WeChatErrors.ok();
    }

    Map<String, Object> get(String appId) {
        JsonNode menu = published.get(appId);
        if (menu == null) {
            return WeChatErrors.error(46003, "menu no exist");
        }
        ObjectNode shown = menu.deepCopy();
        for (JsonNode button : shown.path("button")) {
            withEmptySubButtons((ObjectNode) button);
        }
        shown.put("menuid", menuIds.incrementAndGet());
        return Map.of("menu", JSON.convertValue(shown, Map.class));
    }

    private static void withEmptySubButtons(ObjectNode button) {
        JsonNode subs = button.path("sub_button");
        if (!subs.isArray()) {
            button.putArray("sub_button");
            return;
        }
        for (JsonNode sub : subs) {
            if (!sub.has("sub_button")) {
                ((ObjectNode) sub).set("sub_button", JSON.createArrayNode());
            }
        }
    }

    private static boolean nameFits(JsonNode button, int bytes) {
        String name = button.path("name").asText("");
        return !name.isEmpty() && name.getBytes(StandardCharsets.UTF_8).length <= bytes;
    }

    /** The menu account {@code appId} has now, as it was created; null for none. */
    JsonNode menuOf(String appId) {
        return published.get(appId);
    }

    /** menu/create calls that replaced a menu, for {@code appId}. */
    int creates(String appId) {
        return (int) created.stream().filter(appId::equals).count();
    }

    void reset() {
        published.clear();
        created.clear();
    }
}
