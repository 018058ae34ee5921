package io.wxgate.callback;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import io.wxgate.account.Account;

/**
 * What one callback request carried, read once and detached from the HTTP request, so that no request header
 * can travel further (SPEC §2: nothing echoed, nothing leaked downstream).
 *
 * @param account     the official account the request is for (SPEC §7), as in force when it arrived
 * @param method      GET or POST
 * @param params      the query parameters WeChat signs and sends, decoded
 * @param body        the POST body as UTF-8 text, empty for GET
 * @param arrivalNanos when the request arrived, for the answer deadline
 */
public record CallbackRequest(Account account, String method, Map<String, String> params, String body,
        long arrivalNanos) {

    public static final String PROPERTY = "WeChatCallbackRequest";

    public String param(String name) {
        return params.get(name);
    }

    public boolean encrypted() {
        return "aes".equalsIgnoreCase(params.get("encrypt_type"));
    }

    /**
     * Reads what the callback needs off one HTTP request and nothing else; refuses bodies over
     * {@code maxBodyBytes} with 413 before parsing, whether they declare a length or arrive chunked.
     *
     * @param rawQuery      the query string as sent (still percent-encoded), or null
     * @param declaredLength the Content-Length, or -1 when the body is chunked or absent
     */
    static CallbackRequest read(Account account, String method, String rawQuery, long declaredLength, InputStream body,
            long maxBodyBytes, long arrivalNanos) {
        Map<String, String> params = parseQuery(rawQuery);
        String text = "";
        if ("POST".equals(method)) {
            // The Content-Type is not looked at: WeChat posts text/xml, and a tool that labels the same XML as a form
            // (curl -d) still gets it verified and answered. A body that is not XML is refused 400 when parsed.
            if (declaredLength > maxBodyBytes) {
                throw tooLarge(maxBodyBytes);
            }
            text = readBounded(body, declaredLength, maxBodyBytes);
        }
        return new CallbackRequest(account, method, params, text, arrivalNanos);
    }

    private static String readBounded(InputStream in, long declaredLength, long max) {
        if (in == null) {
            return "";
        }
        try (in) {
            byte[] bytes;
            if (declaredLength >= 0) {
                // Jetty holds the body to its declared length; read exactly that, in one array.
                bytes = new byte[(int) declaredLength];
                if (in.readNBytes(bytes, 0, bytes.length) < bytes.length) {
                    throw CallbackRejectedException.badRequest("request body shorter than its Content-Length");
                }
            } else {
                // Chunked bodies declare no length, so the limit is enforced while reading.
                bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
                if (bytes.length > max) {
                    throw tooLarge(max);
                }
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw CallbackRejectedException.badRequest("request body could not be read");
        }
    }

    private static CallbackRejectedException tooLarge(long max) {
        return new CallbackRejectedException(413, "request body larger than " + max + " bytes");
    }

    static Map<String, String> parseQuery(String query) {
        Map<String, String> params = new HashMap<>();
        if (query == null || query.isEmpty()) {
            return params;
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (params.putIfAbsent(name, value) != null) {
                // Two values for a signed parameter leave it ambiguous which one a check used.
                throw CallbackRejectedException.badRequest("query parameter '" + safeName(name) + "' given twice");
            }
        }
        return params;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw CallbackRejectedException.badRequest("malformed query string");
        }
    }

    private static String safeName(String name) {
        return name.length() <= 32 && name.matches("[A-Za-z0-9_]*") ? name : "?";
    }
}
