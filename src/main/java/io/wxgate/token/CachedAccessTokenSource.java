package io.wxgate.token;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import io.wxgate.account.Account;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.LoadingCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access_token of one JVM, in a Caffeine loading cache: a cold or expired entry is loaded once while every
 * concurrent caller waits for that one load (single-flight), and it expires {@code refreshMargin} before
 * WeChat's {@code expires_in}. One per account (SPEC §7), fetched with that account's AppSecret.
 */
public final class CachedAccessTokenSource implements AccessTokenSource {

    private static final Logger LOG = LoggerFactory.getLogger(CachedAccessTokenSource.class);

    private final Account account;
    private final TokenFetcher fetcher;
    private final ForceRefreshBudget forceBudget;
    private final boolean forceRefreshSupported;
    private final LoadingCache<String, AccessToken> cache;
    /** The last token WeChat refused; a fetch that hands it back again calls for force_refresh. */
    private final AtomicReference<String> refused = new AtomicReference<>();

    public CachedAccessTokenSource(Account account, TokenFetcher fetcher, Duration refreshMargin,
            ForceRefreshBudget forceBudget, boolean forceRefreshSupported, Clock clock) {
        this.account = account;
        this.fetcher = fetcher;
        this.forceBudget = forceBudget;
        this.forceRefreshSupported = forceRefreshSupported;
        this.cache = Caffeine.newBuilder()
                .expireAfter(Expiry.<String, AccessToken>creating((key, token) -> lifetime(token, refreshMargin)))
                .ticker(() -> clock.millis() * 1_000_000L)
                .build(key -> load());
    }

    /** Keep at least half of a short-lived token's life, so a 300 s token is not refetched on every call. */
    static Duration lifetime(AccessToken token, Duration margin) {
        Duration full = Duration.ofSeconds(token.expiresIn());
        Duration withMargin = full.minus(margin);
        Duration half = full.dividedBy(2);
        return withMargin.compareTo(half) > 0 ? withMargin : half;
    }

    @Override
    public AccessToken current() {
        return cache.get(account.appId());
    }

    @Override
    public void invalidate(String failingToken) {
        cache.asMap().computeIfPresent(account.appId(), (key, cached) -> {
            if (!cached.value().equals(failingToken)) {
                return cached;
            }
            refused.set(failingToken);
            return null;
        });
    }

    private AccessToken load() {
        AccessToken token = fetcher.fetch(account, false);
        String suspect = refused.getAndSet(null);
        if (suspect != null && token.value().equals(suspect)) {
            // stable_token in normal mode hands back the current token even when WeChat itself just refused it.
            if (forceRefreshSupported && forceBudget.tryTake()) {
                LOG.warn("WeChat returned the refused access_token again; fetching with force_refresh");
                token = fetcher.fetch(account, true);
            } else {
                LOG.warn("WeChat returned the refused access_token again and force_refresh is not allowed now");
            }
        }
        return token;
    }
}
