package io.wxgate.proxy;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

import io.wxgate.api.ApiRejection;

/**
 * A caller's request to the WeChat proxy, admitted (SPEC §8): a WeChat API path that cannot leave
 * {@code WECHAT_API_BASE_URL}, none of the endpoints that take the AppSecret or a user's web token, no access_token
 * of the caller's own. Only Content-Type and Accept travel on; the body is held whole (at most 10 MiB,
 * ApiFrontDoor), so a call WeChat refused for a stale token can be repeated.
 *
 * @param method      the HTTP method, upper case
 * @param path        WeChat's path without the leading slash, e.g. {@code cgi-bin/user/info}
 * @param query       the caller's query string as sent (still encoded), empty for none
 * @param contentType the caller's Content-Type, null for none
 * @param accept      the caller's Accept, null for none
 * @param body        the caller's body, empty for none
 */
public record ProxyRequest(String method, String path, String query, String contentType, String accept, byte[] body) {

    /**
     * Segments of letters, digits, '_', '-' and '.', never "." or "..": no '%' (an encoded slash or dot), no ':'
     * (a scheme), no empty segment (a "//host"), so the path can only name something under the base URL.
     */
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_.-]+");

    /** The path of the proxy in a request URI: after {@code /api/v1/wechat/} or {@code /api/v1/accounts/{appId}/wechat/}. */
    private static final Pattern PREFIX = Pattern.compile("^/api/v1/(?:accounts/[^/]+/)?wechat/");

    /**
     * @param requestUri the request's path as sent, not decoded or normalised
     * @throws ApiRejection 400 for a path that could leave the base URL or a caller's access_token, 403 for the
     *                      token endpoints and {@code sns/}
     */
    public static ProxyRequest admit(String method, String requestUri, String query, String contentType, String accept,
            byte[] body) {
        var prefix = PREFIX.matcher(requestUri);
        if (!prefix.find()) {
            throw new ApiRejection(400, "not a path of the WeChat proxy", "path");
        }
        String path = requestUri.substring(prefix.end());
        checkPath(path);
        String lower = path.toLowerCase(Locale.ROOT);
        // wechat-protocol.md §17: these take the AppSecret (token, stable_token, clear_quota/v2) or a user's web
        // token (sns/*), never the account's access_token; the OAuth endpoint of SPEC §8 is their way in.
        if (lower.equals("cgi-bin/token") || lower.equals("cgi-bin/stable_token") || lower.startsWith("cgi-bin/clear_quota")
                || lower.startsWith("sns/")) {
            throw new ApiRejection(403, "the proxy does not call " + path, "path");
        }
        String q = query == null ? "" : query;
        checkQuery(q);
        return new ProxyRequest(method.toUpperCase(Locale.ROOT), path, q, contentType, accept,
                body == null ? new byte[0] : body);
    }

    private static void checkPath(String path) {
        if (path.isEmpty()) {
            throw new ApiRejection(400, "a WeChat API path is needed after wechat/", "path");
        }
        for (String segment : path.split("/", -1)) {
            if (!SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals("..")) {
                throw new ApiRejection(400, "the path must be a WeChat API path (segments of letters, digits, _ - .; "
                        + "no '..', no encoded characters, no host)", "path");
            }
        }
    }

    private static void checkQuery(String query) {
        if (query.isEmpty()) {
            return;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String name;
            try {
                name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                if (eq >= 0) {
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                }
            } catch (IllegalArgumentException malformed) {
                throw new ApiRejection(400, "the query string is not well encoded", "query");
            }
            if (name.trim().equalsIgnoreCase("access_token")) {
                throw new ApiRejection(400, "access_token is the gateway's to add; leave it out", "access_token");
            }
        }
    }

    public boolean isGet() {
        return "GET".equals(method);
    }
}
