package io.wxgate.send;

/** A configuration or quota problem only an operator can fix: no retry, alert raised. */
public class OperatorAlertException extends WeChatApiException {

    public OperatorAlertException(int errcode, String errmsg, String api) {
        super(errcode, errmsg, api);
    }
}
