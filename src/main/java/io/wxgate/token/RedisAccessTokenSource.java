package io.wxgate.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import io.wxgate.account.Account;
import io.wxgate.store.RedisKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;

/**
 * The access_token of cluster mode: one token in Redis for every instance, fetched by whichever instance
 * holds a short lease lock, so the cluster makes one fetch per expiry (SPEC §6). Waits for another
 * instance's fetch are bounded ({@code lockWait}, milliseconds to seconds), never minutes (WxJava#3888);
 * past the bound the send backs off and retries like any busy answer.
 */
public final class RedisAccessTokenSource implements AccessTokenSource {

    private static final Logger LOG = LoggerFactory.getLogger(RedisAccessTokenSource.class);
    private static final ZoneId WECHAT_DAY = ZoneId.of("Asia/Shanghai");
    /** Longer than a token fetch, its force_refresh included, can take (2 × (connect + read timeouts)). */
    private static final Duration LEASE = Duration.ofSeconds(60);
    private static final long POLL_MILLIS = 20;

    // Compare-and-invalidate across instances: drop the token only if it is still the one that failed.
    private static final DefaultRedisScript<Long> INVALIDATE = new DefaultRedisScript<>(
            "local cur = redis.call('GET', KEYS[1]) "
            + "if cur and string.match(cur, '^%d+:%d+:(.*)$') == ARGV[1] then "
            + "  redis.call('DEL', KEYS[1]) redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2]) return 1 end "
            + "return 0", Long.class);
    private static final DefaultRedisScript<Long> UNLOCK = new DefaultRedisScript<>(
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0", Long.class);

    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final Account account;
    private final TokenFetcher fetcher;
    private final Duration margin;
    private final Duration lockWait;
    private final boolean forceRefreshSupported;
    private final Duration forceInterval;
    private final int forcePerDay;
    private final Clock clock;
    /** The key names' stem: "token" for the access_token; a jsapi_ticket keeps its own under another stem. */
    private final String kind;
    private final String instance = UUID.randomUUID().toString();
    private final ReentrantLock localFetch = new ReentrantLock();

    /** @param keys the account's keys: each account has its own token, lock and force_refresh budget */
    public RedisAccessTokenSource(StringRedisTemplate redis, RedisKeys keys, Account account, TokenFetcher fetcher,
            Duration margin, Duration lockWait, boolean forceRefreshSupported, Duration forceInterval, int forcePerDay,
            Clock clock) {
        this(redis, keys, "token", account, fetcher, margin, lockWait, forceRefreshSupported, forceInterval,
                forcePerDay, clock);
    }

    /**
     * A credential other than the access_token that the cluster shares the same way (one fetch per expiry, under a
     * lock): {@code kind} names its keys, e.g. {@code jsapi-ticket}.
     */
    public RedisAccessTokenSource(StringRedisTemplate redis, RedisKeys keys, String kind, Account account,
            TokenFetcher fetcher, Duration margin, Duration lockWait, boolean forceRefreshSupported,
            Duration forceInterval, int forcePerDay, Clock clock) {
        this.kind = kind;
        this.redis = redis;
        this.keys = keys;
        this.account = account;
        this.fetcher = fetcher;
        this.margin = margin;
        this.lockWait = lockWait;
        this.forceRefreshSupported = forceRefreshSupported;
        this.forceInterval = forceInterval;
        this.forcePerDay = forcePerDay;
        this.clock = clock;
    }

    @Override
    public AccessToken current() {
        AccessToken token = read();
        if (token != null) {
            return token;
        }
        // One thread per instance goes for the cluster lock; the others wait for its result. Every wait, here
        // and for another instance's fetch, counts against one bound measured from entry.
        long deadline = System.nanoTime() + lockWait.toNanos();
        try {
            if (!localFetch.tryLock(lockWait.toNanos(), TimeUnit.NANOSECONDS)) {
                throw busy(kind);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw busy(kind);
        }
        try {
            while (true) {
                token = read();
                if (token != null) {
                    return token;
                }
                if (tryLock()) {
                    try {
                        token = read();
                        return token != null ? token : fetchAndStore();
                    } finally {
                        redis.execute(UNLOCK, List.of(keys.of(kind + "-lock")), instance);
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw busy(kind);
                }
                sleep();
            }
        } finally {
            localFetch.unlock();
        }
    }

    private static TokenUnavailableException busy(String kind) {
        return new TokenUnavailableException((kind.equals("token") ? "access_token" : kind)
                + " is being fetched by another instance");
    }

    @Override
    public void invalidate(String failingToken) {
        redis.execute(INVALIDATE, List.of(keys.of(kind), keys.of(kind + "-refused")), failingToken,
                Long.toString(Duration.ofMinutes(5).toMillis()));
    }

    @Override
    public void discard() {
        redis.delete(keys.of(kind));
    }

    private AccessToken fetchAndStore() {
        AccessToken token = fetcher.fetch(account, false);
        String refused = redis.opsForValue().get(keys.of(kind + "-refused"));
        if (token.value().equals(refused)) {
            if (forceRefreshSupported && takeForceRefresh()) {
                LOG.warn("WeChat returned the refused access_token again; fetching with force_refresh");
                token = fetcher.fetch(account, true);
            } else {
                LOG.warn("WeChat returned the refused access_token again and force_refresh is not allowed now");
            }
        }
        redis.delete(keys.of(kind + "-refused"));
        Duration lifetime = CachedAccessTokenSource.lifetime(token, margin);
        redis.opsForValue().set(keys.of(kind),
                token.fetchedAt().toEpochMilli() + ":" + token.expiresIn() + ":" + token.value(), lifetime);
        return token;
    }

    /** WeChat's force_refresh budget (20 a day, 30 s apart, wechat-protocol.md §6), counted for the cluster. */
    private boolean takeForceRefresh() {
        if (!Boolean.TRUE.equals(redis.opsForValue().setIfAbsent(keys.of("force-refresh-gap"), "1", forceInterval))) {
            return false;
        }
        String dayKey = keys.of("force-refresh-day", LocalDate.ofInstant(clock.instant(), WECHAT_DAY).toString());
        Long used = redis.opsForValue().increment(dayKey);
        redis.expire(dayKey, Duration.ofDays(2));
        return used != null && used <= forcePerDay;
    }

    private AccessToken read() {
        String stored = redis.opsForValue().get(keys.of(kind));
        if (stored == null) {
            return null;
        }
        int first = stored.indexOf(':');
        int second = stored.indexOf(':', first + 1);
        return new AccessToken(stored.substring(second + 1), Integer.parseInt(stored.substring(first + 1, second)),
                Instant.ofEpochMilli(Long.parseLong(stored.substring(0, first))));
    }

    private boolean tryLock() {
        return Boolean.TRUE.equals(redis.opsForValue().setIfAbsent(keys.of(kind + "-lock"), instance, LEASE));
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the access_token", e);
        }
    }
}
