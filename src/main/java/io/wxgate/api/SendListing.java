package io.wxgate.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.wxgate.config.SendApi;
import io.wxgate.store.SendQuery;
import io.wxgate.store.SendRecord;

/**
 * The query string of {@code GET /api/v1/sends} (and {@code …/accounts/{appId}/sends}) as a {@link SendQuery}. A
 * parameter this listing does not know, or one given twice, is refused rather than ignored: a misspelt filter
 * would otherwise answer with every send.
 */
final class SendListing {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;
    /** The parameters a listing takes; OpenApiDocumentTest holds the description to them. */
    static final Set<String> PARAMETERS = Set.of("status", "api", "appid", "from", "to", "limit", "cursor");
    private static final List<String> STATUSES =
            List.of(SendRecord.QUEUED, SendRecord.SENT, SendRecord.DELIVERED, SendRecord.FAILED);
    private static final List<String> APIS = Arrays.stream(SendApi.values()).map(SendApi::key).toList();

    private SendListing() {
    }

    /**
     * @param rawQuery the request's query string, still URL-encoded; null for none
     * @param account  the account the caller may see (the path's, or an account key's own); null: every account
     * @param fromPath whether that account is the path's, so that another {@code appid} contradicts the path (400)
     *                 rather than asks for an account the key may not see (403)
     */
    static SendQuery parse(String rawQuery, String account, boolean fromPath) {
        Map<String, String> p = parameters(rawQuery);
        String status = oneOf(p, "status", STATUSES);
        String api = oneOf(p, "api", APIS);
        String appid = p.get("appid");
        if (appid != null && !appid.matches("[A-Za-z0-9_-]{1,64}")) {
            throw ApiRejection.badField("appid", "is not an AppId");
        }
        if (account != null && appid != null && !account.equals(appid)) {
            if (fromPath) {
                throw ApiRejection.badField("appid", "differs from the account of the path");
            }
            throw new ApiRejection(403, "this key may act on its own account only", "appid");
        }
        Instant from = instant(p, "from");
        Instant to = instant(p, "to");
        if (from != null && to != null && !from.isBefore(to)) {
            throw ApiRejection.badField("from", "must be before to");
        }
        int limit = DEFAULT_LIMIT;
        if (p.containsKey("limit")) {
            String text = p.get("limit");
            limit = text.matches("\\d{1,4}") ? Integer.parseInt(text) : 0;
            if (limit < 1 || limit > MAX_LIMIT) {
                throw ApiRejection.badField("limit", "must be a whole number from 1 to " + MAX_LIMIT);
            }
        }
        SendQuery.Position after = null;
        if (p.containsKey("cursor")) {
            after = SendQuery.Position.decode(p.get("cursor"))
                    .orElseThrow(() -> ApiRejection.badField("cursor", "is not one this API gave (take next from a page)"));
        }
        return new SendQuery(account != null ? account : appid, api, status, from, to, limit, after);
    }

    private static Map<String, String> parameters(String rawQuery) {
        Map<String, String> found = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return found;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name;
            String value;
            try {
                name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException badEscape) {
                throw new ApiRejection(400, "the query string is not URL-encoded correctly", null);
            }
            if (!PARAMETERS.contains(name)) {
                throw new ApiRejection(400, "unknown parameter " + name + "; a listing takes status, api, appid, "
                        + "from, to, limit and cursor", name);
            }
            if (found.put(name, value) != null) {
                throw ApiRejection.badField(name, "is given twice");
            }
        }
        return found;
    }

    private static String oneOf(Map<String, String> p, String name, List<String> allowed) {
        String value = p.get(name);
        if (value != null && !allowed.contains(value)) {
            throw ApiRejection.badField(name, "must be one of " + String.join(", ", allowed));
        }
        return value;
    }

    private static Instant instant(Map<String, String> p, String name) {
        String text = p.get(name);
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiRejection.badField(name, "must be an ISO-8601 time with its offset, such as 2026-11-25T08:00:00Z");
        }
    }
}
