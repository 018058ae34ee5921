package io.wxgate.simulator;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToIntFunction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;

/**
 * The WeChat APIs the gateway's proxy is tested on (wechat-protocol.md §15, §17): a JSON GET ({@code user/info}), a
 * JSON POST ({@code qrcode/create}), temporary media upload (multipart, part {@code media}) and download (the
 * bytes with their content type, or errcode 40007). Downloads can be written slowly, to show who streams them.
 */
public final class MediaApis {

    public static final String USER_INFO = "/cgi-bin/user/info";
    public static final String QRCODE_CREATE = "/cgi-bin/qrcode/create";
    public static final String MEDIA_UPLOAD = "/cgi-bin/media/upload";
    public static final String MEDIA_GET = "/cgi-bin/media/get";

    /** Temporary media as WeChat keeps it. */
    public record Media(String type, String contentType, String filename, byte[] bytes) {
    }

    /** What the simulator records of one call: its status and a short description of its answer. */
    interface Recorder {
        void record(int status, String answer);
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Clock clock;
    private final Map<String, Media> media = new ConcurrentHashMap<>();
    private final Map<String, Map<String, List<String>>> headers = new ConcurrentHashMap<>();
    private final Map<String, Instant> downloadsWritten = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private volatile int slowChunk;
    private volatile Duration slowPause = Duration.ZERO;

    MediaApis(Clock clock) {
        this.clock = clock;
    }

    void reset() {
        media.clear();
        headers.clear();
        downloadsWritten.clear();
        slowChunk = 0;
        slowPause = Duration.ZERO;
    }

    /** Puts media into WeChat's store as if uploaded; returns its media_id. */
    public String putMedia(String contentType, byte[] bytes) {
        String id = "MEDIA_" + ids.incrementAndGet();
        media.put(id, new Media("image", contentType, id + ".jpg", bytes.clone()));
        return id;
    }

    public Media media(String mediaId) {
        return media.get(mediaId);
    }

    /** Downloads are written chunk bytes at a time with a pause after each (0 chunk: at once). */
    public void slowDownloads(int chunk, Duration pause) {
        this.slowChunk = chunk;
        this.slowPause = pause;
    }

    /** When the simulator had written the last byte of that media's latest download, null before. */
    public Instant downloadWritten(String mediaId) {
        return downloadsWritten.get(mediaId);
    }

    /** The request headers of the latest call on path (names lower case), null before one. */
    public Map<String, List<String>> lastHeaders(String path) {
        return headers.get(path);
    }

    /** Whether path is one of these APIs; then it has answered the call. */
    boolean serve(HttpExchange exchange, String method, String path, Map<String, String> query, byte[] body,
            ToIntFunction<String> tokenError, Recorder recorder) throws IOException {
        if (!List.of(USER_INFO, QRCODE_CREATE, MEDIA_UPLOAD, MEDIA_GET).contains(path)) {
            return false;
        }
        Map<String, List<String>> seen = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> seen.put(name.toLowerCase(), List.copyOf(values)));
        headers.put(path, seen);
        int tokenRefused = tokenError.applyAsInt(query.get("access_token"));
        if (tokenRefused != 0) {
            json(exchange, recorder, WeChatErrors.error(tokenRefused));
            return true;
        }
        switch (path) {
            case USER_INFO -> userInfo(exchange, recorder, method, query);
            case QRCODE_CREATE -> qrcode(exchange, recorder, method, body);
            case MEDIA_UPLOAD -> upload(exchange, recorder, method, query, body);
            default -> download(exchange, recorder, query);
        }
        return true;
    }

    private void userInfo(HttpExchange exchange, Recorder recorder, String method, Map<String, String> query)
            throws IOException {
        String openid = query.get("openid");
        if (!"GET".equals(method)) {
            json(exchange, recorder, WeChatErrors.error(43001, "require GET method"));
        } else if (openid == null || openid.isEmpty()) {
            json(exchange, recorder, WeChatErrors.error(40003));
        } else {
            Map<String, Object> user = new LinkedHashMap<>();
            user.put("subscribe", 1);
            user.put("openid", openid);
            user.put("language", query.getOrDefault("lang", "zh_CN"));
            user.put("subscribe_time", 1_700_000_000L);
            json(exchange, recorder, user);
        }
    }

