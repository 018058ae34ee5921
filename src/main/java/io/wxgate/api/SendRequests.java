package io.wxgate.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wxgate.config.SendApi;
import io.wxgate.message.Json;

/**
 * Checks a send request against what WeChat requires (wechat-protocol.md §7) before it is queued, so a
 * mistake is reported to the caller as a 400 naming the field instead of failing later in the queue.
 */
public final class SendRequests {

    private SendRequests() {
    }

    public static ObjectNode parse(SendApi api, String body) {
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(body == null ? "" : body);
        } catch (JsonProcessingException e) {
            throw new ApiRejection(400, "body is not valid JSON", "body");
        }
        if (json == null || !json.isObject()) {
            throw new ApiRejection(400, "body must be a JSON object", "body");
        }
        ObjectNode request = (ObjectNode) json;
        requireText(request, "touser");
        switch (api) {
            case TEMPLATE -> {
                requireText(request, "template_id");
                requireObject(request, "data");
                optionalText(request, "url");
                optionalText(request, "client_msg_id");
                if (request.has("miniprogram")) {
                    requireObject(request, "miniprogram");
                    requireText((ObjectNode) request.get("miniprogram"), "miniprogram.appid", "appid");
                }
            }
            case SUBSCRIBE -> {
                requireText(request, "template_id");
                requireObject(request, "data");
                optionalText(request, "page");
            }
            case CUSTOM -> {
                String msgtype = requireText(request, "msgtype");
                if (!msgtype.matches("[a-z_]{1,32}")) {
                    throw ApiRejection.badField("msgtype", "is not a WeChat message type");
                }
                requireObject(request, msgtype);
            }
        }
        return request;
    }

    private static String requireText(ObjectNode node, String field) {
        return requireText(node, field, field);
    }

    private static String requireText(ObjectNode node, String label, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw ApiRejection.badField(label, "is required");
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            throw ApiRejection.badField(label, "must be a non-empty string");
        }
        return value.asText();
    }

    private static void optionalText(ObjectNode node, String field) {
        JsonNode value = node.get(field);
        if (value != null && !value.isNull() && !value.isTextual()) {
            throw ApiRejection.badField(field, "must be a string");
        }
    }

    private static void requireObject(ObjectNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw ApiRejection.badField(field, "is required");
        }
        if (!value.isObject()) {
            throw ApiRejection.badField(field, "must be a JSON object");
        }
    }
}
