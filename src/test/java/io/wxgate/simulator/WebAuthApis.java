package io.wxgate.simulator;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * WeChat's side of JS-SDK tickets and web authorization (wechat-protocol.md §11, §13):
 * {@code cgi-bin/ticket/getticket?type=jsapi} issues each account a new ticket per fetch (the previous one stays good
 * until it expires) and counts the fetches; {@code sns/oauth2/access_token} exchanges the codes a test mints, each
 * once (40029 unknown, 40163 used, 42003 expired after 5 minutes), for a user's web token; {@code sns/userinfo}
 * answers that user's profile for a snsapi_userinfo token (48001 for snsapi_base). Scripted errcodes, delays and
 * drops are the simulator's own, per path.
 */
public final class WebAuthApis {

    public static final String GETTICKET = "/cgi-bin/ticket/getticket";
    public static final String OAUTH_TOKEN = "/sns/oauth2/access_token";
    public static final String USERINFO = "/sns/userinfo";
    /** §13: a code expires 5 minutes after it was issued. */
    private static final Duration CODE_LIFETIME = Duration.ofMinutes(5);
    private static final SecureRandom RANDOM = new SecureRandom();

    private record Grant(String appId, String openid, String scope, String unionid, Instant issuedAt) {
    }

    private final Map<String, TokenAuthority> accounts;
    private final Clock clock;
    private final Map<String, String> currentTickets = new HashMap<>();
    private final Map<String, Integer> ticketFetches = new HashMap<>();
    private int ticketExpiresIn = TokenAuthority.DEFAULT_EXPIRES_IN;
    private final Map<String, Grant> codes = new HashMap<>();
    private final Set<String> usedCodes = new HashSet<>();
    private final Map<String, Grant> webTokens = new HashMap<>();

    WebAuthApis(Map<String, TokenAuthority> accounts, Clock clock) {
        this.accounts = accounts;
        this.clock = clock;
    }

    // ---- for tests

    /** A code WeChat would put on the redirect after the user of openid authorized with scope; unionid may be null. */
    public synchronized String mintCode(String appId, String openid, String scope, String unionid) {
        String code = "code-" + random();
        codes.put(code, new Grant(appId, openid, scope, unionid, clock.instant()));
        return code;
    }

    /** The ticket most recently issued to that account, null before its first. */
    public synchronized String currentTicket(String appId) {
        return currentTickets.get(appId);
    }

    /** Successful getticket calls of that account. */
    public synchronized int ticketFetches(String appId) {
        return ticketFetches.getOrDefault(appId, 0);
    }

    /** expires_in of tickets issued from now on (default 7200). */
    public synchronized void ticketExpiresIn(int seconds) {
        if (seconds <= 0) {
            throw new IllegalArgumentException("expires_in must be positive: " + seconds);
        }
        ticketExpiresIn = seconds;
    }

    synchronized void reset() {
        currentTickets.clear();
        ticketFetches.clear();
        ticketExpiresIn = TokenAuthority.DEFAULT_EXPIRES_IN;
        codes.clear();
        usedCodes.clear();
        webTokens.clear();
    }

    // ---- HTTP

    synchronized Map<String, Object> answer(String path, Map<String, String> query) {
        return switch (path) {
            case GETTICKET -> ticket(query);
            case OAUTH_TOKEN -> exchange(query);
            default -> userinfo(query);
        };
    }

    private Map<String, Object> ticket(Map<String, String> query) {
        String token = query.get("access_token");
        String appId = accounts.entrySet().stream().filter(a -> a.getValue().issued(token)).map(Map.Entry::getKey)
                .findFirst().orElse(null);
        int tokenError = appId == null ? (token == null || token.isBlank() ? 41001 : 40001)
                : accounts.get(appId).check(token);
        if (tokenError != 0) {
            return WeChatErrors.error(tokenError);
        }
        if (!"jsapi".equals(query.get("type")) && !"wx_card".equals(query.get("type"))) {
            return WeChatErrors.error(40097, "invalid args");
        }
        String ticket = "ticket-" + random();
        currentTickets.put(appId, ticket);
        ticketFetches.merge(appId, 1, Integer::sum);
        Map<String, Object> answer = WeChatErrors.ok();
        answer.put("ticket", ticket);
        answer.put("expires_in", ticketExpiresIn);
        return answer;
    }

    private Map<String, Object> exchange(Map<String, String> query) {
        TokenAuthority account = accounts.get(query.getOrDefault("appid", ""));
        if (account == null) {
            return WeChatErrors.error(40013);
        }
        if (!account.hasSecret(query.get("secret"))) {
            return WeChatErrors.error(40125);
        }
        if (!"authorization_code".equals(query.get("grant_type"))) {
            return WeChatErrors.error(40002);
        }
        String code = query.get("code");
        if (code == null || code.isEmpty()) {
            return WeChatErrors.error(41008);
        }
        Grant grant = codes.get(code);
        if (grant == null || !grant.appId().equals(query.get("appid"))) {
            return WeChatErrors.error(40029);
        }
        if (!usedCodes.add(code)) {
            return WeChatErrors.error(40163);
        }
        if (!clock.instant().isBefore(grant.issuedAt().plus(CODE_LIFETIME))) {
            return WeChatErrors.error(42003);
        }
        String webToken = "web-" + random();
        webTokens.put(webToken, grant);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("access_token", webToken);
        answer.put("expires_in", 7200);
        answer.put("refresh_token", "refresh-" + random());
        answer.put("openid", grant.openid());
        answer.put("scope", grant.scope());
        if (grant.unionid() != null) {
            answer.put("unionid", grant.unionid());
        }
        return answer;
    }

    private Map<String, Object> userinfo(Map<String, String> query) {
        Grant grant = webTokens.get(query.getOrDefault("access_token", ""));
        if (grant == null) {
            return WeChatErrors.error(40001);
        }
        if (!"snsapi_userinfo".equals(grant.scope())) {
            return WeChatErrors.error(48001);
        }
        if (!grant.openid().equals(query.get("openid"))) {
            return WeChatErrors.error(40003);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("openid", grant.openid());
        answer.put("nickname", "User " + grant.openid());
        // Gender and region are no longer given out (since 2021-10-20, §13).
        answer.put("sex", 0);
        answer.put("province", "");
        answer.put("city", "");
        answer.put("country", "");
        answer.put("headimgurl", "https://thirdwx.qlogo.cn/mmopen/" + grant.openid() + "/132");
        answer.put("privilege", List.of());
        if (grant.unionid() != null) {
            answer.put("unionid", grant.unionid());
        }
        return answer;
    }

    private static String random() {
        return Long.toHexString(RANDOM.nextLong() & Long.MAX_VALUE);
    }
}
