package io.wxgate.account;

/**
 * One official account the gateway serves (SPEC §7): the default account of {@code WECHAT_*}, or an entry of the
 * accounts file. Everything here but the AppId is a secret or decides how secrets are used, so {@link #toString()}
 * shows only the AppId and which modes are on.
 *
 * @param appId                  WeChat's AppId; the account's name in paths, headers, keys and metrics
 * @param appSecret              the AppSecret its access_token is fetched with
 * @param token                  the callback Token its signatures are made with
 * @param encodingAesKey         its EncodingAESKey; empty = plain mode only
 * @param previousEncodingAesKey the key before a key change, still accepted while the change rolls out; empty = none
 * @param requireEncryption      refuse its plain-mode POSTs (needs an EncodingAESKey)
 * @param apiKey                 a bearer key that may act on this account only; empty = none
 * @param menuFile               the account's menu as code (menu.MenuPublisher); empty = its menu is left alone
 */
public record Account(
        String appId,
        String appSecret,
        String token,
        String encodingAesKey,
        String previousEncodingAesKey,
        boolean requireEncryption,
        String apiKey,
        String menuFile) {

    public Account {
        encodingAesKey = orEmpty(encodingAesKey);
        previousEncodingAesKey = orEmpty(previousEncodingAesKey);
        apiKey = orEmpty(apiKey);
        menuFile = orEmpty(menuFile);
    }

    /** An account without a menu file. */
    public Account(String appId, String appSecret, String token, String encodingAesKey, String previousEncodingAesKey,
            boolean requireEncryption, String apiKey) {
        this(appId, appSecret, token, encodingAesKey, previousEncodingAesKey, requireEncryption, apiKey, "");
    }

    public boolean safeModeConfigured() {
        return !encodingAesKey.isEmpty();
    }

    public boolean hasApiKey() {
        return !apiKey.isEmpty();
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value.trim();
    }

    @Override
    public String toString() {
        return "Account[appId=" + appId + ", safeMode=" + safeModeConfigured() + ", keyChange="
                + !previousEncodingAesKey.isEmpty() + ", requireEncryption=" + requireEncryption + ", apiKey="
                + hasApiKey() + ", menuFile=" + menuFile + "]";
    }
}
