package io.wxgate.media;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Image replies by URL (SPEC §8), bound from {@code wechat.reply-images.*}.
 *
 * @param downloadTimeout connect and response timeout of fetching an image from its URL
 * @param maxSize         the largest image taken (WeChat takes temporary images up to 10 MB)
 * @param cacheSize       how many uploaded images are remembered (per URL and account) for reuse
 */
@ConfigurationProperties("wechat.reply-images")
public record ReplyImageProperties(Duration downloadTimeout, DataSize maxSize, int cacheSize) {

    public ReplyImageProperties {
        downloadTimeout = downloadTimeout == null ? Duration.ofSeconds(3) : downloadTimeout;
        maxSize = maxSize == null ? DataSize.ofMegabytes(10) : maxSize;
        cacheSize = cacheSize <= 0 ? 10_000 : cacheSize;
        if (downloadTimeout.isNegative() || downloadTimeout.isZero()) {
            throw new IllegalArgumentException("wechat.reply-images.download-timeout must be positive");
        }
        if (maxSize.toBytes() <= 0 || maxSize.toMegabytes() > 10) {
            throw new IllegalArgumentException("wechat.reply-images.max-size must be positive and at most 10MB "
                    + "(WeChat's limit for a temporary image)");
        }
    }
}
