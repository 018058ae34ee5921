package io.wxgate.media;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.wxgate.account.Accounts;
import io.wxgate.message.ImageUploads;
import io.wxgate.send.WeChatCalls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Image replies by URL (SPEC §8): the image is fetched from its URL and uploaded as the account's temporary media
 * ({@code media/upload?type=image}, wechat-protocol.md §15) once per URL and account; the media_id is reused until an
 * hour before WeChat drops it, 3 days after the upload. Concurrent replies with one URL share one upload, on the
 * first caller's thread (a routes' worker); a failed upload is not remembered, so the next reply tries again. The
 * cache is this instance's: in a cluster each instance uploads a URL once.
 */
public final class ReplyImages implements ImageUploads {

    /** wechat-protocol.md §15: temporary media expire 3 days after upload. */
    static final Duration KEPT_BY_WECHAT = Duration.ofDays(3);
    /** Given up this long before WeChat would drop it, so a reply never carries a media_id about to lapse. */
    static final Duration MARGIN = Duration.ofHours(1);
    private static final Map<String, String> EXTENSIONS = Map.of("image/jpeg", "jpg", "image/jpg", "jpg",
            "image/png", "png", "image/gif", "gif");
    private static final Logger LOG = LoggerFactory.getLogger(ReplyImages.class);

    private record Key(String appId, String url) {
    }

    private record Uploaded(String mediaId, Instant usableUntil) {
    }

    private final Accounts accounts;
    private final WeChatCalls calls;
    private final ReplyImageProperties settings;
    private final Clock clock;
    private final HttpClient http;
    private final AsyncCache<Key, Uploaded> uploads;

    public ReplyImages(Accounts accounts, WeChatCalls calls, ReplyImageProperties settings, Clock clock) {
        this.accounts = accounts;
        this.calls = calls;
        this.settings = settings;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(settings.downloadTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        this.uploads = Caffeine.newBuilder()
                .maximumSize(settings.cacheSize())
                .executor(Runnable::run) // the upload runs on the caller's thread, which waits for it anyway
                .expireAfter(Expiry.<Key, Uploaded>creating((key, uploaded) -> {
                    Duration left = Duration.between(clock.instant(), uploaded.usableUntil());
                    return left.isNegative() ? Duration.ZERO : left;
                }))
                .buildAsync();
    }

    @Override
    public String mediaIdOf(String appId, String url) {
        try {
            return uploads.get(new Key(appId, url), this::upload).join().mediaId();
        } catch (CompletionException e) {
            throw e.getCause() instanceof IllegalArgumentException refused ? refused
                    : new IllegalArgumentException("image " + url + " could not be uploaded: " + e.getCause());
        }
    }

    private Uploaded upload(Key key) {
        String url = key.url();
        Image image = download(url);
        String boundary = "wxgate-" + UUID.randomUUID();
        JsonNode answer;
        try {
            answer = calls.call(accounts.require(key.appId()), "POST", "/cgi-bin/media/upload", "type=image",
                    "multipart/form-data; boundary=" + boundary, multipart(boundary, image));
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException("image " + url + " could not be uploaded: " + e.getMessage());
        }
        String mediaId = answer.path("media_id").asText("");
        if (mediaId.isEmpty()) {
            throw new IllegalArgumentException("image " + url + " refused by WeChat: errcode "
                    + answer.path("errcode").asInt(-1) + " (" + answer.path("errmsg").asText("") + ")");
        }
        Instant created = answer.has("created_at") ? Instant.ofEpochSecond(answer.path("created_at").asLong())
                : clock.instant();
        LOG.info("Image {} uploaded for {} ({} bytes), reused until {}", url, key.appId(), image.bytes().length,
                created.plus(KEPT_BY_WECHAT).minus(MARGIN));
        return new Uploaded(mediaId, created.plus(KEPT_BY_WECHAT).minus(MARGIN));
    }

    private record Image(String contentType, byte[] bytes) {
    }

    private Image download(String url) {
        HttpResponse<InputStream> response;
        try {
            response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(settings.downloadTimeout()).GET()
                    .build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new IllegalArgumentException("image " + url + " could not be fetched: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalArgumentException("image " + url + " could not be fetched: interrupted");
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new IllegalArgumentException("image " + url + " answered HTTP " + response.statusCode());
            }
            String type = response.headers().firstValue("Content-Type").orElse("")
                    .split(";")[0].trim().toLowerCase(Locale.ROOT);
            if (!EXTENSIONS.containsKey(type)) {
                throw new IllegalArgumentException("image " + url + " is " + (type.isEmpty() ? "of no type" : type)
                        + "; WeChat takes JPEG, PNG and GIF images");
            }
            long max = settings.maxSize().toBytes();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            byte[] chunk = new byte[16 * 1024];
            for (int n; (n = body.read(chunk)) >= 0; ) {
                bytes.write(chunk, 0, n);
                if (bytes.size() > max) {
                    throw new IllegalArgumentException("image " + url + " is larger than " + settings.maxSize());
                }
            }
            if (bytes.size() == 0) {
                throw new IllegalArgumentException("image " + url + " is empty");
            }
            return new Image(type, bytes.toByteArray());
        } catch (IOException e) {
            throw new IllegalArgumentException("image " + url + " could not be read: " + e.getClass().getSimpleName());
        }
    }

    /** One part, {@code media}, as WeChat's upload expects it (wechat-protocol.md §15). */
    private static byte[] multipart(String boundary, Image image) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(image.bytes().length + 256);
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"media\"; filename=\"image."
                + EXTENSIONS.get(image.contentType()) + "\"\r\nContent-Type: " + image.contentType() + "\r\n\r\n";
        body.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(image.bytes());
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return body.toByteArray();
    }
}
