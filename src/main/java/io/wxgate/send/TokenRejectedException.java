package io.wxgate.send;

/** The access_token was refused (40001, 40014, 42001, 41001 by default): refresh it and retry once. */
public class TokenRejectedException extends WeChatApiException {

    public TokenRejectedException(int errcode, String errmsg, String api) {
        super(errcode, errmsg, api);
    }
}
