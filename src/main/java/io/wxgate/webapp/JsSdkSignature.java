package io.wxgate.webapp;

import io.wxgate.crypto.Signatures;

/**
 * The {@code signature} of JS-SDK's {@code wx.config} (wechat-protocol.md §12): lower-case hex SHA-1 of
 * {@code jsapi_ticket=…&noncestr=…&timestamp=…&url=…}, the names in this fixed order, the values raw (no URL
 * encoding), the timestamp in seconds and the page's URL without its {@code #} fragment.
 */
public final class JsSdkSignature {

    private JsSdkSignature() {
    }

    public static String sign(String ticket, String nonceStr, long timestamp, String url) {
        String string1 = "jsapi_ticket=" + ticket + "&noncestr=" + nonceStr + "&timestamp=" + timestamp
                + "&url=" + withoutFragment(url);
        // One part: Signatures' sort leaves it as it is, and its SHA-1 is the callback signatures' own.
        return Signatures.sign(string1);
    }

    /** The page's URL as WeChat signs it: everything before the first {@code #} (§12). */
    public static String withoutFragment(String url) {
        int hash = url.indexOf('#');
        return hash < 0 ? url : url.substring(0, hash);
    }
}
