package io.wxgate.send;

/**
 * WeChat answered a call with a non-zero errcode (or an HTTP error). Subclasses name the behaviour the
 * errcode table (SPEC §4, {@code wechat.send.errcodes}) gives it, so {@code onException} clauses can match
 * by class. Messages carry WeChat's errcode and errmsg, never a token or secret.
 */
public class WeChatApiException extends RuntimeException {

    /** Null when WeChat's answer gave none. */
    private final Integer errcode;
    private final String errmsg;

    public WeChatApiException(int errcode, String errmsg, String api) {
        super("WeChat answered errcode " + errcode + " (" + errmsg + ") on " + api, null, false, false);
        this.errcode = errcode;
        this.errmsg = errmsg;
    }

    /**
     * A failure WeChat's answer gave no errcode for: an HTTP error status, an answer that is not JSON or lacks what
     * it must hold, no answer at all. {@code failure} says which.
     */
    public WeChatApiException(String failure, String api) {
        super("WeChat gave no errcode: " + failure + " on " + api, null, false, false);
        this.errcode = null;
        this.errmsg = failure;
    }

    /** WeChat's errcode, or -1 (WeChat's own "system busy") when its answer gave none: see {@link #errcodeGiven}. */
    public int getErrcode() {
        return errcode == null ? -1 : errcode;
    }

    /** WeChat's errcode as its answer gave it; null when it gave none (an HTTP error, an unreadable answer). */
    public Integer errcodeGiven() {
        return errcode;
    }

    public String getErrmsg() {
        return errmsg;
    }
}
