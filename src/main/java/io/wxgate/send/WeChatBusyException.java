package io.wxgate.send;

/** WeChat is busy or rate-limiting (-1, 45011, HTTP 5xx by default): retry with backoff. */
public class WeChatBusyException extends WeChatApiException {

    public WeChatBusyException(int errcode, String errmsg, String api) {
        super(errcode, errmsg, api);
    }

    /** Busy without an errcode: no usable answer (see {@link WeChatApiException#WeChatApiException(String, String)}). */
    public WeChatBusyException(String failure, String api) {
        super(failure, api);
    }
}
