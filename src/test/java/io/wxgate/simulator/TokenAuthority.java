package io.wxgate.simulator;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * WeChat's side of access_token (wechat-protocol.md §6): issues tokens from /cgi-bin/token and
 * /cgi-bin/stable_token, knows which are still good, and answers 40001/42001 for the rest.
 */
final class TokenAuthority {

    /** §6: after a new token is issued the previous one keeps working for 5 minutes. */
    private static final Duration OVERLAP = Duration.ofMinutes(5);
    /** §6: force_refresh is allowed 20 times a day, at least 30 s apart ("否则不会刷新"). */
    private static final int FORCED_REFRESHES_PER_DAY = 20;
    private static final Duration FORCED_REFRESH_SPACING = Duration.ofSeconds(30);
    /** WeChat's quota day is the China day. */
    private static final ZoneId QUOTA_ZONE = ZoneId.of("Asia/Shanghai");
    static final int DEFAULT_EXPIRES_IN = 7200;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** §6: the two endpoints hand out isolated token families ("完全隔离，互不影响"). */
    private enum Family { CLASSIC, STABLE }

    private static final class Token {
        final String value;
        final Instant issuedAt;
        final Instant expiresAt;
        Instant notLatestFrom;
        boolean invalidated;
        boolean expiredEarly;

        Token(String value, Instant issuedAt, Instant expiresAt) {
            this.value = value;
            this.issuedAt = issuedAt;
            this.expiresAt = expiresAt;
        }
    }

    private final String appId;
    private final String appSecret;
    private final Clock clock;

    private final Map<String, Token> issued = new HashMap<>();
    private final Map<Family, Token> current = new EnumMap<>(Family.class);
    private Token lastIssued;
    private int expiresIn = DEFAULT_EXPIRES_IN;
    private boolean stickyInvalid;
    private int failingFetches;
    private int failingErrcode;
    private int fetches;
    private int forcedRefreshes;
    private LocalDate forcedDay;
    private int forcedThatDay;
    private Instant lastForcedAt;

    TokenAuthority(String appId, String appSecret, Clock clock) {
        this.appId = appId;
        this.appSecret = appSecret;
        this.clock = clock;
    }

    /** GET /cgi-bin/token: every call issues a new token; the previous one stays good for {@link #OVERLAP}. */
    synchronized Map<String, Object> fetchClassic(String grantType, String appid, String secret) {
        Map<String, Object> refusal = refusal(grantType, appid, secret);
        if (refusal != null) {
            return refusal;
        }
        Instant now = clock.instant();
        Token previous = current.get(Family.CLASSIC);
        if (previous != null && previous.notLatestFrom == null) {
            previous.notLatestFrom = now.plus(OVERLAP);
        }
        fetches++;
        return grant(issue(Family.CLASSIC, now), now);
    }

    /**
     * POST /cgi-bin/stable_token: normal mode hands out the current token until it is within the renewal margin of
     * its expiry (the old one then lives out its life); force_refresh issues a new one and kills the old one at once,
     * unless the daily count or the 30 s spacing is used up, in which case the call is answered as in normal mode.
     */
    synchronized Map<String, Object> fetchStable(String grantType, String appid, String secret, boolean force) {
        Map<String, Object> refusal = refusal(grantType, appid, secret);
        if (refusal != null) {
            return refusal;
        }
        Instant now = clock.instant();
        Token held = current.get(Family.STABLE);
        Token handedOut;
        if (force && forcedRefreshAllowed(now)) {
            if (held != null) {
                held.invalidated = true;
            }
            handedOut = issue(Family.STABLE, now);
            forcedRefreshes++;
            forcedThatDay++;
            lastForcedAt = now;
        } else if (held != null && stillHandedOut(held, now)) {
            handedOut = held;
        } else {
            handedOut = issue(Family.STABLE, now);
        }
        fetches++;
        return grant(handedOut, now);
    }

    /** 0 when the token may call the API, else the errcode WeChat answers with (§8). */
    synchronized int check(String value) {
        if (value == null || value.isBlank()) {
            return 41001;
        }
        Token token = issued.get(value);
        if (token == null || token.invalidated) {
            return 40001;
        }
        if (token.expiredEarly) {
            return 42001;
        }
        Instant now = clock.instant();
        boolean superseded = token.notLatestFrom != null && !now.isBefore(token.notLatestFrom);
        boolean expired = !now.isBefore(token.expiresAt);
        if (superseded && (!expired || token.notLatestFrom.isBefore(token.expiresAt))) {
            return 40001;
        }
        return expired ? 42001 : 0;
    }

