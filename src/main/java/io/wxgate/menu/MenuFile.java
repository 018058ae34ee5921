package io.wxgate.menu;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wxgate.config.TextYaml;

/**
 * A menu file: WeChat's {@code menu/create} JSON written as YAML (wechat-protocol.md §14), read as text only, so a
 * key {@code 2024} stays the string WeChat expects. Checked here for what WeChat would refuse with a less telling
 * errcode: 1–3 buttons, each a leaf with a {@code type} or a parent of 1–5 leaves; names of at most 16 bytes (a
 * sub-button's 60); {@code key} at most 128 bytes and {@code url} 1,024.
 */
public final class MenuFile {

    private static final int MAX_CODE_POINTS = 256 * 1024;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private MenuFile() {
    }

    /**
     * The menu's JSON for {@code menu/create}.
     *
     * @throws IllegalArgumentException naming {@code source} and the button at fault
     */
    public static ObjectNode parse(String text, String source) {
        Object root = TextYaml.load(text, source, MAX_CODE_POINTS);
        if (!(root instanceof Map<?, ?> map) || !(map.get("button") instanceof List<?> buttons)) {
            throw new IllegalArgumentException(source + ": must be a mapping with a list 'button' (WeChat's menu JSON "
                    + "as YAML)");
        }
        if (map.size() != 1) {
            throw new IllegalArgumentException(source + ": only 'button' belongs at the top (found "
                    + map.keySet() + ")");
        }
        if (buttons.isEmpty() || buttons.size() > 3) {
            throw new IllegalArgumentException(source + ": 'button' must hold 1 to 3 buttons, not " + buttons.size());
        }
        ObjectNode menu = NODES.objectNode();
        ArrayNode out = menu.putArray("button");
        for (int i = 0; i < buttons.size(); i++) {
            String where = source + ": button " + (i + 1);
            if (!(buttons.get(i) instanceof Map<?, ?>)) {
                throw new IllegalArgumentException(where + ": must be a mapping");
            }
            ObjectNode button = (ObjectNode) json(buttons.get(i), where);
            checkName(button, 16, where);
            JsonNode subs = button.get("sub_button");
            if (subs != null && !(subs.isArray() && subs.isEmpty())) {
                if (!subs.isArray() || subs.size() > 5) {
                    throw new IllegalArgumentException(where + ": 'sub_button' must be a list of 1 to 5 buttons");
                }
                for (int j = 0; j < subs.size(); j++) {
                    String subWhere = where + ", sub-button " + (j + 1);
                    checkLeaf(subs.get(j), 60, subWhere);
                }
            } else {
                button.remove("sub_button");
                checkLeaf(button, 16, where);
            }
            out.add(button);
        }
        return menu;
    }

    /**
     * What {@code menu/get} answered, in the form {@link #parse} gives: the {@code menu} wrapper and its
     * {@code menuid} gone, and the empty {@code sub_button} WeChat adds to every leaf removed (§14: normalise before
     * diffing). Null when the answer holds no menu.
     */
    public static ObjectNode published(JsonNode menuGetAnswer) {
        JsonNode buttons = menuGetAnswer.path("menu").path("button");
        if (!buttons.isArray()) {
            return null;
        }
        ObjectNode menu = NODES.objectNode();
        ArrayNode out = menu.putArray("button");
        for (JsonNode b : buttons) {
            ObjectNode button = b.deepCopy();
            JsonNode subs = button.path("sub_button");
            if (subs.isArray() && subs.isEmpty()) {
                button.remove("sub_button");
            } else if (subs.isArray()) {
                for (JsonNode sub : subs) {
                    if (sub.path("sub_button").isArray() && sub.path("sub_button").isEmpty()) {
                        ((ObjectNode) sub).remove("sub_button");
                    }
                }
            }
            out.add(button);
        }
        return menu;
    }

    private static void checkLeaf(JsonNode leaf, int nameBytes, String where) {
        if (!leaf.isObject()) {
            throw new IllegalArgumentException(where + ": must be a mapping");
        }
        checkName(leaf, nameBytes, where);
        if (leaf.path("type").asText("").isEmpty()) {
            throw new IllegalArgumentException(where + ": needs a 'type' (click, view, miniprogram, …) or 'sub_button'");
        }
        checkBytes(leaf, "key", 128, where);
        checkBytes(leaf, "url", 1024, where);
    }

    private static void checkName(JsonNode button, int bytes, String where) {
        String name = button.path("name").asText("");
        if (name.isEmpty()) {
            throw new IllegalArgumentException(where + ": needs a 'name'");
        }
        checkBytes(button, "name", bytes, where);
    }

    private static void checkBytes(JsonNode node, String field, int bytes, String where) {
        int length = node.path(field).asText("").getBytes(StandardCharsets.UTF_8).length;
        if (length > bytes) {
            throw new IllegalArgumentException(where + ": '" + field + "' is " + length + " bytes, WeChat takes at most "
                    + bytes);
        }
    }

    /** Lists, maps and text, as JSON. */
    private static JsonNode json(Object value, String where) {
        if (value instanceof Map<?, ?> map) {
            ObjectNode object = NODES.objectNode();
            map.forEach((k, v) -> object.set(String.valueOf(k), json(v, where)));
            return object;
        }
        if (value instanceof List<?> list) {
            ArrayNode array = NODES.arrayNode();
            list.forEach(v -> array.add(json(v, where)));
            return array;
        }
        if (value == null) {
            return NODES.nullNode();
        }
        return NODES.textNode(value.toString());
    }
}
