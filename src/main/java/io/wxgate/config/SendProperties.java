package io.wxgate.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.HashSet;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Outbound calls to WeChat (SPEC §4), bound from {@code wechat.send.*}, the token settings from {@code wechat.send.token.*}.
 *
 * @param connectTimeout         connect timeout of every WeChat API call
 * @param readTimeout            response timeout of every WeChat API call
 * @param maxConnections         pooled HTTP connections to each WeChat host
 * @param ratePerSecond          throttle per API: template, custom, subscribe
 * @param backoff                retries of -1 / 45011 / 5xx / transport faults
 * @param fallbackTemplates      template id → template id to send instead when WeChat answers 40037
 * @param customFallbackTemplate template used when a customer-service message cannot be sent (45015, 45047)
 * @param customFallbackDataKey  the data key that carries the customer-service text in that template
 * @param errcodes               the errcode table: which errcodes get which behaviour
 * @param token                  how access_token is fetched and refreshed
 * @param recordRetention        how long a send record is kept after its last change, by either store
 */
@ConfigurationProperties("wechat.send")
public record SendProperties(
        Duration connectTimeout,
        Duration readTimeout,
        int maxConnections,
        Map<String, Integer> ratePerSecond,
        Backoff backoff,
        Map<String, String> fallbackTemplates,
        String customFallbackTemplate,
        String customFallbackDataKey,
        Errcodes errcodes,
        Token token,
        Duration recordRetention) {

    /** The highest throttle rate a bucket reckoned in microseconds can space evenly. */
    public static final int MAX_RATE = 1_000_000;

    public SendProperties {
        positive(connectTimeout, "wechat.send.connect-timeout");
        positive(readTimeout, "wechat.send.read-timeout");
        if (maxConnections < 1) {
            throw new IllegalArgumentException("wechat.send.max-connections must be positive");
        }
        ratePerSecond = ratePerSecond == null ? Map.of() : Map.copyOf(ratePerSecond);
        for (SendApi api : SendApi.values()) {
            Integer rate = ratePerSecond.get(api.key());
            if (rate == null || rate < 1) {
                throw new IllegalArgumentException("wechat.send.rate-per-second." + api.key() + " must be a positive number");
            }
            // The cluster's throttle clock is exact to the microsecond (RedisThrottleBuckets).
            if (rate > MAX_RATE) {
                throw new IllegalArgumentException("wechat.send.rate-per-second." + api.key() + " must be at most "
                        + MAX_RATE + " (calls spaced at least a microsecond apart)");
            }
        }
        if (backoff == null) {
            throw new IllegalArgumentException("wechat.send.backoff is missing");
        }
        fallbackTemplates = fallbackTemplates == null ? Map.of() : Map.copyOf(fallbackTemplates);
        customFallbackTemplate = customFallbackTemplate == null ? "" : customFallbackTemplate.trim();
        customFallbackDataKey = customFallbackDataKey == null || customFallbackDataKey.isBlank()
                ? "content" : customFallbackDataKey.trim();
        if (errcodes == null) {
            throw new IllegalArgumentException("wechat.send.errcodes is missing");
        }
        if (token == null) {
            throw new IllegalArgumentException("wechat.send.token is missing");
        }
        recordRetention = recordRetention == null ? Duration.ofDays(30) : recordRetention;
        positive(recordRetention, "wechat.send.record-retention");
    }

    public int rate(SendApi api) {
        return ratePerSecond.get(api.key());
    }

    /**
     * @param maxRetries   retries after the first call, 0 for none
     * @param initialDelay delay before the first retry; each next one is {@code multiplier} times longer
     * @param maxDelay     no retry waits longer than this
     */
    public record Backoff(int maxRetries, Duration initialDelay, double multiplier, Duration maxDelay) {
        public Backoff {
            if (maxRetries < 0 || maxRetries > 20) {
                throw new IllegalArgumentException("wechat.send.backoff.max-retries must be between 0 and 20");
            }
            positive(initialDelay, "wechat.send.backoff.initial-delay");
            positive(maxDelay, "wechat.send.backoff.max-delay");
            if (multiplier < 1.0) {
                throw new IllegalArgumentException("wechat.send.backoff.multiplier must be at least 1.0");
            }
        }
    }

    /** The SPEC §4 table: each list names the errcodes that get one behaviour. Unlisted errcodes are permanent. */
    public record Errcodes(
            List<Integer> refreshToken,
            List<Integer> backoff,
            List<Integer> fallbackTemplate,
            List<Integer> fallbackToTemplate,
            List<Integer> permanent,
            List<Integer> alert) {

        public Errcodes {
            refreshToken = listOrEmpty(refreshToken);
            backoff = listOrEmpty(backoff);
            fallbackTemplate = listOrEmpty(fallbackTemplate);
            fallbackToTemplate = listOrEmpty(fallbackToTemplate);
            permanent = listOrEmpty(permanent);
            alert = listOrEmpty(alert);
            Set<Integer> seen = new HashSet<>();
            for (List<Integer> list : List.of(refreshToken, backoff, fallbackTemplate, fallbackToTemplate, permanent, alert)) {
                for (Integer code : list) {
                    if (!seen.add(code)) {
                        throw new IllegalArgumentException("wechat.send.errcodes lists errcode " + code
                                + " under two behaviours; give it one");
                    }
                }
            }
        }

        private static List<Integer> listOrEmpty(List<Integer> list) {
            return list == null ? List.of() : List.copyOf(list);
        }
    }

    /**
     * @param endpoint              {@code stable_token} (default) or {@code token}
     * @param refreshMargin         a token is refreshed this long before WeChat's expires_in runs out
     * @param forceRefreshInterval  WeChat refreshes a forced stable_token at most this often (30 s)
     * @param forceRefreshPerDay    and at most this many times a day (20)
     */
    public record Token(String endpoint, Duration refreshMargin, Duration forceRefreshInterval, int forceRefreshPerDay) {
        public Token {
            if (!"stable_token".equals(endpoint) && !"token".equals(endpoint)) {
                throw new IllegalArgumentException("wechat.send.token.endpoint must be stable_token or token; got " + endpoint);
            }
            positive(refreshMargin, "wechat.send.token.refresh-margin");
            positive(forceRefreshInterval, "wechat.send.token.force-refresh-interval");
            if (forceRefreshPerDay < 0 || forceRefreshPerDay > 20) {
                throw new IllegalArgumentException("wechat.send.token.force-refresh-per-day must be between 0 and 20 "
                        + "(WeChat's own limit)");
            }
        }
    }

    private static void positive(Duration d, String key) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(key + " must be a positive duration");
        }
    }
}