    /** Whether this account issued the token, whatever its state now (a token names its account). */
    synchronized boolean issued(String value) {
        return value != null && issued.containsKey(value);
    }

    /** Whether secret is this account's AppSecret (web authorization's code exchange, §13). */
    boolean hasSecret(String secret) {
        return appSecret.equals(secret);
    }

    synchronized String lastIssued() {
        return lastIssued == null ? null : lastIssued.value;
    }

    synchronized void invalidateLastIssued() {
        requireIssued().invalidated = true;
    }

    synchronized void expireLastIssued() {
        requireIssued().expiredEarly = true;
    }

    synchronized void expiresIn(int seconds) {
        if (seconds <= 0) {
            throw new IllegalArgumentException("expires_in must be positive: " + seconds);
        }
        expiresIn = seconds;
    }

    synchronized void stickyInvalid(boolean sticky) {
        stickyInvalid = sticky;
    }

    synchronized void failFetches(int errcode, int count) {
        failingErrcode = errcode;
        failingFetches = count;
    }

    synchronized int fetches() {
        return fetches;
    }

    synchronized int forcedRefreshes() {
        return forcedRefreshes;
    }

    synchronized void reset() {
        issued.clear();
        current.clear();
        lastIssued = null;
        expiresIn = DEFAULT_EXPIRES_IN;
        stickyInvalid = false;
        failingFetches = 0;
        fetches = 0;
        forcedRefreshes = 0;
        forcedDay = null;
        forcedThatDay = 0;
        lastForcedAt = null;
    }

    private Map<String, Object> refusal(String grantType, String appid, String secret) {
        if (failingFetches > 0) {
            failingFetches--;
            return WeChatErrors.error(failingErrcode);
        }
        if (appid == null || appid.isBlank()) {
            return WeChatErrors.error(41002);
        }
        if (!"client_credential".equals(grantType)) {
            return WeChatErrors.error(40002);
        }
        if (!appId.equals(appid)) {
            return WeChatErrors.error(40013);
        }
        if (secret == null || secret.isBlank()) {
            return WeChatErrors.error(41004);
        }
        if (!appSecret.equals(secret)) {
            return WeChatErrors.error(40125);
        }
        return null;
    }

    private boolean stillHandedOut(Token held, Instant now) {
        if (held.invalidated) {
            // The "a normal fetch returns the same failing token" case of §6: only force_refresh gets out of it.
            return stickyInvalid;
        }
        if (held.expiredEarly) {
            return false;
        }
        return now.isBefore(held.expiresAt.minus(renewalMargin(held)));
    }

    /** §6: the platform renews a stable token 5 min before expiry; shorter test lifetimes renew at half-life. */
    private static Duration renewalMargin(Token token) {
        Duration halfLife = Duration.between(token.issuedAt, token.expiresAt).dividedBy(2);
        return halfLife.compareTo(OVERLAP) < 0 ? halfLife : OVERLAP;
    }

    private boolean forcedRefreshAllowed(Instant now) {
        LocalDate day = LocalDate.ofInstant(now, QUOTA_ZONE);
        if (!day.equals(forcedDay)) {
            forcedDay = day;
            forcedThatDay = 0;
        }
        return forcedThatDay < FORCED_REFRESHES_PER_DAY
                && (lastForcedAt == null || !now.isBefore(lastForcedAt.plus(FORCED_REFRESH_SPACING)));
    }

    private Token issue(Family family, Instant now) {
        Token token = new Token(newTokenValue(), now, now.plusSeconds(expiresIn));
        issued.put(token.value, token);
        current.put(family, token);
        lastIssued = token;
        return token;
    }

    private Token requireIssued() {
        if (lastIssued == null) {
            throw new IllegalStateException("no access_token has been issued yet");
        }
        return lastIssued;
    }

    private static Map<String, Object> grant(Token token, Instant now) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("access_token", token.value);
        answer.put("expires_in", Math.max(0, Duration.between(now, token.expiresAt).toSeconds()));
        return answer;
    }

    /** §6 asks clients to store ≥ 512 chars; real tokens are well over 100, so 128 keeps callers honest. */
    private static String newTokenValue() {
        byte[] bytes = new byte[96];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
