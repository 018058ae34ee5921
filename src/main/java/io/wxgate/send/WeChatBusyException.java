package io.wxgate.send;

/** WeChat is busy or rate-limiting (-1, 45011, HTTP 5xx by default): retry with backoff. */
public class WeChatBusyException extends WeChatApiException {

    public WeChatBusyException(int errcode, String errmsg, String api) {
        super(errcode, errmsg, api);
    }
}
