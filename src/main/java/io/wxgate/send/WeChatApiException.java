package io.wxgate.send;

/**
 * WeChat answered a call with a non-zero errcode (or an HTTP error). Subclasses name the behaviour the
 * errcode table (SPEC §4, {@code wechat.send.errcodes}) gives it, so {@code onException} clauses can match
 * by class. Messages carry WeChat's errcode and errmsg, never a token or secret.
 */
public class WeChatApiException extends RuntimeException {

    private final int errcode;
    private final String errmsg;

    public WeChatApiException(int errcode, String errmsg, String api) {
        super("WeChat answered errcode " + errcode + " (" + errmsg + ") on " + api, null, false, false);
        this.errcode = errcode;
        this.errmsg = errmsg;
    }

    public int getErrcode() {
        return errcode;
    }

    public String getErrmsg() {
        return errmsg;
    }
}
