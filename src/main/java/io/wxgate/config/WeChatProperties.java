package io.wxgate.config;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The official account and the callback rules (SPEC §1–§2), bound from {@code wechat.*}.
 * Every check names the key it guards, so a bad setting stops start-up with a message an operator can act on.
 */
@ConfigurationProperties("wechat")
public record WeChatProperties(
        String appId,
        String appSecret,
        String token,
        String encodingAesKey,
        String previousEncodingAesKey,
        String apiBaseUrl,
        Callback callback,
        Inbound inbound) {

    public WeChatProperties {
        require(appId, "wechat.app-id (WECHAT_APP_ID)");
        require(appSecret, "wechat.app-secret (WECHAT_APP_SECRET)");
        require(token, "wechat.token (WECHAT_TOKEN)");
        encodingAesKey = encodingAesKey == null ? "" : encodingAesKey.trim();
        if (!encodingAesKey.isEmpty() && !encodingAesKey.matches("[A-Za-z0-9]{43}")) {
            // The key itself is a secret: say what is wrong with it, never what it is.
            throw new IllegalArgumentException("wechat.encoding-aes-key (WECHAT_ENCODING_AES_KEY) must be exactly 43 "
                    + "characters of [A-Za-z0-9], or empty for plain mode only; got " + encodingAesKey.length()
                    + " characters");
        }
        previousEncodingAesKey = previousEncodingAesKey == null ? "" : previousEncodingAesKey.trim();
        if (!previousEncodingAesKey.isEmpty()) {
            if (!previousEncodingAesKey.matches("[A-Za-z0-9]{43}")) {
                throw new IllegalArgumentException("wechat.previous-encoding-aes-key (WECHAT_PREVIOUS_ENCODING_AES_KEY) "
                        + "must be exactly 43 characters of [A-Za-z0-9], or empty; got "
                        + previousEncodingAesKey.length() + " characters");
            }
            if (encodingAesKey.isEmpty()) {
                throw new IllegalArgumentException("wechat.previous-encoding-aes-key (WECHAT_PREVIOUS_ENCODING_AES_KEY) "
                        + "needs wechat.encoding-aes-key, the key that replaces it");
            }
        }
        apiBaseUrls(apiBaseUrl);
        if (callback == null) {
            throw new IllegalArgumentException("wechat.callback is missing");
        }
        if (inbound == null) {
            throw new IllegalArgumentException("wechat.inbound is missing");
        }
        if (callback.dedupeWindow().compareTo(callback.timestampWindow()) < 0) {
            // A replayed request still inside the timestamp window must still be recognised as a duplicate.
            throw new IllegalArgumentException("wechat.callback.dedupe-window (" + callback.dedupeWindow()
                    + ") must not be shorter than wechat.callback.timestamp-window (" + callback.timestampWindow() + ")");
        }
    }

    public boolean safeModeConfigured() {
        return !encodingAesKey.isEmpty();
    }

    /** WECHAT_API_BASE_URL: comma-separated, in failover order. */
    public List<URI> apiBaseUrls() {
        return apiBaseUrls(apiBaseUrl);
    }

    private static List<URI> apiBaseUrls(String value) {
        require(value, "wechat.api-base-url (WECHAT_API_BASE_URL)");
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(s -> {
            URI uri;
            try {
                uri = URI.create(s);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("wechat.api-base-url (WECHAT_API_BASE_URL) holds a malformed URL: " + s);
            }
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException(
                        "wechat.api-base-url (WECHAT_API_BASE_URL) must list http(s)://host URLs; not one: " + s);
            }
            return uri;
        }).toList();
    }

    static void require(String value, String key) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(key + " must be set");
        }
    }

    @Override
    public String toString() {
        return "WeChatProperties[appId=" + appId + ", safeMode=" + safeModeConfigured() + ", keyChange="
                + !previousEncodingAesKey.isEmpty() + ", apiBaseUrl=" + apiBaseUrl
                + ", callback=" + callback + ", inbound=" + inbound + "]";
    }

    /**
     * @param timestampWindow   how far a callback's {@code timestamp} may be from now (replay guard)
     * @param maxBodySize       larger POST bodies are refused with 413 before anything is parsed
     * @param deadline          the answer leaves by then; WeChat gives up at 5 s (wechat-protocol.md §3)
     * @param dedupeWindow      how long a delivery key and its first reply are remembered
     * @param requireEncryption refuse plain-mode POSTs once safe mode is configured
     */
    public record Callback(
            String path,
            Duration timestampWindow,
            DataSize maxBodySize,
            Duration deadline,
            Duration dedupeWindow,
            boolean requireEncryption) {

        public Callback {
            require(path, "wechat.callback.path");
            positive(timestampWindow, "wechat.callback.timestamp-window");
            positive(deadline, "wechat.callback.deadline");
            positive(dedupeWindow, "wechat.callback.dedupe-window");
            if (deadline.compareTo(Duration.ofMillis(4900)) > 0) {
                throw new IllegalArgumentException("wechat.callback.deadline must stay under WeChat's 5 s budget "
                        + "(at most 4900ms); got " + deadline.toMillis() + "ms");
            }
            if (maxBodySize == null || maxBodySize.toBytes() < 1024) {
                throw new IllegalArgumentException("wechat.callback.max-body-size must be at least 1KB");
            }
        }
    }

    /**
     * @param endpoint       where every new message is handed (the integrators' routes)
     * @param forwardUri     where the shipped routes forward every message as JSON
     * @param lateReplyUri   where a reply that missed the deadline, or a text over 2048 bytes, is handed
     * @param deadLetterDir  where messages whose processing failed are kept for replay
     * @param threads        workers running the integrators' routes
     * @param queueSize      messages waiting for a worker before new ones are refused into dead letters
     */
    public record Inbound(
            String endpoint,
            String forwardUri,
            String lateReplyUri,
            String deadLetterDir,
            int threads,
            int queueSize) {

        public Inbound {
            require(endpoint, "wechat.inbound.endpoint");
            require(forwardUri, "wechat.inbound.forward-uri");
            require(lateReplyUri, "wechat.inbound.late-reply-uri");
            require(deadLetterDir, "wechat.inbound.dead-letter-dir");
            if (threads < 1 || queueSize < 1) {
                throw new IllegalArgumentException("wechat.inbound.threads and wechat.inbound.queue-size must be positive");
            }
        }
    }

    private static void positive(Duration d, String key) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(key + " must be a positive duration");
        }
    }
}