    private void qrcode(HttpExchange exchange, Recorder recorder, String method, byte[] body) throws IOException {
        JsonNode request;
        try {
            request = JSON.readTree(body);
        } catch (IOException e) {
            request = null;
        }
        if (!"POST".equals(method)) {
            json(exchange, recorder, WeChatErrors.error(43002));
        } else if (request == null || !request.isObject() || !request.has("action_name")) {
            json(exchange, recorder, WeChatErrors.error(47001));
        } else {
            String ticket = "gQ" + ids.incrementAndGet();
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("ticket", ticket);
            answer.put("expire_seconds", request.path("expire_seconds").asInt(60));
            answer.put("url", "http://weixin.qq.com/q/" + ticket);
            json(exchange, recorder, answer);
        }
    }

    private void upload(HttpExchange exchange, Recorder recorder, String method, Map<String, String> query,
            byte[] body) throws IOException {
        String type = query.getOrDefault("type", "");
        if (!"POST".equals(method)) {
            json(exchange, recorder, WeChatErrors.error(43002));
            return;
        }
        if (!List.of("image", "voice", "video", "thumb").contains(type)) {
            json(exchange, recorder, WeChatErrors.error(40004, "invalid media type"));
            return;
        }
        Media part = mediaPart(exchange.getRequestHeaders().getFirst("Content-Type"), body, type);
        if (part == null) {
            json(exchange, recorder, WeChatErrors.error(41005, "media data missing"));
            return;
        }
        if (part.bytes().length == 0) {
            json(exchange, recorder, WeChatErrors.error(44001, "empty media data"));
            return;
        }
        String id = "MEDIA_" + ids.incrementAndGet();
        media.put(id, part);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("type", type);
        answer.put("media_id", id);
        answer.put("created_at", clock.instant().getEpochSecond());
        json(exchange, recorder, answer);
    }

    private void download(HttpExchange exchange, Recorder recorder, Map<String, String> query) throws IOException {
        String id = query.getOrDefault("media_id", "");
        Media found = media.get(id);
        if (found == null) {
            json(exchange, recorder, WeChatErrors.error(40007, "invalid media_id"));
            return;
        }
        recorder.record(200, found.bytes().length + " bytes of " + found.contentType());
        exchange.getResponseHeaders().set("Content-Type", found.contentType());
        exchange.getResponseHeaders().set("Content-disposition", "attachment; filename=\"" + found.filename() + "\"");
        exchange.sendResponseHeaders(200, found.bytes().length);
        int chunk = slowChunk > 0 ? slowChunk : Math.max(1, found.bytes().length);
        try (OutputStream out = exchange.getResponseBody()) {
            for (int at = 0; at < found.bytes().length; at += chunk) {
                out.write(found.bytes(), at, Math.min(chunk, found.bytes().length - at));
                out.flush();
                if (slowChunk > 0 && at + chunk < found.bytes().length) {
                    Thread.sleep(slowPause.toMillis());
                }
            }
            downloadsWritten.put(id, clock.instant());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The part named media of a multipart/form-data body, null when there is none (errcode 41005). */
    static Media mediaPart(String contentType, byte[] body, String type) {
        if (contentType == null || !contentType.toLowerCase().startsWith("multipart/form-data")) {
            return null;
        }
        int b = contentType.indexOf("boundary=");
        if (b < 0) {
            return null;
        }
        String boundary = "--" + contentType.substring(b + 9).replace("\"", "").split(";")[0].trim();
        // ISO-8859-1 maps each byte to one char, so indexes in the text are indexes in the bytes.
        String text = new String(body, StandardCharsets.ISO_8859_1);
        int at = text.indexOf(boundary);
        while (at >= 0) {
            int headersStart = at + boundary.length() + 2;
            int headersEnd = text.indexOf("\r\n\r\n", headersStart);
            int next = text.indexOf("\r\n" + boundary, headersStart);
            if (headersEnd < 0 || next < 0) {
                return null;
            }
            String partHeaders = text.substring(headersStart, headersEnd);
            if (partHeaders.matches("(?is).*content-disposition:[^\r\n]*\\bname=\"media\".*")) {
                String filename = partHeaders.replaceAll("(?is).*filename=\"([^\"]*)\".*", "$1");
                String partType = partHeaders.matches("(?is).*content-type:.*")
                        ? partHeaders.replaceAll("(?is).*content-type:\\s*([^\r\n]+).*", "$1").trim()
                        : "application/octet-stream";
                byte[] bytes = java.util.Arrays.copyOfRange(body, headersEnd + 4, next);
                return new Media(type, partType, filename, bytes);
            }
            at = next + 2;
        }
        return null;
    }

    private static void json(HttpExchange exchange, Recorder recorder, Map<String, Object> answer) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(answer);
        recorder.record(200, new String(bytes, StandardCharsets.UTF_8));
        // WeChat answers these JSON as text/plain at times; the proxy must not care (wechat-protocol.md §17).
        exchange.getResponseHeaders().set("Content-Type", "application/json; encoding=utf-8");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
