package io.wxgate.webapp;

import io.wxgate.account.Account;
import io.wxgate.token.AccessTokenSource;
import io.wxgate.token.AccessTokens;

/**
 * Each official account's jsapi_ticket (wechat-protocol.md §11), kept by the access_token's own machinery: a
 * ticket is, like a token, a string WeChat hands out with an {@code expires_in}, so the same sources cache it
 * until {@code expires_in} minus the refresh margin, load it single-flight, share it through Redis under a lock
 * in cluster mode, and forget it with its account or AppSecret. Only the fetch differs ({@link JsapiTicketFetcher}).
 */
public final class JsapiTickets {

    private final AccessTokens sources;

    JsapiTickets(AccessTokens sources) {
        this.sources = sources;
    }

    public AccessTokenSource of(Account account) {
        return sources.of(account);
    }

    public AccessTokenSource of(String appId) {
        return sources.of(appId);
    }
}
