package io.wxgate.token;

import io.wxgate.account.Account;

/** One call to WeChat's token endpoint, made with the account's AppId and AppSecret. */
@FunctionalInterface
public interface TokenFetcher {

    AccessToken fetch(Account account, boolean forceRefresh);
}
