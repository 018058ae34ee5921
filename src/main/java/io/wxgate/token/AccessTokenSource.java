package io.wxgate.token;

/** Where sends get their access_token; one JVM's cache by default, shared in cluster mode. */
public interface AccessTokenSource {

    /** A token believed valid; concurrent callers on a cold or expired cache share one fetch. */
    AccessToken current();

    /**
     * WeChat refused {@code failingToken}. Drops it only if it is still the cached one, so N concurrent
     * failures of one token cause one refresh, not N (compare-and-invalidate, SPEC §4).
     */
    void invalidate(String failingToken);

    /**
     * The account's AppSecret changed: the token fetched with the old one is no longer trusted. A source kept in
     * this JVM only is simply let go; a shared one removes its token, so the next fetch uses the new AppSecret.
     */
    default void discard() {
    }
}
