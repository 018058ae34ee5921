package io.wxgate.token;

/** One call to WeChat's token endpoint. */
@FunctionalInterface
public interface TokenFetcher {

    AccessToken fetch(boolean forceRefresh);
}
