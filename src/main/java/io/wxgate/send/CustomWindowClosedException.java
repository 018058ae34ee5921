package io.wxgate.send;

/** The customer-service window is closed or used up (45015, 45047 by default): send the fallback template, else fail. */
public class CustomWindowClosedException extends WeChatApiException {

    public CustomWindowClosedException(int errcode, String errmsg, String api) {
        super(errcode, errmsg, api);
    }
}
