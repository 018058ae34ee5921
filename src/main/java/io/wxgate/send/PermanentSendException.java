package io.wxgate.send;

/** The message can never be sent as it is (user, openid or payload problems): no retry. */
public class PermanentSendException extends WeChatApiException {

    public PermanentSendException(int errcode, String errmsg, String api) {
        super(errcode, errmsg, api);
    }

    /** Permanent without an errcode: an HTTP status WeChat answers a call it will never take (404, 400 …). */
    public PermanentSendException(String failure, String api) {
        super(failure, api);
    }
}
